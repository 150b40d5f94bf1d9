/** Real legacy clients (Python poplib/imaplib/smtplib) through the proxy to real Dovecot with XOAUTH2 upstream. */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, it } from "node:test";
import { XoauthError } from "../../src/errors.js";
import { createTestPki, type TestPki, writePkiFiles } from "../../src/sandbox/pki.js";
import { type Dovecot, describeDovecot, startDovecot } from "../harness/dovecot/dovecot.js";
import { createTestTokenSigner } from "../harness/dovecot/dovecot-tokens.js";
import { IMAP_CLIENT, POP3_CLIENT, SMTP_CLIENT } from "../harness/proxy/py-clients.js";
import {
  countingTokens,
  LOCAL_PASSWORD,
  LOCAL_USER,
  runPython,
  startTestProxy,
  type TestProxy,
  trickyMessage,
} from "../harness/proxy/test-proxy.js";

const MAILBOX = "alice@contoso.com";
const fetchmailPath = (): string | undefined =>
  ["/usr/bin/fetchmail", "/usr/local/bin/fetchmail"].find((p) => existsSync(p));

describeDovecot("proxy with real legacy clients and real Dovecot", () => {
  let pki: TestPki;
  let dc: Dovecot;
  let proxy: TestProxy;
  let tmp = "";
  const signer = createTestTokenSigner();
  let tokenMode: "good" | "expired" | "unreachable" = "good";
  const tokens = countingTokens(async () => {
    if (tokenMode === "unreachable") throw new XoauthError("TOKEN_ENDPOINT_UNREACHABLE", "token endpoint down");
    return tokenMode === "expired" ? signer.mint({ exp: Math.floor(Date.now() / 1000) - 300 }) : signer.mint();
  });
  const message = trickyMessage("through the proxy");
  const base = () => ({ host: "127.0.0.1", user: LOCAL_USER, password: LOCAL_PASSWORD, ca: "" });

  before(async () => {
    pki = createTestPki();
    dc = await startDovecot({
      pki,
      issuer: signer.issuer,
      audience: signer.audience,
      keys: [{ kid: signer.kid, publicKeyPem: signer.publicKeyPem }],
      mailboxes: [MAILBOX],
    });
    await dc.deliver(MAILBOX, message);
    tmp = mkdtempSync(join(tmpdir(), "xoauth-proxy-test-"));
    caPath = writePkiFiles(pki, tmp).caFile; // Python's ssl module wants a CA file
    const up = (port: number, tls: "implicit" | "starttls") => ({ host: "127.0.0.1", port, tls });
    proxy = await startTestProxy({
      mailbox: MAILBOX,
      tokens,
      extraUsers: [{ username: "fetch-user", password: "fetch-pass-2" }],
      ca: pki.ca.certPem,
      serverPem: (({ certPem, keyPem }) => ({ cert: certPem, key: keyPem }))(pki.issueServerCert()),
      listeners: [
        { name: "pop3", protocol: "pop3", upstream: up(dc.ports.pop3s, "implicit") },
        { name: "pop3-stls", protocol: "pop3", localTls: "starttls", upstream: up(dc.ports.pop3, "starttls") },
        { name: "pop3s", protocol: "pop3", localTls: "implicit", upstream: up(dc.ports.pop3s, "implicit") },
        { name: "imap", protocol: "imap", upstream: up(dc.ports.imaps, "implicit") },
        { name: "imap-stls", protocol: "imap", localTls: "starttls", upstream: up(dc.ports.imap, "starttls") },
        { name: "smtp", protocol: "smtp", upstream: up(dc.ports.submission, "starttls") },
        { name: "smtp-stls", protocol: "smtp", localTls: "starttls", upstream: up(dc.ports.submission, "starttls") },
      ],
    });
  });
  after(async () => {
    await proxy?.close();
    await dc?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });
  beforeEach(() => {
    tokenMode = "good";
  });

  let caPath = "";
  const ca = () => caPath;

  it("poplib USER/PASS on loopback: rewritten CAPA, byte-exact RETR", async () => {
    const r = await runPython(POP3_CLIENT, {
      ...base(),
      port: proxy.port("pop3"),
      tls: "none",
      auth: "user",
      retr: true,
    });
    const o = JSON.parse(r.stdout);
    assert.equal(o.ok, true, r.stdout + r.stderr + JSON.stringify(proxy.logs.slice(-3)));
    assert.deepEqual(o.capa, ["AUTH-RESP-CODE", "RESP-CODES", "SASL PLAIN LOGIN", "TOP", "UIDL", "USER"]);
    assert.equal(o.count, 1);
    assert.equal(Buffer.from(o.body, "hex").toString("hex"), message.toString("hex"));
  });

  it("poplib with local STLS and AUTH PLAIN, upstream STLS", async () => {
    const r = await runPython(POP3_CLIENT, {
      ...base(),
      ca: ca(),
      port: proxy.port("pop3-stls"),
      tls: "starttls",
      auth: "plain",
      retr: true,
    });
    const o = JSON.parse(r.stdout);
    assert.equal(o.ok, true, r.stdout + r.stderr);
    assert.ok(!o.capa.includes("STLS"), "no STLS after TLS is active");
    assert.equal(Buffer.from(o.body, "hex").equals(message), true);
  });

  it("poplib over local implicit TLS (POP3S)", async () => {
    const r = await runPython(POP3_CLIENT, {
      ...base(),
      ca: ca(),
      port: proxy.port("pop3s"),
      tls: "implicit",
      auth: "user",
    });
    assert.equal(JSON.parse(r.stdout).count, 1, r.stdout + r.stderr);
  });

  it("imaplib LOGIN with a quoted password: no XOAUTH2 shown, byte-exact FETCH", async () => {
    const r = await runPython(IMAP_CLIENT, {
      ...base(),
      port: proxy.port("imap"),
      tls: "none",
      auth: "login",
      fetch: true,
    });
    const o = JSON.parse(r.stdout);
    assert.equal(o.ok, true, r.stdout + r.stderr);
    assert.deepEqual(o.before, ["AUTH=PLAIN", "IMAP4REV1", "LITERAL+", "SASL-IR"]);
    assert.equal(o.count, 1);
    assert.equal(Buffer.from(o.body, "hex").equals(message), true);
  });

  it("imaplib STARTTLS + AUTHENTICATE PLAIN, upstream STARTTLS", async () => {
    const r = await runPython(IMAP_CLIENT, {
      ...base(),
      ca: ca(),
      port: proxy.port("imap-stls"),
      tls: "starttls",
      auth: "plain",
    });
    const o = JSON.parse(r.stdout);
    assert.equal(o.ok, true, r.stdout + r.stderr);
    assert.equal(o.count, 1);
    assert.ok(!o.before.includes("STARTTLS") && !o.before.includes("LOGINDISABLED"));
  });

  it("imaplib refuses to log in before STARTTLS on a STARTTLS listener (LOGINDISABLED, PRIVACYREQUIRED)", async () => {
    const r = await runPython(IMAP_CLIENT, { ...base(), port: proxy.port("imap-stls"), tls: "none", auth: "login" });
    const o = JSON.parse(r.stdout);
    assert.equal(o.ok, false);
    assert.match(o.error, /PRIVACYREQUIRED/);
  });

  for (const [listener, tls, auth] of [
    ["smtp", "none", "plain"],
    ["smtp-stls", "starttls", "login"],
  ] as const) {
    it(`smtplib ${tls} + AUTH ${auth}: message arrives byte-exact at the relay`, async () => {
      const before = dc.sink.messages.length;
      const msg = trickyMessage(`smtp ${auth}`);
      const r = await runPython(SMTP_CLIENT, {
        ...base(),
        ca: ca(),
        port: proxy.port(listener),
        tls,
        auth,
        from: MAILBOX,
        to: "bob@example.net",
        msg: msg.toString("hex"),
      });
      const o = JSON.parse(r.stdout);
      assert.equal(o.ok, true, r.stdout + r.stderr);
      assert.ok(o.ext.includes("auth"));
      assert.deepEqual(o.refused, {});
      const got = dc.sink.messages[before];
      assert.ok(got, "the relay received the message");
      assert.deepEqual(got.to, ["bob@example.net"]);
      assert.ok(got.raw.subarray(got.raw.length - msg.length).equals(msg), "body unchanged");
    });
  }

  it("wrong local password is refused locally: no token request, no upstream connection", async () => {
    const t0 = tokens.calls;
    const c0 = proxy.upstreamConnects.length;
    const bad = { ...base(), ca: ca(), password: "wrong" };
    const p = JSON.parse(
      (await runPython(POP3_CLIENT, { ...bad, port: proxy.port("pop3"), tls: "none", auth: "user" })).stdout,
    );
    assert.match(p.error, /-ERR \[AUTH\] Authentication failed/);
    const i = JSON.parse(
      (await runPython(IMAP_CLIENT, { ...bad, port: proxy.port("imap"), tls: "none", auth: "login" })).stdout,
    );
    assert.match(i.error, /AUTHENTICATIONFAILED/);
    const s = JSON.parse(
      (
        await runPython(SMTP_CLIENT, {
          ...bad,
          port: proxy.port("smtp"),
          tls: "none",
          auth: "plain",
          from: MAILBOX,
          to: "x@y.z",
          msg: "00",
        })
      ).stdout,
    );
    assert.equal(s.code, 535);
    const unknown = JSON.parse(
      (await runPython(POP3_CLIENT, { ...bad, user: "nobody", port: proxy.port("pop3"), tls: "none", auth: "plain" }))
        .stdout,
    );
    assert.match(unknown.error, /-ERR \[AUTH\]/);
    assert.equal(tokens.calls, t0);
    assert.equal(proxy.upstreamConnects.length, c0);
    assert.ok(proxy.logs.some((l) => l.outcome === "local-reject" && l.user === LOCAL_USER));
  });

  it("SMTP: MAIL before AUTH is refused (no relay) and never reaches upstream", async () => {
    const c0 = proxy.upstreamConnects.length;
    const o = JSON.parse(
      (
        await runPython(SMTP_CLIENT, {
          ...base(),
          port: proxy.port("smtp"),
          tls: "none",
          auth: "none",
          from: MAILBOX,
          to: "x@y.z",
          msg: "00",
        })
      ).stdout,
    );
    assert.equal(o.ok, false);
    assert.equal(o.code, 530);
    assert.equal(proxy.upstreamConnects.length, c0);
  });

  /** One failing login per protocol (POP3 USER/PASS, IMAP LOGIN, SMTP AUTH `smtpAuth`): the parsed client results. */
  async function loginAllThree(smtpAuth: "plain" | "login") {
    const run = async (script: string, args: Record<string, unknown>) =>
      JSON.parse((await runPython(script, { ...base(), tls: "none", ...args })).stdout);
    return {
      p: await run(POP3_CLIENT, { port: proxy.port("pop3"), auth: "user" }),
      i: await run(IMAP_CLIENT, { port: proxy.port("imap"), auth: "login" }),
      s: await run(SMTP_CLIENT, { port: proxy.port("smtp"), auth: smtpAuth, from: MAILBOX, to: "x@y.z", msg: "00" }),
    };
  }

  it("upstream refusal (expired token) is answered in each protocol and logged with a diagnosis code", async () => {
    tokenMode = "expired";
    const { p, i, s } = await loginAllThree("plain");
    assert.match(p.error, /-ERR \[AUTH\] Authentication failed/);
    assert.match(i.error, /AUTHENTICATIONFAILED/);
    assert.equal(s.code, 535);
    const fails = proxy.logs.filter((l) => l.outcome === "upstream-fail");
    assert.ok(fails.length >= 3);
    assert.ok(fails.every((l) => l.code === "MAILBOX_ACCESS_DENIED" && l.account === "main"));
    assert.ok(!JSON.stringify(proxy.logs).includes("eyJ"), "no token in logs");
  });

  it("token endpoint down is a temporary failure: -ERR [SYS/TEMP] / NO [UNAVAILABLE] / 454", async () => {
    tokenMode = "unreachable";
    const { p, i, s } = await loginAllThree("login");
    assert.match(p.error, /-ERR \[SYS\/TEMP\]/);
    assert.match(i.error, /UNAVAILABLE/);
    assert.equal(s.code, 454);
    assert.ok(proxy.logs.some((l) => l.code === "TOKEN_ENDPOINT_UNREACHABLE"));
  });

  it("serves several concurrent clients of all three protocols", async () => {
    const runs = [];
    for (let k = 0; k < 4; k++) {
      runs.push(
        runPython(POP3_CLIENT, {
          ...base(),
          port: proxy.port("pop3"),
          tls: "none",
          auth: k % 2 ? "plain" : "user",
          retr: true,
        }),
      );
      runs.push(
        runPython(IMAP_CLIENT, {
          ...base(),
          port: proxy.port("imap"),
          tls: "none",
          auth: k % 2 ? "plain" : "login",
          fetch: true,
        }),
      );
    }
    const results = (await Promise.all(runs)).map((r) => JSON.parse(r.stdout));
    for (const o of results) {
      assert.equal(o.ok, true, JSON.stringify(o));
      assert.equal(Buffer.from(o.body, "hex").equals(message), true);
    }
    const closes = proxy.logs.filter((l) => l.event === "close" && l.outcome === "ok");
    assert.ok(closes.every((l) => typeof l.bytesUp === "number" && typeof l.bytesDown === "number"));
  });

  it("Debian's fetchmail fetches the mailbox with a password through the proxy (byte-exact)", {
    skip: !fetchmailPath(),
  }, async () => {
    const out = join(tmp, "fetched.eml");
    const rc = join(tmp, "fetchmailrc");
    // fetchmail's rc strings cannot hold a double quote, so this user has a plain password.
    const q = (v: string) => `"${v}"`;
    writeFileSync(
      rc,
      `poll 127.0.0.1 service ${proxy.port("pop3")} protocol pop3 auth password timeout 10\n` +
        `  user "fetch-user" password "fetch-pass-2" is root here\n` +
        `  sslproto "" keep fetchall mda ${q(`/bin/sh -c 'cat > ${out}'`)}\n`,
      { mode: 0o600 },
    );
    // Async spawn: the proxy runs in this process, a synchronous child would block it.
    const child = spawn(
      fetchmailPath() as string,
      ["-f", rc, "--nosyslog", "-N", "-v", "--pidfile", join(tmp, "fm.pid")],
      {
        env: { ...process.env, HOME: tmp, FETCHMAILHOME: tmp },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let log = "";
    child.stdout.on("data", (d) => {
      log += d;
    });
    child.stderr.on("data", (d) => {
      log += d;
    });
    const status = await new Promise<number | null>((res) => child.on("close", res));
    const r = { status, stdout: log, stderr: "" };
    assert.equal(r.status, 0, `${r.stdout}\n${JSON.stringify(proxy.logs.slice(-2))}`);
    const got = readFileSync(out);
    // fetchmail prepends its own Received: header and hands the MDA LF line endings; the rest is unchanged.
    const want = Buffer.from(message.toString("latin1").replace(/\r\n/g, "\n"), "latin1");
    assert.ok(got.subarray(got.length - want.length).equals(want), "message body unchanged");
  });
});
