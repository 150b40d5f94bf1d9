/**
 * `fetch --idle` runs for weeks: what one IDLE / re-login cycle makes must not pile up. Many cycles against the
 * in-process Exchange fake (a fetch, an IDLE connection and its LOGOUT each), then counted: TLS contexts (a context per
 * connection holds ~0.6 MB of OpenSSL memory until V8 happens to collect it; `fetch --idle` grew to 378 MB RSS in
 * 6 minutes with 30-second tokens), abort listeners, and the sockets and timers left open.
 */
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import tls from "node:tls";
import { runDaemon } from "../../src/fetch/daemon.js";
import { fetchAccount } from "../../src/fetch/engine.js";
import { address, exo, options, provider } from "../harness/exchange-world.js";
import { plainMessage } from "../harness/messages.js";

const CYCLES = 8;

/** Handles of this process by kind (TLSWrap, Timeout, ...). */
function resources(): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) out.set(r, (out.get(r) ?? 0) + 1);
  return out;
}

describe("fetch --idle: nothing grows per cycle", () => {
  it(`${CYCLES} IDLE re-login cycles share one TLS context and leave no listener, socket or timer behind`, async () => {
    // One token for the whole run: the token endpoint's HTTPS is not what is counted here.
    const token = await provider().getToken();
    const opts = options("imap", { tokenProvider: { getToken: async () => token } });
    const created: unknown[] = [];
    const original = tls.createSecureContext;
    tls.createSecureContext = (o?: tls.SecureContextOptions) => {
      created.push(o);
      return original(o);
    };
    const before = resources();
    const ac = new AbortController();
    let cycles = 0;
    let maxAbortListeners = 0;
    try {
      await runDaemon({
        signal: ac.signal,
        idleReissueMs: 20, // every IDLE ends at once: a new connection and login per cycle
        errorBackoffMs: 10,
        logger: {
          log: (level, msg) => {
            assert.notEqual(level, "warn", msg);
            maxAbortListeners = Math.max(maxAbortListeners, getEventListeners(ac.signal, "abort").length);
            if (msg.startsWith("IDLE ended") && ++cycles >= CYCLES) ac.abort();
          },
        },
        cycle: async () => {
          exo.addMessage(address, plainMessage(5000 + cycles));
          return (await fetchAccount(opts)).ok;
        },
        idle: { server: opts.server, account: address, folder: "INBOX", getToken: async () => token.token },
      });
    } finally {
      tls.createSecureContext = original;
    }
    assert.equal(cycles, CYCLES);
    // 2 connections per cycle; one context for the CA list (none if an earlier connection here already made it).
    assert.ok(created.length <= 1, `${created.length} TLS contexts for ${2 * CYCLES} connections`);
    assert.ok(maxAbortListeners <= 1, `${maxAbortListeners} abort listeners`);
    assert.equal(getEventListeners(ac.signal, "abort").length, 0, "abort listeners after the stop");
    // Sockets and timers close asynchronously: wait (bounded) until none is left beyond those open before.
    const grown = () =>
      [...resources()].filter(([k, n]) => n > (before.get(k) ?? 0)).map(([k, n]) => `${k} ${before.get(k) ?? 0}->${n}`);
    for (let i = 0; i < 200 && grown().length > 0; i++) await sleep(50);
    assert.deepEqual(grown(), [], "handles left open");
  });
});
