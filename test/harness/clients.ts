/**
 * For the recipe tests of docs/clients.md (test/clients/): real client programs (msmtp, mutt, mbsync, getmail6) that
 * log in to a real Dovecot with XOAUTH2, the token coming from `xoauth-mail token` run by the client itself through its
 * own password-command setting. The world: the identity fake as token issuer, Dovecot trusting it, a config file at
 * the default path (`$XDG_CONFIG_HOME/xoauth-mail/config.yaml`) with account `shop`, and an `xoauth-mail` on PATH that
 * runs the BUILT CLI. The recipes are read from docs/clients.md, so the page shows what is tested.
 * Compile first: `npm run build:all`.
 */
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { describe, it } from "node:test";
import { stringify } from "yaml";
import { CLI_BIN, REPO_ROOT } from "./cli.js";
import { describeDovecot } from "./dovecot/dovecot.js";
import { type DovecotWorld, startWorld } from "./world.js";

/** The mailbox of the recipes (docs/clients.md uses the same address). */
export const MAILBOX = "shop@contoso.com";

export interface ClientWorld extends DovecotWorld {
  /** Environment for a client: PATH with our `xoauth-mail` first, its own HOME, the config and cache dirs. */
  env: Record<string, string>;
  /** The same, but `xoauth-mail` prints a token Dovecot refuses (to prove that a test can fail). */
  badTokenEnv: Record<string, string>;
}

/** Starts the identity fake and Dovecot (MAILBOX exists) and writes the config, the secret and the PATH shims. */
export async function startClientWorld(prefix: string): Promise<ClientWorld> {
  const w = await startWorld({ prefix, dovecot: { mailboxes: [MAILBOX] } });
  const secretFile = join(w.dir, "client-secret");
  writeFileSync(secretFile, w.app.secrets[0]?.value ?? "", { mode: 0o600 });
  const configDir = join(w.dir, "xdg", "xoauth-mail");
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  const account = {
    tenantId: w.tenant.tenantId,
    clientId: w.app.clientId,
    secret: { file: secretFile },
    authorityHost: w.identity.url,
    caFile: w.caFile,
    mailbox: MAILBOX,
  };
  writeFileSync(join(configDir, "config.yaml"), stringify({ accounts: { shop: account } }), { mode: 0o600 });
  const shim = (dir: string, body: string) => {
    mkdirSync(join(w.dir, dir));
    writeFileSync(join(w.dir, dir, "xoauth-mail"), `#!/bin/sh\n${body}\n`);
    chmodSync(join(w.dir, dir, "xoauth-mail"), 0o755);
  };
  shim("bin", `exec "${process.execPath}" "${CLI_BIN}" "$@"`);
  shim("bad-bin", "echo not-a-valid-token");
  const home = join(w.dir, "home");
  mkdirSync(home);
  const base = {
    HOME: home,
    LANG: "C",
    TERM: "xterm",
    XDG_CONFIG_HOME: join(w.dir, "xdg"),
    XOAUTH_MAIL_CACHE_DIR: join(w.dir, "cache"),
  };
  const path = (dir: string) => [join(w.dir, dir), process.env.PATH ?? "/usr/bin:/bin"].join(delimiter);
  return { ...w, env: { ...base, PATH: path("bin") }, badTokenEnv: { ...base, PATH: path("bad-bin") } };
}

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs a program with exactly `env`, in its own process group; after `timeoutMs` the whole group is killed (a client
 * that hangs, or `script` with the mutt below it) and `timedOut` is set.
 */
export function runTool(
  cmd: string,
  args: string[],
  opts: { env: Record<string, string>; input?: string; cwd?: string; timeoutMs?: number },
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env, cwd: opts.cwd ?? REPO_ROOT, detached: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }, opts.timeoutMs ?? 30_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({
        code,
        timedOut,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
    child.stdin.end(opts.input ?? "");
  });
}

/** The fenced block after `<!-- recipe: NAME -->` in docs/clients.md. */
export function recipe(name: string): string {
  const page = readFileSync(join(REPO_ROOT, "docs", "clients.md"), "utf8");
  const m = new RegExp(`<!-- recipe: ${name} -->\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\`\`\`\\n`).exec(page);
  if (!m?.[1]) throw new Error(`docs/clients.md has no recipe block "${name}"`);
  return m[1];
}

/** `text` with each [from, to] replaced (all occurrences); a `from` that does not occur is an error. */
export function fill(text: string, pairs: [string, string][]): string {
  let out = text;
  for (const [from, to] of pairs) {
    if (!out.includes(from)) throw new Error(`recipe lacks "${from}":\n${text}`);
    out = out.split(from).join(to);
  }
  return out;
}

function onPath(bin: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((d) => d !== "" && existsSync(join(d, bin)));
}

/**
 * `describeDovecot` for a client recipe that needs `bins` on PATH (and `extra` files, e.g. a SASL plug-in): skipped
 * with the reason when one is missing, except with XOAUTH_TEST_STRICT=1 (CI), where it fails.
 */
export function describeClient(
  name: string,
  need: { bins: string[]; files?: string[][]; install: string },
  fn: () => void,
): void {
  const missing = [
    ...need.bins.filter((b) => !onPath(b)),
    ...(need.files ?? []).filter((alts) => !alts.some(existsSync)).map((alts) => alts[0] ?? ""),
  ];
  const reason = `${missing.join(", ")} not installed: ${need.install}`;
  if (missing.length === 0) {
    describeDovecot(name, fn);
  } else if (process.env.XOAUTH_TEST_STRICT === "1") {
    describe(name, () => {
      it("needs its client program (XOAUTH_TEST_STRICT=1)", () => {
        throw new Error(reason);
      });
    });
  } else {
    describe(name, { skip: reason }, () => {});
  }
}

/** `raw` with LF line ends and without the header fields named in `drop` (continuation lines included). */
export function normalized(raw: Buffer | string, drop: string[] = []): string {
  const text = raw.toString().replace(/\r\n/g, "\n");
  const split = text.indexOf("\n\n");
  const head = split < 0 ? text : text.slice(0, split + 1);
  const body = split < 0 ? "" : text.slice(split + 1);
  const names = new Set(drop.map((d) => d.toLowerCase()));
  const kept: string[] = [];
  let skipping = false;
  for (const line of head.split("\n").slice(0, -1)) {
    if (/^[ \t]/.test(line)) {
      if (!skipping) kept.push(line);
      continue;
    }
    skipping = names.has(line.slice(0, line.indexOf(":")).toLowerCase());
    if (!skipping) kept.push(line);
  }
  return `${kept.join("\n")}\n${body}`;
}

/** A test message with a leading dot, a long header and 8-bit-free text, CRLF line ends. */
export function recipeMessage(subject: string): Buffer {
  return Buffer.from(
    `From: office@contoso.com\r\nTo: ${MAILBOX}\r\nSubject: ${subject}\r\nDate: Sat, 05 Dec 2026 10:00:00 +0000\r\n` +
      `Message-ID: <${subject.replace(/\W/g, "-")}@contoso.com>\r\nX-Long: ${"x".repeat(100)}\r\n  continued\r\n\r\n` +
      ".leading dot\r\nline two\r\n\r\nlast line\r\n",
  );
}
