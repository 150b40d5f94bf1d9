/**
 * Sessions that outlive their token: Exchange Online ends an IMAP session with `* BYE Session invalidated -
 * AccessTokenExpired` when the token used at login expires. fetch and `fetch --idle` log in again with a new token
 * (a re-login, not an error) and deliver every message exactly once: before, during and after the expiry.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { type DaemonOptions, reloginDelayMs, runDaemon } from "../../src/fetch/daemon.js";
import { fetchAccount } from "../../src/fetch/engine.js";
import type { FetchEvent } from "../../src/fetch/types.js";
import { address, exo, identity, options } from "../harness/exchange-world.js";
import { maildirMessageIds, messageIdOf, plainMessage } from "../harness/messages.js";

/** Every Message-ID on the server so far (sample messages included) is in the Maildir exactly once. */
function assertExactlyOnce(maildir: string, expected: Set<string>): void {
  const seen = maildirMessageIds(maildir);
  for (const id of expected) assert.equal(seen.get(id), 1, `${id} delivered once`);
  for (const [id, n] of seen) assert.equal(n, 1, `${id} delivered ${n} times`);
}

function serverIds(): Set<string> {
  const mb = exo.directory.findMailbox(address);
  return new Set((mb?.folders.get("INBOX") ?? []).map((m) => messageIdOf(m.raw)));
}

/** Polls `cond` (bounded by count and time) — the test then asserts on the outcome, never on timing. */
async function until(cond: () => boolean, what: string, ms = 30_000): Promise<void> {
  for (let i = 0; i < ms / 50 && !cond(); i++) await sleep(50);
  assert.ok(cond(), `timed out waiting for: ${what}`);
}

after(() => {
  exo.faults.expireAfterBodies = undefined;
});

describe("token expiry during fetch", () => {
  it("a BYE during the bulk FETCH: re-login with a new token at once, every message exactly once", async () => {
    for (let i = 0; i < 20; i++) exo.addMessage(address, plainMessage(100 + i));
    const expected = serverIds();
    exo.expiries.length = 0;
    exo.faults.expireAfterBodies = 8;
    const events: FetchEvent[] = [];
    const opts = options("imap", { onEvent: (e) => events.push(e), retries: 0 });
    const r = await fetchAccount(opts);
    assert.equal(r.ok, true, JSON.stringify(r.errors));
    assert.equal(r.fetched, expected.size);
    assert.deepEqual(
      exo.expiries.map((e) => e.during),
      ["UID"],
      "the BYE came in the middle of a UID FETCH",
    );
    const retries = events.filter((e) => e.type === "retry");
    assert.deepEqual(
      retries.map((e) => e.type === "retry" && [e.reason, e.delayMs, e.code]),
      [["token-expired", 0, "CONNECTION_CLOSED"]],
      "a re-login (with --retries 0 it would otherwise have failed)",
    );
    assertExactlyOnce(opts.maildir, expected);
    assert.equal(exo.directory.findMailbox(address)?.folders.get("INBOX")?.length, 0, "all deleted after delivery");
    const again = await fetchAccount(opts);
    assert.equal(again.fetched, 0);
  });

  it("a server that sends the expiry BYE at every login fails after --retries (no endless re-login)", async () => {
    exo.addMessage(address, plainMessage(200));
    exo.addMessage(address, plainMessage(201));
    const events: FetchEvent[] = [];
    const opts = options("imap", { onEvent: (e) => events.push(e), retries: 1 });
    // Every session ends right after its login, before any message: no pass makes progress.
    let passes = 0;
    const r = await fetchAccount({
      ...opts,
      onEvent: (e) => {
        events.push(e);
        if (e.type === "connected") {
          passes++;
          exo.expireSessions();
        }
      },
    });
    assert.equal(r.ok, false);
    assert.equal(r.errors[0]?.code, "CONNECTION_CLOSED");
    assert.ok(passes <= 3, `passes ${passes}`);
    await fetchAccount(options("imap", { maildir: opts.maildir })); // leave the mailbox empty for the next test
  });
});

describe("fetch --idle with short-lived tokens", () => {
  it("re-logs in before each token expires, handles the BYE if it comes anyway, delivers every message once", async () => {
    identity.tokenLifetimeSec = 4;
    const logs: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
    const ac = new AbortController();
    const opts = options("imap");
    const prov = opts.tokenProvider;
    const daemonOpts: DaemonOptions = {
      signal: ac.signal,
      logger: { log: (level, msg, fields = {}) => logs.push({ level, msg, fields }) },
      cycle: async () => {
        const r = await fetchAccount({
          ...opts,
          onEvent: (e) => {
            if (e.type === "retry") logs.push({ level: "info", msg: `retry ${e.reason ?? e.code}`, fields: {} });
          },
        });
        return r.ok;
      },
      idle: {
        server: opts.server,
        account: address,
        folder: "INBOX",
        getToken: async (o) => (await prov.getToken(o)).token,
      },
      errorBackoffMs: 10,
    };
    const ids = new Set<string>();
    const deliver = (n: number): void => {
      const raw = plainMessage(n);
      ids.add(messageIdOf(raw));
      exo.addMessage(address, raw);
    };
    const inMaildir = (n: number) => () => {
      const seen = maildirMessageIds(opts.maildir);
      return [...ids].slice(0, n).every((id) => seen.has(id));
    };
    const relogins = () => logs.filter((l) => /token expires soon/.test(l.msg)).length;
    let daemon: Promise<void> | undefined;
    try {
      deliver(300);
      daemon = runDaemon(daemonOpts);
      await until(inMaildir(1), "the message delivered before the start");
      await until(() => relogins() >= 2, "two re-logins before expiry");
      deliver(301);
      await until(inMaildir(2), "a message delivered after two token lifetimes");
      // The BYE anyway (a server whose clock runs ahead, a revoked session): during IDLE.
      await until(() => exo.expireSessions("IDLE") > 0, "an IDLE session to end");
      await until(() => logs.some((l) => l.fields.reason === "token-expired"), "the re-login after the BYE");
      deliver(302);
      await until(inMaildir(3), "a message delivered after the BYE");
    } finally {
      ac.abort();
      await daemon;
      identity.tokenLifetimeSec = 3599;
    }
    assertExactlyOnce(opts.maildir, ids);
    const bad = logs.filter((l) => l.level !== "info");
    assert.deepEqual(bad, [], "re-logins are info, never warnings or errors");
    assert.ok(exo.expiries.some((e) => e.during === "IDLE"));
  });
});

describe("reloginDelayMs", () => {
  it("keeps the refresh margin for hour-long tokens and a quarter of the life for short ones", () => {
    assert.equal(reloginDelayMs(60 * 60_000, 0), 55 * 60_000);
    assert.equal(reloginDelayMs(30_000, 0), 22_500);
    assert.equal(reloginDelayMs(1000, 5000), 0);
  });
});
