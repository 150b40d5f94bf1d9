/**
 * Section 4c: poplib through `xoauth-mail proxy` (plain on loopback, XOAUTH2 + TLS upstream) vs poplib straight to
 * Dovecot (TLS, password), and N concurrent proxied POP3 sessions (USER/PASS, STAT, RETR 1, QUIT) without errors.
 */

import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { Pop3Client } from "../../src/pop3/client.js";
import { hashPassword } from "../../src/proxy/password.js";
import { accountsYaml, writeConfig } from "../accounts-config.js";
import { BENCH_PASSWORD, type BenchEnv } from "../env.js";
import type { Options } from "../options.js";
import { poplibPeer } from "../peers/python.js";
import { freePort, startProxyProcess } from "../proxy-process.js";
import { fmtTiming, summarize, type Timing } from "../stats.js";

const PROXY_PASSWORD = "proxy-local-password-1";

export interface ProxyResult {
  direct: Timing;
  proxied: Timing;
  sessions: number;
  sessionErrors: number;
  firstError?: string;
  concurrentMs: number;
  tokenRequests: number;
  /** Proxy log `login` events by outcome/code, e.g. {"ok": 200}. */
  loginOutcomes: Record<string, number>;
}

/**
 * The test Dovecot keeps Dovecot's defaults (default_process_limit 100: at most 100 POP3 sessions at once). The
 * bench lifts that, so 200 proxied sessions measure the proxy, not the server's process limit.
 */
function raiseDovecotLimits(env: BenchEnv): void {
  appendFileSync(join(env.dc.dir, "dovecot.conf"), "default_process_limit = 500\ndefault_client_limit = 5000\n");
  env.doveadm(["reload"]);
}

function loginOutcomes(lines: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of lines) {
    try {
      const rec = JSON.parse(l) as { event?: string; outcome?: string; code?: string };
      if (rec.event !== "login") continue;
      const k = [rec.outcome, rec.code].filter(Boolean).join("/");
      out[k] = (out[k] ?? 0) + 1;
    } catch {
      // not a JSON line
    }
  }
  return out;
}

export async function proxyScenario(
  env: BenchEnv,
  o: Options,
  bulk: { mailbox: string; messages: number },
  many: string[],
  log: (s: string) => void,
): Promise<ProxyResult> {
  const port = await freePort();
  const hash = await hashPassword(PROXY_PASSWORD);
  const accounts = [
    { name: "bulk", mailbox: bulk.mailbox },
    ...many.map((mailbox, i) => ({ name: `m${i + 1}`, mailbox })),
  ];
  const yaml =
    accountsYaml(env, accounts) +
    [
      "proxy:",
      "  authFailureDelayMs: 100",
      "  listeners:",
      "    - name: pop3",
      "      protocol: pop3",
      `      listen: { host: 127.0.0.1, port: ${port} }`,
      `      maxConnections: ${o.concurrentSessions + 50}`,
      `      upstream: { host: 127.0.0.1, port: ${env.dc.ports.pop3s}, tls: implicit }`,
      "  users:",
      ...accounts.map((a) => `    - { username: ${a.name}, passwordHash: "${hash}", account: ${a.name} }`),
      "",
    ].join("\n");
  const config = writeConfig(env, "proxy.yaml", yaml);
  raiseDovecotLimits(env);
  const before = env.fake.tokenRequests;
  const proxy = await startProxyProcess(env, config, port, join(env.dir, "proxy-token-cache"));
  try {
    const peer = poplibPeer();
    const direct = {
      host: "127.0.0.1",
      port: env.dc.ports.pop3s,
      tls: true,
      protocol: "pop3" as const,
      ...bulk,
      password: BENCH_PASSWORD,
    };
    const viaProxy = { ...direct, port, tls: false, mailbox: "bulk", password: PROXY_PASSWORD };
    const d: number[] = [];
    const p: number[] = [];
    log(`proxy: poplib direct (TLS) vs through the proxy, ${o.rounds} round(s)`);
    await peer.run(env, viaProxy); // warm-up: token into the proxy's cache
    for (let r = 0; r < o.rounds; r++) {
      d.push(await peer.run(env, direct));
      p.push(await peer.run(env, viaProxy));
      log(
        `  round ${r + 1}: direct ${((d[r] as number) / 1000).toFixed(2)} s, proxied ${((p[r] as number) / 1000).toFixed(2)} s`,
      );
    }
    const conc = await concurrentSessions(port, many, o.concurrentSessions);
    log(
      `proxy: ${o.concurrentSessions} concurrent sessions, ${conc.errors} error(s) in ${(conc.ms / 1000).toFixed(1)} s`,
    );
    const result: ProxyResult = {
      direct: summarize(d),
      proxied: summarize(p),
      sessions: o.concurrentSessions,
      sessionErrors: conc.errors,
      ...(conc.firstError ? { firstError: conc.firstError } : {}),
      concurrentMs: conc.ms,
      tokenRequests: env.fake.tokenRequests - before,
      loginOutcomes: loginOutcomes(proxy.logs()),
    };
    log(`  => direct ${fmtTiming(result.direct)}, proxied ${fmtTiming(result.proxied)}`);
    return result;
  } finally {
    await proxy.stop();
  }
}

/** N sessions at once, spread over the small mailboxes (Dovecot allows 10 per user and IP by default). */
async function concurrentSessions(
  port: number,
  users: string[],
  n: number,
): Promise<{ errors: number; firstError?: string; ms: number }> {
  const t0 = Date.now();
  let errors = 0;
  let firstError: string | undefined;
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      let c: Pop3Client | undefined;
      try {
        c = await Pop3Client.connect({ host: "127.0.0.1", port, tls: "none", timeouts: { commandMs: 60_000 } });
        await c.login(`m${(i % users.length) + 1}`, PROXY_PASSWORD);
        const st = await c.stat();
        if (st.count !== 3) throw new Error(`STAT says ${st.count} messages, expected 3`);
        const body = await c.retr(1);
        for await (const _chunk of body) {
          // drain
        }
        await c.quit();
      } catch (err) {
        errors++;
        firstError ??= String(err);
      } finally {
        c?.close();
      }
    }),
  );
  return { errors, ...(firstError ? { firstError } : {}), ms: Date.now() - t0 };
}
