/**
 * Real Dovecot 2.3 for the test suite (docs/exchange-behaviour.md section 8): one throwaway instance per call, in a temp dir, all
 * listeners on 127.0.0.1 ephemeral ports, TLS from the test PKI, passdb oauth2 validating RS256 JWTs locally.
 * Submission relays to an in-process SMTP sink, so nothing leaves loopback.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { TestPki } from "../../../src/sandbox/pki.js";
import { canConnect, freePorts, type SinkMessage, startSink } from "../servers/smtp-sink.js";
import { type DovecotPorts, dovecotConf, MAIL_GID, MAIL_UID, oauth2Conf } from "./dovecot-conf.js";

export type { SinkMessage } from "../servers/smtp-sink.js";
export type { DovecotPorts } from "./dovecot-conf.js";

export const DOVECOT_BIN = "/usr/sbin/dovecot";
export const DOVEADM_BIN = "/usr/bin/doveadm";
const LOGIN_BINS = ["pop3-login", "imap-login", "submission-login"].map((b) => `/usr/lib/dovecot/${b}`);
export const DOVECOT_MISSING =
  "Dovecot not installed: apt-get install dovecot-core dovecot-pop3d dovecot-imapd dovecot-submissiond";

/** The static-password account of the second passdb (for USER/PASS and LOGIN tests of the proxy). */
export const LEGACY_USER = "legacy@example.com";
export const LEGACY_PASSWORD = "legacy-password-1";

export interface Dovecot {
  host: "127.0.0.1";
  ports: DovecotPorts;
  dir: string;
  /** Where submission relays to: every message Dovecot accepted for relay, in order. */
  sink: { port: number; messages: SinkMessage[] };
  /** Stores a message in the INBOX of `mailbox` (an address; the Dovecot user name). */
  deliver(mailbox: string, raw: Buffer): Promise<void>;
  /** The Maildir of `mailbox`'s INBOX. */
  maildirOf(mailbox: string): string;
  /** Gives INBOX a new UIDVALIDITY (returns it), as after a server-side mailbox rebuild. */
  setUidValidity(mailbox: string, value?: number): Promise<number>;
  /** Dovecot's log so far (auth failures, TLS errors). */
  log(): string;
  stop(): Promise<void>;
}

export interface StartDovecotOptions {
  pki: TestPki;
  /** Accepted `iss`, e.g. `https://sts.windows.net/<tid>/`. */
  issuer: string;
  /** Required `aud`. */
  audience: string;
  /** RS256 public keys, by `kid` (the token header's `kid` selects the key). */
  keys: { kid: string; publicKeyPem: string }[];
  /** Mailbox addresses whose Maildir exists from the start. */
  mailboxes?: string[];
  /** SASL mechanisms offered (default, like Exchange: PLAIN LOGIN XOAUTH2; add OAUTHBEARER if wanted). */
  mechanisms?: string[];
}

export function dovecotAvailable(): boolean {
  return existsSync(DOVECOT_BIN) && existsSync(DOVEADM_BIN) && LOGIN_BINS.every((b) => existsSync(b));
}

/** What a Dovecot suite does: run, skip (only when XOAUTH_MAIL_SKIP_DOVECOT=1) or fail loudly. */
export function dovecotSuiteMode(available: boolean, env: NodeJS.ProcessEnv = process.env): "run" | "skip" | "fail" {
  if (available) return "run";
  return env.XOAUTH_MAIL_SKIP_DOVECOT === "1" ? "skip" : "fail";
}

/**
 * `describe` for suites that need Dovecot. Missing Dovecot fails loudly (so `npm test` never passes silently),
 * unless XOAUTH_MAIL_SKIP_DOVECOT=1, which skips with the same message.
 */
export function describeDovecot(name: string, fn: () => void): void {
  const mode = dovecotSuiteMode(dovecotAvailable());
  if (mode === "run") {
    describe(name, fn);
  } else if (mode === "skip") {
    describe(name, { skip: DOVECOT_MISSING }, () => {});
  } else {
    describe(name, () => {
      it("needs Dovecot", () => {
        throw new Error(DOVECOT_MISSING);
      });
    });
  }
}

/** The Dovecot user (and mail directory) name of a test mailbox address. */
function userDirName(mailbox: string): string {
  const lower = mailbox.toLowerCase();
  if (!/^[a-z0-9._%+@-]+$/.test(lower) || lower.includes("..")) throw new Error(`bad test mailbox name: ${mailbox}`);
  return lower;
}

/** Starts a private Dovecot; resolves once every listener accepts connections. */
export async function startDovecot(opts: StartDovecotOptions): Promise<Dovecot> {
  if (!dovecotAvailable()) throw new Error(DOVECOT_MISSING);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      // The ports were free when picked, but another process may take one before Dovecot binds it.
      if (attempt >= 3 || !/Address already in use/i.test(String(err))) throw err;
    }
  }
}

async function startOnce(opts: StartDovecotOptions): Promise<Dovecot> {
  const dir = mkdtempSync(join(tmpdir(), "xoauth-dovecot-"));
  let child: ChildProcess | undefined;
  let sink: Awaited<ReturnType<typeof startSink>> | undefined;
  try {
    execFileSync("chmod", ["0755", dir]);
    for (const d of ["run", "state", "tls", "keys/default/RS256", "mail"]) mkdirSync(join(dir, d), { recursive: true });
    chownSync(join(dir, "mail"), MAIL_UID, MAIL_GID);
    const server = opts.pki.issueServerCert(["127.0.0.1", "localhost"]);
    writeFileSync(join(dir, "tls/server.crt"), server.certPem);
    writeFileSync(join(dir, "tls/server.key"), server.keyPem, { mode: 0o600 });
    for (const k of opts.keys) {
      if (!/^[A-Za-z0-9._-]+$/.test(k.kid)) throw new Error(`kid must be a plain file name: ${k.kid}`);
      writeFileSync(join(dir, "keys/default/RS256", k.kid), k.publicKeyPem);
    }
    writeFileSync(join(dir, "dovecot-oauth2.conf.ext"), oauth2Conf(dir, opts));
    writeFileSync(join(dir, "passwd"), `${LEGACY_USER}:{PLAIN}${LEGACY_PASSWORD}\n`, { mode: 0o600 });
    // The auth worker reads it as the unprivileged `dovecot` user.
    execFileSync("chown", ["dovecot:dovecot", join(dir, "passwd")]);

    sink = await startSink();
    const [pop3s, pop3, imaps, imap, submission] = (await freePorts(5)) as [number, number, number, number, number];
    const ports = { pop3s, pop3, imaps, imap, submission };
    const conf = join(dir, "dovecot.conf");
    writeFileSync(
      conf,
      dovecotConf({ dir, ports, sinkPort: sink.port, mechanisms: opts.mechanisms ?? ["PLAIN", "LOGIN", "XOAUTH2"] }),
    );

    const maildirOf = (mailbox: string) => join(dir, "mail", userDirName(mailbox), "Maildir");
    const doveadm = (args: string[], input?: Buffer) =>
      new Promise<string>((resolve, reject) => {
        const p = spawn(DOVEADM_BIN, ["-c", conf, ...args], { stdio: ["pipe", "pipe", "pipe"] });
        let out = "";
        let err = "";
        p.stdout.on("data", (c: Buffer) => {
          out += c.toString();
        });
        p.stderr.on("data", (c: Buffer) => {
          err += c.toString();
        });
        p.on("error", reject);
        p.on("close", (code) =>
          code === 0 ? resolve(out) : reject(new Error(`doveadm ${args[0]} failed (${code}): ${err.trim()}`)),
        );
        p.stdin.end(input ?? Buffer.alloc(0));
      });

    child = spawn(DOVECOT_BIN, ["-F", "-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    const proc = child;
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (proc.exitCode !== null) {
        const log = existsSync(join(dir, "dovecot.log")) ? readFileSync(join(dir, "dovecot.log"), "utf8") : "";
        throw new Error(`dovecot exited (${proc.exitCode}): ${stderr.trim()} ${log.trim()}`);
      }
      const ok = await Promise.all(Object.values(ports).map(canConnect));
      if (ok.every(Boolean)) break;
      if (Date.now() > deadline) throw new Error(`dovecot did not open its ports within 10 s: ${stderr.trim()}`);
      await new Promise((r) => setTimeout(r, 25));
    }

    for (const mb of opts.mailboxes ?? [])
      await doveadm(["mailbox", "status", "-u", userDirName(mb), "messages", "INBOX"]);

    const sinkRef = sink;
    let stopped = false;
    return {
      host: "127.0.0.1",
      ports,
      dir,
      sink: { port: sinkRef.port, messages: sinkRef.messages },
      maildirOf,
      async deliver(mailbox, raw) {
        await doveadm(["save", "-u", userDirName(mailbox), "-m", "INBOX"], raw);
      },
      async setUidValidity(mailbox, value) {
        const v = value ?? Math.floor(Date.now() / 1000) + Math.floor(Math.random() * 100_000) + 1;
        await doveadm(["mailbox", "update", "-u", userDirName(mailbox), "--uid-validity", String(v), "INBOX"]);
        return v;
      },
      log: () => (existsSync(join(dir, "dovecot.log")) ? readFileSync(join(dir, "dovecot.log"), "utf8") : ""),
      async stop() {
        if (stopped) return;
        stopped = true;
        await killAndWait(proc);
        await new Promise<void>((r) => sinkRef.server.close(() => r()));
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (child) await killAndWait(child);
    if (sink) {
      const s = sink.server;
      await new Promise<void>((r) => s.close(() => r()));
    }
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

function killAndWait(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => p.kill("SIGKILL"), 5_000);
    p.once("exit", () => {
      clearTimeout(t);
      resolve();
    });
    p.kill("SIGTERM");
  });
}
