/** Test wiring for the proxy: start it against a given upstream, run real Python clients as child processes. */
import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import type { AccessToken, TokenProvider } from "../../../src/auth/types.js";
import type { ListenerConfig, ResolvedListener, UpstreamTarget } from "../../../src/proxy/config.js";
import type { ProxyLogRecord } from "../../../src/proxy/log.js";
import { hashPassword } from "../../../src/proxy/password.js";
import { type LocalUser, type ProxyOptions, type ProxyServer, startProxy } from "../../../src/proxy/server.js";
import type { UpstreamLoginRequest } from "../../../src/proxy/types.js";
import { createUpstreamLogin } from "../../../src/proxy/upstream/index.js";

export const LOCAL_USER = "legacy-app";
/** Includes characters that need quoting in IMAP and escaping in Python. */
export const LOCAL_PASSWORD = 'pa ss"w\\ord-1';

/** A token provider that counts requests; `next` decides what each call returns. */
export function countingTokens(next: () => Promise<string>): TokenProvider & { calls: number } {
  const p = {
    calls: 0,
    async getToken(): Promise<AccessToken> {
      p.calls++;
      return { token: await next(), expiresOn: new Date(Date.now() + 3600_000), fromCache: false };
    },
  };
  return p;
}

export interface TestProxy {
  server: ProxyServer;
  port(name: string): number;
  logs: ProxyLogRecord[];
  upstreamConnects: UpstreamLoginRequest[];
  close(): Promise<void>;
}

export interface TestListener {
  name: string;
  protocol: ListenerConfig["protocol"];
  localTls?: ListenerConfig["localTls"];
  upstream: UpstreamTarget;
  maxConnections?: number;
}

let cachedHash: Promise<string> | undefined;
export function localHash(): Promise<string> {
  cachedHash ??= hashPassword(LOCAL_PASSWORD, { N: 1024, r: 8, p: 1 });
  return cachedHash;
}

export async function startTestProxy(opts: {
  listeners: TestListener[];
  tokens: TokenProvider;
  mailbox: string;
  ca: string;
  serverPem?: { cert: string; key: string };
  loginTimeoutMs?: number;
  /** More local users (same account), e.g. with a password a client's config syntax can hold without escapes. */
  extraUsers?: { username: string; password: string }[];
}): Promise<TestProxy> {
  const logs: ProxyLogRecord[] = [];
  const upstreamConnects: UpstreamLoginRequest[] = [];
  const listeners: ResolvedListener[] = opts.listeners.map((l) => ({
    name: l.name,
    protocol: l.protocol,
    listen: { host: "127.0.0.1", port: 0 },
    localTls: l.localTls ?? "none",
    maxConnections: l.maxConnections ?? 50,
    upstream: l.upstream,
  }));
  const tls: Record<string, { cert: string; key: string }> = {};
  for (const l of listeners) if (l.localTls !== "none" && opts.serverPem) tls[l.name] = opts.serverPem;
  const server = await startProxy({
    listeners,
    users: [
      ...(await Promise.all(
        (opts.extraUsers ?? []).map(async (u) => ({
          username: u.username,
          passwordHash: await hashPassword(u.password, { N: 1024, r: 8, p: 1 }),
          account: { name: "main", mailbox: opts.mailbox, tokens: opts.tokens },
        })),
      )),
      {
        username: LOCAL_USER,
        passwordHash: await localHash(),
        account: { name: "main", mailbox: opts.mailbox, tokens: opts.tokens },
      },
    ],
    upstream: createUpstreamLogin({ ca: [opts.ca], onConnect: (r) => upstreamConnects.push(r) }),
    logger: (r) => logs.push(r),
    tls,
    authFailureDelayMs: 10,
    ...(opts.loginTimeoutMs ? { loginTimeoutMs: opts.loginTimeoutMs } : {}),
  });
  return {
    server,
    logs,
    upstreamConnects,
    port(name) {
      const l = server.listeners.find((b) => b.name === name);
      if (!l) throw new Error(`no listener ${name}`);
      return l.port;
    },
    close: () => server.close(2000),
  };
}

export interface PyResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs an inline Python 3 script; ARGS are passed as JSON in the environment variable ARGS. */
export function runPython(script: string, args: Record<string, unknown>, timeoutMs = 20_000): Promise<PyResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("python3", ["-c", script], {
      env: { ...process.env, ARGS: JSON.stringify(args) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A message with dot-stuffing traps, a long line, 8-bit bytes and a bare "." line in the body. */
export function trickyMessage(subject: string): Buffer {
  return Buffer.concat([
    Buffer.from(`From: a@example.com\r\nTo: b@example.com\r\nSubject: ${subject}\r\nMIME-Version: 1.0\r\n`),
    Buffer.from("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"),
    Buffer.from(".leading dot\r\n..two dots\r\n.\r\nGr\u00fc\u00dfe \u2603\r\n", "utf8"),
    Buffer.from(`${"x".repeat(900)}\r\nlast line\r\n`),
  ]);
}

/** A listener on 127.0.0.1 (any port) without local TLS. */
export function testListener(
  name: string,
  protocol: ResolvedListener["protocol"],
  maxConnections = 50,
  upstream: UpstreamTarget = { host: "127.0.0.1", port: 1, tls: "implicit" },
): ResolvedListener {
  return { name, protocol, listen: { host: "127.0.0.1", port: 0 }, localTls: "none", maxConnections, upstream };
}

/** The one local user `u` (password LOCAL_PASSWORD) of the small in-process proxies. */
export async function localUserU(): Promise<LocalUser> {
  return {
    username: "u",
    passwordHash: await localHash(),
    account: { name: "main", mailbox: "m@x.test", tokens: countingTokens(async () => "t") },
  };
}

/** A proxy for tests of the login phase: user `u`, an upstream login that must never be reached. */
export async function startLoginPhaseProxy(
  listeners: ResolvedListener[],
  opts: Omit<Partial<ProxyOptions>, "listeners" | "users" | "upstream"> = {},
): Promise<ProxyServer> {
  return startProxy({
    listeners,
    users: [await localUserU()],
    upstream: {
      login: async () => {
        throw new Error("not used");
      },
    },
    logger: () => {},
    authFailureDelayMs: 0,
    ...opts,
  });
}

/** Resolves with the first record matching `pred`, polling the in-memory log (rejects after about 10 s). */
export async function waitForLog(
  logs: ProxyLogRecord[],
  pred: (r: ProxyLogRecord) => boolean,
): Promise<ProxyLogRecord> {
  for (let i = 0; i < 500; i++) {
    const hit = logs.find(pred);
    if (hit) return hit;
    await sleep(20);
  }
  throw new Error(`no matching log record in ${JSON.stringify(logs)}`);
}

/** Rejects when `p` has not settled within `ms`: a generous bound that only catches a hang, not a speed check. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still pending after ${ms} ms`)), ms);
  });
  return Promise.race([p, hang]).finally(() => clearTimeout(timer));
}

/** A scripted IMAP upstream's answer to the proxy's mailbox check after login (`LIST "" ""`); undefined otherwise. */
export function imapProbeReply(line: string): string | undefined {
  const m = /^(\S+) LIST "" ""$/.exec(line);
  return m ? `* LIST (\\Noselect) "/" ""\r\n${m[1]} OK LIST completed.\r\n` : undefined;
}
