/**
 * The public API as a consumer uses it: everything imported by package name (`xoauth-mail` through the `exports`
 * map of package.json, a self-reference), against the embedded tenant of `xoauth-mail/sandbox`. The errors a caller
 * gets carry `why` and `fix`, and a token failure keeps its own code on every send path, also when the token is asked
 * again inside nodemailer's login.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import nodemailer from "nodemailer";
import {
  type AuthOptions,
  createTokenProvider,
  createTransport,
  ERROR_CODES,
  type FetchedMessage,
  fetchMailbox,
  sendMail,
  testMailbox,
  XoauthError,
} from "xoauth-mail";
import { applyScenario, type LocalTenant, startLocalTenant } from "xoauth-mail/sandbox";

let tn: LocalTenant;
let dir: string;

before(async () => {
  tn = await startLocalTenant();
  dir = mkdtempSync(join(tmpdir(), "xoauth-api-"));
});
after(async () => {
  await tn?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const app = (over: Partial<AuthOptions> = {}): AuthOptions => ({
  tenantId: tn.tenantId,
  clientId: tn.clientId,
  clientSecret: tn.clientSecret,
  authorityHost: tn.authorityHost,
  ca: tn.caPem,
  ...over,
});

describe("createTokenProvider", () => {
  test("one request per audience: POP3, IMAP and SMTP share Exchange's token, Graph has its own", async () => {
    const before = tn.identity.tokenRequests;
    const p = createTokenProvider(app());
    const [pop3, imap, smtp, graph] = await Promise.all(
      (["pop3", "imap", "smtp", "graph"] as const).map((x) => p.getToken(x)),
    );
    assert.equal(tn.identity.tokenRequests - before, 2);
    assert.equal(p.requestCount, 2);
    assert.equal(pop3?.token, imap?.token);
    assert.equal(imap?.token, smtp?.token);
    assert.notEqual(graph?.token, imap?.token);
    assert.equal(imap?.claims.appid, tn.clientId);
    assert.equal(imap?.claims.tid, tn.tenantId);
    assert.ok(imap?.claims.roles?.includes("IMAP.AccessAsApp"));
    assert.equal(graph?.claims.aud, "https://graph.microsoft.com");
    assert.ok((imap?.expiresOn.getTime() ?? 0) > Date.now());
    const again = await p.getToken("pop3");
    assert.equal(again.fromCache, true);
    assert.equal(tn.identity.tokenRequests - before, 2);
  });

  test("providers never share a token: another provider asks its own tenant's endpoint", async () => {
    const other = await startLocalTenant();
    try {
      const b1 = tn.identity.tokenRequests;
      const b2 = other.identity.tokenRequests;
      const a = createTokenProvider(app());
      const b = createTokenProvider({ ...app(), authorityHost: other.authorityHost, ca: other.caPem });
      const b0 = createTokenProvider({
        ...app(),
        tenantId: other.tenantId,
        clientSecret: other.clientSecret,
        authorityHost: other.authorityHost,
        ca: other.caPem,
      });
      const ta = await a.getToken("imap");
      await assert.rejects(b.getToken("imap"), (e: XoauthError) => e.code === "CLIENT_SECRET_INVALID");
      const tb = await b0.getToken("imap");
      assert.notEqual(ta.token, tb.token);
      assert.equal(tn.identity.tokenRequests - b1, 1);
      assert.equal(other.identity.tokenRequests - b2, 2);
      // A second provider for the same app does not see the first one's memory.
      const a2 = await createTokenProvider(app()).getToken("imap");
      assert.equal(a2.fromCache, false);
      assert.equal(tn.identity.tokenRequests - b1, 2);
    } finally {
      await other.stop();
    }
  });

  test("the disk cache is opt-in: cache {dir} serves a new provider from a 0600 file", async () => {
    const cacheDir = join(dir, "cache");
    const first = await createTokenProvider(app({ cache: { dir: cacheDir } })).getToken("smtp");
    const before = tn.identity.tokenRequests;
    const second = await createTokenProvider(app({ cache: { dir: cacheDir } })).getToken("smtp");
    assert.equal(second.fromCache, true);
    assert.equal(second.token, first.token);
    assert.equal(tn.identity.tokenRequests, before);
    assert.equal(statSync(join(cacheDir, "tokens.json")).mode & 0o777, 0o600);
  });

  test("options are checked at the boundary, each error naming its field", () => {
    assert.throws(
      () => createTokenProvider({ tenantId: "not a tenant", clientId: "abc", clientSecret: "s" }),
      (e: XoauthError) => {
        assert.ok(e instanceof XoauthError);
        assert.equal(e.code, "USAGE");
        assert.match(e.message, /options\.tenantId: must be a GUID or a domain/);
        assert.match(e.message, /options\.clientId: must be a GUID/);
        return true;
      },
    );
    assert.throws(
      () => createTokenProvider({ ...app(), tenantID: "x" } as AuthOptions),
      /options\.tenantID: is not an option \(did you mean tenantId\?\)/,
    );
    assert.throws(() => createTokenProvider({ ...app(), clientSecret: undefined }), /options\.clientSecret: give/);
  });

  test("a wrong secret is CLIENT_SECRET_INVALID, a typed error with its code", async () => {
    const p = createTokenProvider(app({ clientSecret: "wrong~secret~value~000000000000000" }));
    await assert.rejects(p.getToken("imap"), (e: unknown) => {
      assert.ok(e instanceof XoauthError);
      assert.equal(e.code, "CLIENT_SECRET_INVALID");
      assert.ok(ERROR_CODES.includes(e.code));
      return true;
    });
  });
});

describe("testMailbox", () => {
  test("POP3, IMAP, SMTP and Graph pass with the fields test --json prints", async () => {
    const tokenProvider = createTokenProvider(app());
    for (const protocol of ["pop3", "imap", "smtp", "graph"] as const) {
      const port = { pop3: tn.ports.pop3s, imap: tn.ports.imaps, smtp: tn.ports.smtp, graph: undefined }[protocol];
      const r = await testMailbox({
        tokenProvider,
        mailbox: tn.mailbox,
        protocol,
        ...(port ? { host: tn.host, port } : { graphUrl: tn.graphUrl }),
      });
      assert.deepEqual(Object.keys(r), ["ok", "protocol", "mailbox", "server", "steps", "claims", "diagnosis"]);
      assert.equal(r.ok, true, `${protocol}: ${JSON.stringify(r.diagnosis)}`);
      assert.equal(r.diagnosis.code, "OK");
      assert.equal(r.steps[0]?.id, "token");
    }
    assert.equal(tokenProvider.requestCount, 2, "the shared provider asked once per audience");
  });

  test("a wrong secret and a missing FullAccess are diagnosed with their codes", async () => {
    const wrong = await testMailbox({
      ...app({ clientSecret: "wrong~secret~value~000000000000000" }),
      mailbox: tn.mailbox,
      protocol: "imap",
      host: tn.host,
      port: tn.ports.imaps,
    });
    assert.equal(wrong.ok, false);
    assert.equal(wrong.diagnosis.code, "CLIENT_SECRET_INVALID");
    const t2 = await startLocalTenant();
    try {
      applyScenario("no-fullaccess", t2);
      const r = await testMailbox({
        ...app({ clientSecret: t2.clientSecret, authorityHost: t2.authorityHost, ca: t2.caPem }),
        mailbox: t2.mailbox,
        protocol: "imap",
        host: t2.host,
        port: t2.ports.imaps,
      });
      assert.equal(r.ok, false);
      assert.equal(r.diagnosis.code, "MAILBOX_NOT_CONNECTED");
    } finally {
      await t2.stop();
    }
  });
});

describe("fetchMailbox", () => {
  test("fetches into a Maildir exactly once; onMessage sees each durable file", async () => {
    const maildir = join(dir, "Maildir");
    const seen: FetchedMessage[] = [];
    const base = { ...app(), mailbox: tn.mailbox, host: tn.host, port: tn.ports.pop3s, maildir };
    const s = await fetchMailbox({
      ...base,
      onMessage: (m) => {
        assert.ok(existsSync(m.path), "the file is in new/ when onMessage runs");
        assert.equal(statSync(m.path).size, m.size);
        seen.push(m);
      },
    });
    assert.deepEqual(Object.keys(s), [
      "ok",
      "account",
      "protocol",
      "fetched",
      "bytes",
      "deleted",
      "skipped",
      "errors",
      "ms",
    ]);
    assert.equal(s.ok, true);
    assert.equal(s.fetched, tn.sampleCount);
    assert.equal(seen.length, tn.sampleCount);
    assert.equal(new Set(seen.map((m) => m.id)).size, tn.sampleCount);
    const again = await fetchMailbox(base);
    assert.equal(again.fetched, 0);
    assert.equal(again.skipped, tn.sampleCount);
  });

  test("abort stops after the current commit; the next run fetches the rest, nothing twice", async () => {
    const t2 = await startLocalTenant();
    try {
      const total = 200;
      for (let i = t2.sampleCount; i < total; i++) {
        t2.exchange.addMessage(t2.mailbox, Buffer.from(`Subject: ${i}\r\nMessage-ID: <m${i}@x>\r\n\r\nbody ${i}\r\n`));
      }
      const maildir = join(dir, "Maildir-abort");
      const base = {
        ...app({ clientSecret: t2.clientSecret, authorityHost: t2.authorityHost, ca: t2.caPem }),
        mailbox: t2.mailbox,
        host: t2.host,
        port: t2.ports.pop3s,
        maildir,
      };
      const ac = new AbortController();
      const first = await fetchMailbox({ ...base, batch: 1, signal: ac.signal, onMessage: () => ac.abort() });
      assert.equal(first.ok, true);
      assert.ok(first.fetched >= 1 && first.fetched < total, `fetched ${first.fetched}`);
      assert.equal(readdirSync(join(maildir, "new")).length, first.fetched);
      assert.deepEqual(readdirSync(join(maildir, "tmp")), []);
      const rest = await fetchMailbox(base);
      assert.equal(rest.ok, true);
      assert.equal(rest.skipped, first.fetched);
      assert.equal(first.fetched + rest.fetched, total);
      assert.equal(readdirSync(join(maildir, "new")).length, total);
    } finally {
      await t2.stop();
    }
  });

  test("a failed run is ok: false with the code, and the typed error (not in the JSON)", async () => {
    const s = await fetchMailbox({
      ...app({ clientSecret: "wrong~secret~value~000000000000000" }),
      mailbox: tn.mailbox,
      host: tn.host,
      port: tn.ports.pop3s,
      maildir: join(dir, "Maildir-fail"),
      retries: 0,
    });
    assert.equal(s.ok, false);
    assert.equal(s.errors[0]?.code, "CLIENT_SECRET_INVALID");
    assert.ok(s.error instanceof XoauthError);
    assert.equal(JSON.parse(JSON.stringify(s)).error, undefined);
  });
});

describe("sendMail and the nodemailer transport", () => {
  test("nodemailer.createTransport(createTransport(...)) sends over SMTP with XOAUTH2", async () => {
    const before = tn.exchange.sent.length;
    const transporter = nodemailer.createTransport(
      createTransport({ ...app(), mailbox: tn.mailbox, host: tn.host, port: tn.ports.smtp, tls: "starttls" }),
    );
    await transporter.verify();
    const info = await transporter.sendMail({
      to: "ops@fabrikam.example",
      bcc: "audit@fabrikam.example",
      subject: "Report",
      text: "Hello",
    });
    assert.deepEqual(info.accepted, ["ops@fabrikam.example", "audit@fabrikam.example"]);
    assert.match(String(info.response), /^250/);
    const got = tn.exchange.sent[before];
    assert.equal(tn.exchange.sent.length, before + 1);
    assert.equal(got?.authUser, tn.mailbox);
    assert.doesNotMatch(got?.raw.toString() ?? "", /audit@/i, "Bcc only in the envelope");
  });

  test("the transport with protocol graph sends through Graph", async () => {
    const before = tn.graph.sent.length;
    const transporter = nodemailer.createTransport(
      createTransport({ ...app(), mailbox: tn.mailbox, protocol: "graph", graphUrl: tn.graphUrl }),
    );
    const info = await transporter.sendMail({ to: "ops@fabrikam.example", subject: "Via Graph", text: "Hi" });
    assert.equal(info.response, "202 Accepted");
    assert.equal(tn.graph.sent.length, before + 1);
  });

  test("sendMail sends a raw message byte for byte; a wrong secret fails with its code", async () => {
    const before = tn.exchange.sent.length;
    const raw = Buffer.from(
      `From: ${tn.mailbox}\r\nTo: ops@fabrikam.example\r\nSubject: raw\r\nMessage-ID: <raw-1@example>\r\n\r\nBody\r\n`,
    );
    const base = {
      mailbox: tn.mailbox,
      host: tn.host,
      port: tn.ports.smtp,
      envelope: { to: ["ops@fabrikam.example"] },
    };
    const r = await sendMail({ ...app(), ...base }, raw);
    assert.equal(r.ok, true);
    assert.equal(r.messageId, "<raw-1@example>");
    const got = tn.exchange.sent.slice(before).find((m) => m.raw.toString().includes("<raw-1@example>"));
    assert.equal(got?.raw.toString(), raw.toString());
    await assert.rejects(
      sendMail({ ...app({ clientSecret: "wrong~secret~value~000000000000000" }), ...base }, raw),
      (e: XoauthError) => e instanceof XoauthError && e.code === "CLIENT_SECRET_INVALID",
    );
    const transporter = nodemailer.createTransport(
      createTransport({ ...app({ clientSecret: "wrong~secret~value~000000000000000" }), mailbox: tn.mailbox }),
    );
    await assert.rejects(
      transporter.sendMail({ to: "ops@fabrikam.example", text: "x" }),
      (e: XoauthError) => e.code === "CLIENT_SECRET_INVALID",
    );
  });
});

const WRONG = { clientSecret: "wrong~secret~value~000000000000000" };
const smtp = () => ({ mailbox: tn.mailbox, host: tn.host, port: tn.ports.smtp });

/** A CLIENT_SECRET_INVALID XoauthError that says why and what to do. */
function secretInvalid(e: unknown): true {
  assert.ok(e instanceof XoauthError, String(e));
  assert.equal(e.code, "CLIENT_SECRET_INVALID");
  assert.ok(e.why && e.why.length > 10, `why: ${e.why}`);
  assert.ok(e.fix.length > 0, "fix");
  return true;
}

describe("errors carry why and fix", () => {
  test("getToken, forProtocol, sendMail, the transport and fetchMailbox", async () => {
    const p = createTokenProvider(app(WRONG));
    await assert.rejects(p.getToken("smtp"), secretInvalid);
    await assert.rejects(p.forProtocol("imap").getToken(), secretInvalid);
    await assert.rejects(
      sendMail({ ...app(WRONG), ...smtp() }, { to: "ops@fabrikam.example", text: "x" }),
      secretInvalid,
    );
    const transporter = nodemailer.createTransport(createTransport({ ...app(WRONG), ...smtp() }));
    await assert.rejects(transporter.verify(), secretInvalid);
    await assert.rejects(transporter.sendMail({ to: "ops@fabrikam.example", text: "x" }), secretInvalid);
    const s = await fetchMailbox({
      ...app(WRONG),
      mailbox: tn.mailbox,
      host: tn.host,
      port: tn.ports.pop3s,
      maildir: join(dir, "Maildir-why"),
      retries: 0,
    });
    assert.equal(s.ok, false);
    secretInvalid(s.error);
  });
});

describe("a token refused inside the SMTP login keeps its code (not nodemailer's EAUTH)", () => {
  /**
   * The token is asked before connecting and again at AUTH (from the provider's cache). With 60-second tokens the
   * provider asks the endpoint each time (it renews five minutes before expiry); the endpoint refuses the second ask,
   * made after the server greeted (onTrace sees the greeting first): the secret was removed mid-send.
   */
  const refuseAtLogin = () => {
    let armed = false;
    return () => {
      if (armed) return;
      armed = true;
      tn.identity.script.forceAadsts(7000215);
    };
  };

  test("sendMail and the nodemailer transport", async () => {
    tn.identity.tokenLifetimeSec = 60;
    try {
      const before = tn.exchange.sent.length;
      await assert.rejects(
        sendMail({ ...app(), ...smtp(), onTrace: refuseAtLogin() }, { to: "ops@fabrikam.example", text: "x" }),
        secretInvalid,
      );
      const transporter = nodemailer.createTransport(
        createTransport({ ...app(), ...smtp(), onTrace: refuseAtLogin() }),
      );
      await assert.rejects(transporter.sendMail({ to: "ops@fabrikam.example", text: "x" }), secretInvalid);
      assert.equal(tn.exchange.sent.length, before);
    } finally {
      tn.identity.tokenLifetimeSec = 3599;
      tn.identity.script.clear();
    }
  });
});
