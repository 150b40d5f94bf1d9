/**
 * `xoauth-mail init` in a REAL terminal: the built CLI runs inside tmux, answers are typed with send-keys against an
 * in-process sandbox tenant, including a wrong secret (its Secret ID) that must be explained and asked again.
 * Skipped with a message when tmux is not installed (CI installs it).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { CLI_BIN } from "../harness/cli.js";
import { type InitFixture, startInitFixture } from "../harness/init-fixture.js";

function hasTmux(): boolean {
  try {
    execFileSync("tmux", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const TMUX = hasTmux();
const SOCKET = `xoauth-init-test-${process.pid}`;
const SESSION = "init";

function tmux(...args: string[]): string {
  return execFileSync("tmux", ["-L", SOCKET, ...args], { encoding: "utf8" });
}

function screen(): string {
  return tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", SESSION);
}

function count(hay: string, needle: string): number {
  return hay.split(needle).length - 1;
}

/** Waits until `needle` shows up at least `times` times on the screen. */
async function waitFor(needle: string, times = 1, timeoutMs = 25_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const s = screen();
    if (count(s, needle) >= times) return s;
    if (Date.now() > end) throw new Error(`timed out waiting for ${JSON.stringify(needle)}; screen:\n${s}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function type(text: string): void {
  tmux("send-keys", "-t", SESSION, "-l", text);
  tmux("send-keys", "-t", SESSION, "Enter");
}

const shq = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;

describe("xoauth-mail init in a terminal (tmux)", {
  skip: TMUX ? false : "tmux is not installed (apt-get install tmux)",
}, () => {
  let fx: InitFixture;
  before(async () => {
    fx = await startInitFixture();
  });
  after(async () => {
    try {
      tmux("kill-server");
    } catch {
      // already gone
    }
    await fx.close();
  });

  it("asks every value, explains a wrong secret and asks again, then writes the config and a 0600 secret file", async () => {
    const config = join(fx.dir, "tty", "config.yaml");
    const cmd = [
      "env",
      "-i",
      `PATH=${shq(process.env.PATH ?? "/usr/bin:/bin")}`,
      `HOME=${shq(fx.dir)}`,
      "LANG=C",
      "TERM=xterm-256color",
      shq(process.execPath),
      shq(CLI_BIN),
      "init",
      ...fx.connArgs("pop3").map(shq),
      "--config",
      shq(config),
    ].join(" ");
    tmux("new-session", "-d", "-s", SESSION, "-x", "220", "-y", "60", `${cmd}; echo EXIT=$?; sleep 60`);

    await waitFor("? Directory (tenant) ID");
    type("contoso.onmicrosoft.com");
    await waitFor("✓ Tenant contoso.onmicrosoft.com found (tenant ID 9188040d-6c67-4c5b-b112-36a304b66dad)");
    await waitFor("? Application (client) ID");
    type("not-a-guid");
    await waitFor('"not-a-guid" is not a GUID');
    tmux("send-keys", "-t", SESSION, "C-u");
    type(fx.tn.clientId);
    await waitFor("? How does the app authenticate?");
    tmux("send-keys", "-t", SESSION, "Enter");
    await waitFor("? Client secret Value (hidden)");
    type(fx.tn.app.secrets[0]?.id as string);
    await waitFor("? Mailbox to access");
    type(fx.tn.mailbox);
    await waitFor("? Protocol");
    tmux("send-keys", "-t", SESSION, "Enter");
    let s = await waitFor("Please enter it again.");
    assert.match(s, /\[CLIENT_SECRET_INVALID\]: AADSTS7000215/);
    assert.match(s, /secret's ID, not its Value/);
    await waitFor("? Client secret Value (hidden)");
    type(fx.tn.clientSecret);
    s = await waitFor("EXIT=");
    assert.match(s, /EXIT=0/, s);
    assert.match(s, /✓ POP3 XOAUTH2 login to info@contoso\.onmicrosoft\.com .* works\./);
    assert.match(s, /✓ Client secret stored in .*default\.secret \(mode 0600\)/);
    assert.equal(s.includes(fx.tn.clientSecret), false, "the secret is never echoed");

    assert.equal(existsSync(config), true);
    const acc = (parse(readFileSync(config, "utf8")) as { accounts: { default: Record<string, unknown> } }).accounts
      .default;
    assert.equal(acc.clientId, fx.tn.clientId);
    assert.equal(acc.mailbox, fx.tn.mailbox);
    assert.equal(acc.protocol, "pop3");
    const secretFile = (acc.secret as { file: string }).file;
    assert.equal(statSync(secretFile).mode & 0o777, 0o600);
    assert.equal(readFileSync(secretFile, "utf8"), `${fx.tn.clientSecret}\n`);
  });
});
