/** `xoauth-mail sandbox` as a child process of the BUILT CLI: its options drive `token` and `test`; SIGTERM stops it. */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { CLI_BIN, cliEnv, REPO_ROOT, runCli } from "../harness/cli.js";

interface SandboxInfo {
  dir: string;
  config: string;
  secret_file: string;
  ca_file: string;
  mailbox: string;
  host: string;
  ports: { identity: number; pop3s: number; imaps: number; smtp: number; pop3: number };
  args: string[];
}

interface Running {
  child: ChildProcess;
  first: Promise<string>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
}

function startSandbox(args: string[]): Running {
  const child = spawn(process.execPath, [CLI_BIN, "sandbox", ...args], {
    cwd: REPO_ROOT,
    env: cliEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr?.on("data", (c: Buffer) => {
    err += c.toString("utf8");
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on("exit", (code, signal) => r({ code, signal })),
  );
  const first = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox printed nothing; stderr: ${err}`)), 30_000);
    child.stdout?.on("data", (c: Buffer) => {
      out += c.toString("utf8");
      if (out.includes("\n")) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    void exit.then(() => reject(new Error(`sandbox exited early; stderr: ${err}`)));
  });
  return { child, first, exit, stderr: () => err };
}

function portClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port });
    s.once("connect", () => {
      s.destroy();
      resolve(false);
    });
    s.once("error", () => resolve(true));
  });
}

describe("xoauth-mail sandbox", () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("prints options that work for token and test, writes a 0600 secret and a config, and stops cleanly on SIGTERM", async () => {
    const parent = mkdtempSync(join(tmpdir(), "sandbox-test-"));
    dirs.push(parent); // the sandbox makes (and on SIGTERM keeps) sbx/ in it
    const dir = join(parent, "sbx");
    const cache = mkdtempSync(join(tmpdir(), "sandbox-cache-"));
    dirs.push(cache);
    const sb = startSandbox(["--json", "--dir", dir]);
    children.push(sb.child);
    const info = JSON.parse(await sb.first) as SandboxInfo;
    assert.equal(info.dir, dir);
    assert.equal(statSync(info.secret_file).mode & 0o777, 0o600);
    assert.match(readFileSync(info.config, "utf8"), /secret:\n\s+file: /);
    assert.doesNotMatch(readFileSync(info.config, "utf8"), /Sbx8Q~/, "secret not inlined in the config");

    const tok = await runCli(["token", "--decode", "--no-cache", ...info.args], { timeoutMs: 30_000 });
    assert.equal(tok.code, 0, tok.stderr);
    assert.match(tok.stdout, /appid {4}4a1aa1d5-c567-49d0-ad0b-cd957a47f842/);
    assert.match(tok.stdout, /✓ role/);

    const viaFlags = await runCli(
      [
        "test",
        "--json",
        "--no-cache",
        ...info.args,
        "--protocol",
        "imap",
        "--host",
        info.host,
        "--port",
        String(info.ports.imaps),
      ],
      { timeoutMs: 30_000 },
    );
    assert.equal(viaFlags.code, 0, viaFlags.stdout + viaFlags.stderr);
    assert.equal((JSON.parse(viaFlags.stdout) as { diagnosis: { code: string } }).diagnosis.code, "OK");

    const viaConfig = await runCli(["test", "--json", "--config", info.config, "--protocol", "all"], {
      timeoutMs: 30_000,
      env: { XOAUTH_MAIL_CACHE_DIR: cache },
    });
    assert.equal(viaConfig.code, 0, viaConfig.stdout + viaConfig.stderr);
    const all = JSON.parse(viaConfig.stdout) as { ok: boolean; results: { protocol: string; ok: boolean }[] };
    assert.equal(all.ok, true);
    assert.deepEqual(
      all.results.map((r) => [r.protocol, r.ok]),
      [
        ["pop3", true],
        ["imap", true],
        ["smtp", true],
        ["graph", true],
      ],
      "the sandbox config names its Graph URL, so --protocol all tests Graph too",
    );

    sb.child.kill("SIGTERM");
    const ended = await sb.exit;
    assert.deepEqual(ended, { code: 0, signal: null }, sb.stderr());
    assert.match(sb.stderr(), /sandbox: stopped/);
    for (const port of Object.values(info.ports)) assert.equal(await portClosed(port), true, `port ${port} closed`);
    assert.equal(existsSync(info.config), true, "a --dir given by the user is kept");
  });

  it("prints the options as text by default and removes its temporary directory on SIGINT", async () => {
    const sb = startSandbox([]);
    children.push(sb.child);
    let text = await sb.first;
    while (!text.includes("--protocol all"))
      text += await new Promise<string>((r) => sb.child.stdout?.once("data", (c: Buffer) => r(c.toString())));
    const m = /--ca-file (\S+)\/ca\.pem .*--client-secret-file \S+ --mailbox info@contoso\.onmicrosoft\.com/.exec(text);
    assert.ok(m, text);
    const tempDir = m[1] as string;
    assert.equal(existsSync(join(tempDir, "config.yaml")), true);
    assert.match(text, /pop3 {2}--host 127\.0\.0\.1 --port \d+/);
    sb.child.kill("SIGINT");
    assert.deepEqual(await sb.exit, { code: 0, signal: null });
    assert.equal(existsSync(tempDir), false);
  });

  for (const [scenario, protocol, code] of [
    ["no-consent", "pop3", "PERMISSION_MISSING"],
    ["no-fullaccess", "imap", "MAILBOX_NOT_CONNECTED"],
  ] as const) {
    it(`--scenario ${scenario}: \`test --json --protocol ${protocol}\` diagnoses ${code}`, async () => {
      const sb = startSandbox(["--json", "--scenario", scenario]);
      children.push(sb.child);
      const info = JSON.parse(await sb.first) as SandboxInfo & { scenario: string | null };
      assert.equal(info.scenario, scenario);
      const r = await runCli(["test", "--json", "--no-cache", "--config", info.config, "--protocol", protocol], {
        timeoutMs: 30_000,
      });
      assert.notEqual(r.code, 0, r.stdout);
      assert.equal((JSON.parse(r.stdout) as { diagnosis: { code: string } }).diagnosis.code, code, r.stdout);
      sb.child.kill("SIGTERM");
      assert.deepEqual(await sb.exit, { code: 0, signal: null });
    });
  }

  it("rejects an unknown --scenario naming the known ones (exit 2)", async () => {
    const r = await runCli(["sandbox", "--scenario", "graph-scope"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--scenario "graph-scope" is unknown; use one of: no-fullaccess, /);
  });

  it("--token-lifetime 30s: the JSON names it and the tokens it issues expire after 30 s", async () => {
    const sb = startSandbox(["--json", "--token-lifetime", "30s"]);
    children.push(sb.child);
    const info = JSON.parse(await sb.first) as SandboxInfo & { token_lifetime_sec: number };
    assert.equal(info.token_lifetime_sec, 30);
    const tok = await runCli(["token", "--decode", "--json", "--no-cache", ...info.args], { timeoutMs: 30_000 });
    assert.equal(tok.code, 0, tok.stderr);
    const claims = (JSON.parse(tok.stdout) as { claims: { iat: number; exp: number } }).claims;
    assert.equal(claims.exp - claims.iat, 330, "iat is 300 s back, like Entra's");
    sb.child.kill("SIGTERM");
    assert.deepEqual(await sb.exit, { code: 0, signal: null }, sb.stderr());
  });

  it("rejects a --token-lifetime below one second (exit 2)", async () => {
    const r = await runCli(["sandbox", "--token-lifetime", "500ms"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--token-lifetime "500ms" must be at least 1s/);
  });

  it("rejects a --port-base that leaves no room for its five ports (exit 2)", async () => {
    const r = await runCli(["sandbox", "--port-base", "65534"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--port-base "65534"/);
  });
});
