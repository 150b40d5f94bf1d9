/**
 * --timeout takes the same duration forms on test, send and fetch (500ms, 30s, 2m; a bare number keeps the command's
 * unit) and rejects 0 / garbage with USAGE (exit 2) before any network work. proxy --drain-seconds takes them too.
 */
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, test } from "node:test";
import { dir, listen, login, runCli, SECRET, useFakes } from "../harness/e2e-fixture.js";

useFakes();

const COMMANDS: Record<string, string[]> = {
  test: ["test", "--protocol", "pop3"],
  send: ["send", "--to", "a@contoso.example", "--subject", "s", "--body", "b"],
  fetch: ["fetch", "--maildir", "/nonexistent/xoauth-mail-maildir"],
};

async function runJson(args: string[]) {
  const r = await runCli([...args, "--json"]);
  const out = JSON.parse(r.stdout) as { diagnosis?: { code: string }; error?: { code: string } };
  return { exit: r.code, errorCode: out.diagnosis?.code ?? out.error?.code, text: r.stdout };
}

describe("--timeout on test, send and fetch", { concurrency: true }, () => {
  for (const [name, args] of Object.entries(COMMANDS)) {
    const bare = name === "fetch" ? "seconds" : "milliseconds";
    test(`${name}: --timeout 0 and --timeout abc exit 2 with USAGE naming the flag and the forms`, async () => {
      for (const v of ["0", "abc"]) {
        const r = await runJson([...args, "--timeout", v]);
        assert.equal(r.exit, 2, r.text);
        assert.equal(r.errorCode, "USAGE", r.text);
        assert.ok(r.text.includes(`--timeout \\"${v}\\"`), r.text);
        assert.match(r.text, new RegExp(`30s, 500ms or 2m \\(a bare number is ${bare}\\)`));
      }
    });
    test(`${name}: --timeout 30s is accepted (the run goes on to the next check: the missing tenant ID)`, async () => {
      const r = await runJson([...args, "--timeout", "30s"]);
      assert.equal(r.exit, 2, r.text);
      assert.doesNotMatch(r.text, /--timeout/);
      assert.match(r.text, /tenant ID is missing/);
    });
  }

  test("fetch: --retry-delay takes durations (a bare number is ms, 0 allowed); garbage is USAGE at start", async () => {
    const bad = await runCli([...(COMMANDS.fetch as string[]), "--retry-delay", "abc"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /USAGE.*--retry-delay "abc" is not a duration.*a bare number is milliseconds/);
    for (const ok of ["2s", "0", "1500"]) {
      const r = await runCli([...(COMMANDS.fetch as string[]), "--retry-delay", ok]);
      assert.doesNotMatch(r.stderr, /--retry-delay/, ok);
    }
  });

  test("proxy: --drain-seconds garbage is USAGE at start; 2m is accepted", async () => {
    const bad = await runCli(["proxy", "--config", "/nonexistent/proxy.yaml", "--drain-seconds", "abc"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /USAGE.*--drain-seconds "abc" is not a duration/);
    const ok = await runCli(["proxy", "--config", "/nonexistent/proxy.yaml", "--drain-seconds", "2m"]);
    assert.doesNotMatch(ok.stderr, /--drain-seconds/);
    assert.match(ok.stderr, /proxy\.yaml/);
  });
});

describe("the unit suffix reaches the connection", { concurrency: true }, () => {
  const env = (n: string) => ({ AZURE_CLIENT_SECRET: SECRET, XOAUTH_MAIL_CACHE_DIR: join(dir, `timeout-cache-${n}`) });
  const silent = async () => ["--host", "127.0.0.1", "--port", String(await listen(createServer(() => {}))), "--tls"];

  test("test --timeout 300ms: a server that never greets is TIMEOUT (not 300 s)", async () => {
    const r = await runCli(
      ["test", "--json", ...login(), "--protocol", "pop3", ...(await silent()), "starttls", "--timeout", "300ms"],
      {
        env: env("test"),
      },
    );
    assert.equal(JSON.parse(r.stdout).diagnosis.code, "TIMEOUT", r.stdout);
    assert.equal(r.code, 5);
  });

  test("fetch --timeout 300ms: a server that never greets is TIMEOUT (not 300 s)", async () => {
    const maildir = join(dir, "timeout-maildir");
    const r = await runCli(
      [
        "fetch",
        "--json",
        ...login(),
        "--maildir",
        maildir,
        "--retries",
        "0",
        ...(await silent()),
        "starttls",
        "--timeout",
        "300ms",
      ],
      { env: env("fetch") },
    );
    assert.match(r.stdout, /"code": "TIMEOUT"/, r.stdout + r.stderr);
    assert.equal(r.code, 5);
  });
});
