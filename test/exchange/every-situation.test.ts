/**
 * Every situation of the Exchange table against every protocol on the sandbox fake, through the real clients
 * (`runMailTest`, what `xoauth-mail test` runs): the situation is set up in a fresh local tenant (its scenario, a
 * directory change, a token with other claims, or a fault), then POP3, IMAP and SMTP are tested. Where the situation
 * applies to the protocol, the diagnosis is the table's code and the server's reply is the table's reply; where it
 * does not, the test passes. A new row in SITUATIONS is tested here without writing a test.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { MailProtocol } from "../../src/auth/clouds.js";
import { CLOUDS, ROLE_FOR_PROTOCOL } from "../../src/auth/clouds.js";
import type { AccessToken } from "../../src/auth/types.js";
import { runMailTest } from "../../src/diagnose/test-run.js";
import { classifyReply, PROTOCOLS, SITUATIONS, type SituationId, situationCode } from "../../src/exchange/contract.js";
import { applyScenario, type LocalTenant, startLocalTenant } from "../../src/sandbox/local-tenant.js";

/** What the real clients cannot produce (they never send a password, and always send XOAUTH2 in two steps). */
const CLIENT_SIDE: Partial<Record<SituationId, string>> = {
  "basic-auth": "our clients never send a password (wire reply checked in test/sandbox/exchange/*-server.test.ts)",
  "pop3-one-line-auth": "our POP3 client always uses the two-step form (wire reply checked in pop3-server.test.ts)",
  "xoauth2-not-offered": "Exchange always offers XOAUTH2; real Dovecot without it: test/smtp, test/imap",
  "token-expired-in-session": "surfaces in a long session, not at login: test/sandbox/exchange/token-expiry.test.ts",
};

/** Situations whose setup is another situation too on the protocols they do not list (both permissions gone). */
const ALSO: Partial<Record<SituationId, SituationId>> = { "no-mailbox-permission": "no-fullaccess" };

interface Setup {
  /** The mailbox the client logs in as (default the sandbox mailbox). */
  mailbox?: string;
  /** Claims of the token the client presents instead of the one the identity fake issues. */
  claims?: (protocol: MailProtocol) => Record<string, unknown>;
  sendTestTo?: string;
}

/** Puts the tenant into one situation; returns what the client must do differently. */
function setUp(id: SituationId, tn: LocalTenant): Setup {
  const s = SITUATIONS.find((x) => x.id === id);
  if (s?.scenario) {
    applyScenario(s.scenario, tn);
    return s.scenario === "no-sendas" ? { sendTestTo: tn.mailbox } : {};
  }
  const dir = tn.exchange.directory;
  const sp = tn.app.servicePrincipalObjectId;
  switch (id) {
    case "role-missing":
      return { claims: (p) => ({ roles: PROTOCOLS.filter((o) => o !== p).map((o) => ROLE_FOR_PROTOCOL[o]) }) };
    case "mailbox-not-found":
      return { mailbox: `nobody@${tn.domain}` };
    case "no-mailbox-permission":
      dir.revokeFullAccess(sp, tn.mailbox);
      dir.revokeSendAs(sp, tn.mailbox);
      return {};
    case "smtp-auth-disabled-mailbox": {
      const mb = dir.findMailbox(tn.mailbox);
      if (mb) mb.smtpClientAuthEnabled = false;
      return {};
    }
    case "wrong-audience":
      return { claims: () => ({ aud: "https://graph.microsoft.com" }) };
    case "token-expired-at-login": {
      const now = Math.floor(Date.now() / 1000);
      return { claims: () => ({ iat: now - 7200, nbf: now - 7200, exp: now - 3600 }) };
    }
    case "connection-limit":
      tn.exchange.faults.maxSessionsPerMailbox = 0;
      return {};
    case "server-busy":
      tn.exchange.faults.busyTimes = 1_000;
      return {};
    default:
      throw new Error(`no setup for situation ${id}: add one here`);
  }
}

async function testOne(tn: LocalTenant, protocol: MailProtocol, setup: Setup) {
  const port = { pop3: tn.ports.pop3s, imap: tn.ports.imaps, smtp: tn.ports.smtp }[protocol];
  const getToken = async (): Promise<AccessToken> => {
    const token = tn.identity.mintAccessToken(setup.claims?.(protocol) ?? {});
    return { token, expiresOn: new Date(Date.now() + 3_600_000), fromCache: false };
  };
  return runMailTest({
    protocol,
    mailbox: setup.mailbox ?? tn.mailbox,
    server: { host: tn.host, port, tls: protocol === "smtp" ? "starttls" : "implicit" },
    cloud: "global",
    tenantId: tn.tenantId,
    clientId: tn.clientId,
    scope: CLOUDS.global.scope,
    ca: [tn.caPem],
    timeoutMs: 10_000,
    ...(setup.sendTestTo && protocol === "smtp" ? { sendTestTo: setup.sendTestTo } : {}),
    getToken,
  });
}

describe("every situation of the Exchange table, on every protocol of the sandbox fake", () => {
  it("every situation is either set up here or named as client-side", () => {
    for (const s of SITUATIONS) {
      if (CLIENT_SIDE[s.id] || s.scenario) continue;
      assert.doesNotThrow(() => setUp(s.id, fakeTenantForCheck), s.id);
    }
  });

  let fakeTenantForCheck: LocalTenant;
  before(async () => {
    fakeTenantForCheck = await startLocalTenant();
  });
  after(async () => {
    await fakeTenantForCheck?.stop();
  });

  for (const s of SITUATIONS) {
    if (CLIENT_SIDE[s.id]) continue;
    it(`${s.id}: ${PROTOCOLS.map((p) => `${p} ${s.protocols[p] ? situationCode(s, p) : "-"}`).join(", ")}`, async () => {
      const tn = await startLocalTenant();
      try {
        const setup = setUp(s.id, tn);
        for (const protocol of PROTOCOLS) {
          const r = await testOne(tn, protocol, setup);
          const also = ALSO[s.id] ? SITUATIONS.find((x) => x.id === ALSO[s.id]) : undefined;
          const row = s.protocols[protocol] ? s : also?.protocols[protocol] ? also : undefined;
          const entry = row?.protocols[protocol];
          if (!row || !entry) {
            assert.equal(r.diagnosis.code, "OK", `${s.id} ${protocol}: ${r.diagnosis.summary}`);
            continue;
          }
          assert.equal(r.ok, false, `${s.id} ${protocol} should fail`);
          assert.equal(r.diagnosis.code, situationCode(row, protocol), `${s.id} ${protocol}: ${r.diagnosis.summary}`);
          const failed = r.steps.find((st) => !st.ok && st.id !== "claims");
          const reply = failed?.error?.details.serverReply;
          assert.ok(reply, `${s.id} ${protocol}: a server reply (${failed?.error?.message})`);
          assert.equal(classifyReply(protocol, undefined, reply)?.id, entry.reply, `${s.id} ${protocol}: ${reply}`);
        }
      } finally {
        await tn.stop();
      }
    });
  }
});
