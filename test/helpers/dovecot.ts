/**
 * Real Dovecot 2.3 for the test suite (reference section 6): one throwaway instance per call, in a temp dir, all
 * listeners on 127.0.0.1 ephemeral ports, TLS from the test PKI, passdb oauth2 validating RS256 JWTs locally.
 * Submission relays to an in-process SMTP sink, so nothing leaves loopback.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { SMTPServer } from "smtp-server";
import type { TestPki } from "../../src/sandbox/pki.js";

export const DOVECOT_BIN = "/usr/sbin/dovecot";
export const DOVEADM_BIN = "/usr/bin/doveadm";
const LOGIN_BINS = ["pop3-login", "imap-login", "submission-login"].map((b) => `/usr/lib/dovecot/${b}`);
export const DOVECOT_MISSING =
  "Dovecot not installed: apt-get install dovecot-core dovecot-pop3d dovecot-imapd dovecot-submissiond";

/** The static-password account of the second passdb (for USER/PASS and LOGIN tests of the proxy). */
export const LEGACY_USER = "legacy@example.com";
export const LEGACY_PASSWORD = "legacy-password-1";

/** uid/gid owning the mail store (Dovecot refuses to run mail processes as root). */
const MAIL_UID = 65534;
const MAIL_GID = 65534;

export interface SinkMessage {
  from: string;
  to: string[];
  raw: Buffer;
}

export interface Dovecot {
  host: "127.0.0.1";
  ports: { pop3s: number; pop3: number; imaps: number; imap: number; submission: number };
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

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const s = createServer();
          s.once("error", reject);
          s.listen(0, "127.0.0.1", () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: "127.0.0.1", port });
    sock.once("connect", () => {
      sock.destroy();
      resolve(true);
    });
    sock.once("error", () => resolve(false));
  });
}

async function startSink(): Promise<{ server: SMTPServer; port: number; messages: SinkMessage[] }> {
  const messages: SinkMessage[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const env = session.envelope;
        messages.push({
          from: env.mailFrom ? env.mailFrom.address : "",
          to: env.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        });
        callback();
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.server.address() as { port: number }).port));
  });
  return { server, port, messages };
}

function userDirName(mailbox: string): string {
  const lower = mailbox.toLowerCase();
  if (!/^[a-z0-9._%+@-]+$/.test(lower) || lower.includes("..")) throw new Error(`bad test mailbox name: ${mailbox}`);
  return lower;
}

interface ConfInput {
  mechanisms: string[];
  dir: string;
  ports: Dovecot["ports"];
  sinkPort: number;
}

function dovecotConf({ dir, ports, sinkPort, mechanisms }: ConfInput): string {
  return `# generated by test/helpers/dovecot.ts
protocols = pop3 imap submission
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = xoauth-test-${ports.imaps}
log_path = ${dir}/dovecot.log
info_log_path = ${dir}/dovecot.log
auth_verbose = yes
auth_verbose_passwords = no
auth_failure_delay = 0
auth_mechanisms = ${mechanisms.join(" ").toLowerCase()}
disable_plaintext_auth = yes
ssl = required
ssl_cert = <${dir}/tls/server.crt
ssl_key = <${dir}/tls/server.key
ssl_min_protocol = TLSv1.2
hostname = dovecot.test
mail_location = maildir:${dir}/mail/%Lu/Maildir
mail_uid = ${MAIL_UID}
mail_gid = ${MAIL_GID}
first_valid_uid = ${MAIL_UID}
submission_relay_host = 127.0.0.1
submission_relay_port = ${sinkPort}
submission_relay_ssl = no
submission_relay_trusted = yes
passdb {
  driver = oauth2
  args = ${dir}/dovecot-oauth2.conf.ext
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%Lu ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${MAIL_UID} gid=${MAIL_GID} home=${dir}/mail/%Lu allow_all_users=yes
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = ${ports.pop3}
  }
  inet_listener pop3s {
    port = ${ports.pop3s}
    ssl = yes
  }
}
service imap-login {
  inet_listener imap {
    port = ${ports.imap}
  }
  inet_listener imaps {
    port = ${ports.imaps}
    ssl = yes
  }
}
service submission-login {
  inet_listener submission {
    port = ${ports.submission}
  }
}
`;
}

function oauth2Conf(dir: string, opts: StartDovecotOptions): string {
  return `introspection_mode = local
local_validation_key_dict = fs:posix:prefix=${dir}/keys/
issuers = ${opts.issuer}
audience = ${opts.audience}
username_attribute = oid
username_format = app
`;
}

/** Starts a private Dovecot; resolves once every listener accepts connections. */
export async function startDovecot(opts: StartDovecotOptions): Promise<Dovecot> {
  if (!dovecotAvailable()) throw new Error(DOVECOT_MISSING);
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
