import assert from "node:assert/strict";
import { test } from "node:test";
import { runCli } from "../harness/cli.js";

test("a usage error with --json is also reported as JSON on stdout, exit 2", async () => {
  const r = await runCli(["test", "--json", "unexpected-argument"]);
  assert.equal(r.code, 2);
  const out = JSON.parse(r.stdout);
  assert.equal(out.ok, false);
  assert.equal(out.error.code, "USAGE");
  assert.match(out.error.message, /too many arguments/);
  assert.ok(
    out.error.fix.some((f: string) => f.includes("`xoauth-mail test --help`")),
    `the fix names the command that was run: ${JSON.stringify(out.error.fix)}`,
  );
  assert.match(r.stderr, /too many arguments/);
});

test("a usage error without --json prints only the human message", async () => {
  const r = await runCli(["token", "--tenant-id"]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /argument missing/);
});

test("an unknown command is a usage error (exit 2)", async () => {
  const r = await runCli(["no-such-command"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command/);
});
