/** The examples of `proxy --help` work as written (a user copies them). */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { CLI_BIN, cliEnv, runCli } from "../harness/cli.js";

test("the piped `proxy hash-password` example of --help prints a hash", async () => {
  const help = await runCli(["proxy", "--help"]);
  assert.equal(help.code, 0, help.stderr);
  const line = help.stdout.split("\n").find((l) => /\|\s*xoauth-mail proxy hash-password/.test(l));
  assert.ok(line, "the help shows a piped example");
  const command = (line.split("#")[0] as string).trim().replace("xoauth-mail", `"${process.execPath}" "${CLI_BIN}"`);
  const out = execFileSync("sh", ["-c", command], { encoding: "utf8", env: cliEnv() });
  assert.match(out.trim(), /^scrypt\$\d+\$\d+\$\d+\$/);
});
