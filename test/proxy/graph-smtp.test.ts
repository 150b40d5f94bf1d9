/**
 * `upstream: graph` SMTP listener against the sandbox's Graph fake, driven by Python's smtplib (a real client): the
 * message arrives byte for byte, envelope-only recipients as Bcc, the DATA reply only after Graph answered, and the
 * refusals (foreign MAIL FROM, wrong local password, Mail.Send missing, too large) with their SMTP codes and log codes.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import type { TokenProvider } from "../../src/auth/types.js";
import type { ProxyLogRecord } from "../../src/proxy/log.js";
import { hashPassword } from "../../src/proxy/password.js";
import { type ProxyServer, startProxy } from "../../src/proxy/server.js";
import { createUpstreamLogin } from "../../src/proxy/upstream/index.js";
import {
  countingTokens,
  LOCAL_PASSWORD,
  localHash,
  runPython,
  testListener,
  trickyMessage,
} from "../harness/proxy/test-proxy.js";
import { type GraphWorld, startWorld } from "../harness/world.js";

const MB = "info@contoso.onmicrosoft.com";

/** smtplib: login, one sendmail; prints JSON {ok, code, text, refused}. */
const SEND_PY = `
import json, os, smtplib, base64
a = json.loads(os.environ["ARGS"])
out = {}
try:
    s = smtplib.SMTP("127.0.0.1", a["port"], timeout=60)
    s.ehlo("scanner")
    s.login(a["user"], a["password"])
    msg = base64.b64decode(a["msg"]) + (b"a" * 998 + b"\\r\\n") * a.get("padLines", 0)
    s.sendmail(a["from"], a["to"], msg)
    out = {"ok": True}
    s.quit()
except smtplib.SMTPResponseException as e:
    out = {"ok": False, "code": e.smtp_code, "text": e.smtp_error.decode("utf-8", "replace")}
    try:
        out["after"] = s.noop()[0]  # the session goes on in step: the next reply answers the next command
    except Exception as e2:
        out["after"] = str(e2)
except smtplib.SMTPRecipientsRefused as e:
    out = {"ok": False, "code": 0, "text": str(e)}
print(json.dumps(out))
`;

interface SendOut {
  ok: boolean;
  code?: number;
  text?: string;
  after?: number | string;
}

describe("proxy SMTP listener with upstream: graph (sandbox Graph fake, Python smtplib)", () => {
  let w: GraphWorld;
  let proxy: ProxyServer;
  let port: number;
  const logs: ProxyLogRecord[] = [];
  let graphTokens: TokenProvider & { calls: number };
  let readOnlyTokens: TokenProvider & { calls: number };

  before(async () => {
    w = await startWorld({ graph: {} });
    const token = w.identity.mintAccessToken({}, { resource: "graph" });
    const readOnly = w.identity.mintAccessToken({ roles: ["Mail.Read"] }, { resource: "graph" });
    graphTokens = countingTokens(async () => token);
    readOnlyTokens = countingTokens(async () => readOnly);
    const exchangeTokens = countingTokens(async () => "unused");
    const graph = (tokens: TokenProvider) => ({ url: w.graphUrl, tokens, ca: [w.pki.ca.certPem] });
    const l = testListener("scanner", "smtp");
    proxy = await startProxy({
      listeners: [{ ...l, upstream: { ...l.upstream, graph: true } }],
      users: [
        {
          username: "scanner",
          passwordHash: await localHash(),
          account: { name: "main", mailbox: MB, tokens: exchangeTokens, graph: graph(graphTokens) },
        },
        {
          username: "readonly",
          passwordHash: await hashPassword(LOCAL_PASSWORD, { N: 1024, r: 8, p: 1 }),
          account: { name: "ro", mailbox: MB, tokens: exchangeTokens, graph: graph(readOnlyTokens) },
        },
      ],
      upstream: createUpstreamLogin(),
      logger: (r) => logs.push(r),
      authFailureDelayMs: 10,
    });
    port = proxy.listeners[0]?.port ?? 0;
  });
  after(async () => {
    await proxy.close(2000);
    await w.stop();
  });

  const send = async (o: {
    user?: string;
    password?: string;
    from?: string;
    to: string[];
    msg: Buffer;
    padLines?: number;
  }) => {
    const r = await runPython(
      SEND_PY,
      {
        port,
        user: o.user ?? "scanner",
        password: o.password ?? LOCAL_PASSWORD,
        from: o.from ?? MB,
        to: o.to,
        msg: o.msg.toString("base64"),
        padLines: o.padLines ?? 0,
      },
      120_000,
    );
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as SendOut;
  };

  it("arrives byte for byte; an envelope-only recipient is delivered as Bcc; 250 names Graph's request-id", async () => {
    const msg = Buffer.concat([
      Buffer.from(`From: ${MB}\r\n`),
      trickyMessage("scan 1").subarray(Buffer.from("From: a@example.com\r\n").length),
    ]);
    const n = w.graph.sent.length;
    const r = await send({ to: ["b@example.com", "hidden@fabrikam.example"], msg });
    assert.deepEqual(r, { ok: true });
    assert.equal(w.graph.sent.length, n + 1);
    const sent = w.graph.sent.at(-1);
    assert.equal(sent?.via, "sendMail-mime");
    assert.ok(sent?.raw.equals(Buffer.concat([Buffer.from("Bcc: hidden@fabrikam.example\r\n"), msg])));
    assert.deepEqual(sent?.recipients.map((a) => a.toLowerCase()).sort(), ["b@example.com", "hidden@fabrikam.example"]);
    const ok = logs.find((x) => x.event === "send" && x.outcome === "ok");
    assert.match(ok?.message ?? "", new RegExp(`request-id ${w.graph.requests.at(-1)?.requestId}`));
  });

  it("curl (a real SMTP client) through the proxy: the .eml arrives byte for byte", async () => {
    const dir = mkdtempSync(join(tmpdir(), "graph-smtp-"));
    try {
      const eml = Buffer.from(`From: ${MB}\r\nTo: office@contoso.example\r\nSubject: curl\r\n\r\n.dot\r\nbody\r\n`);
      writeFileSync(join(dir, "scan.eml"), eml);
      const n = w.graph.sent.length;
      await promisify(execFile)("curl", [
        "--silent",
        "--show-error",
        "--url",
        `smtp://127.0.0.1:${port}`,
        "--user",
        `scanner:${LOCAL_PASSWORD}`,
        "--mail-from",
        MB,
        "--mail-rcpt",
        "office@contoso.example",
        "--upload-file",
        join(dir, "scan.eml"),
      ]);
      assert.equal(w.graph.sent.length, n + 1);
      assert.ok(w.graph.sent.at(-1)?.raw.equals(eml));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("swaks (a real SMTP client) through the proxy: AUTH PLAIN, an envelope-only Bcc, the message byte for byte", async (t) => {
    const which = await promisify(execFile)("sh", ["-c", "command -v swaks"]).catch(() => undefined);
    if (!which) {
      // scripts/test-deps.mjs installs swaks (and fails under XOAUTH_TEST_STRICT=1 when it cannot).
      t.skip("swaks is not installed");
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), "graph-swaks-"));
    try {
      // swaks ends the DATA with "\r\n.\r\n" after the file, so a file without a final line end arrives with one.
      const eml = Buffer.from(
        `From: ${MB}\r\nTo: office@contoso.example\r\nSubject: swaks\r\n\r\n.leading dot\r\nline 2\r\n`,
      );
      writeFileSync(join(dir, "scan.eml"), eml.subarray(0, -2));
      const n = w.graph.sent.length;
      const swaks = (password: string, to: string) =>
        promisify(execFile)("swaks", [
          ...["--server", `127.0.0.1:${port}`, "--auth", "PLAIN", "--auth-user", "scanner"],
          ...["--auth-password", password, "--from", MB, "--to", to, "--data", `@${join(dir, "scan.eml")}`],
        ]).then(
          (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
          (e: { code?: number; stdout?: string; stderr?: string }) => ({
            code: e.code ?? -1,
            out: e.stdout ?? "",
            err: e.stderr ?? "",
          }),
        );
      const r = await swaks(LOCAL_PASSWORD, "office@contoso.example,audit@fabrikam.example");
      assert.deepEqual([r.code, r.err], [0, ""], r.out);
      assert.equal(w.graph.sent.length, n + 1);
      const sent = w.graph.sent.at(-1);
      assert.equal(sent?.raw.toString("latin1"), `Bcc: audit@fabrikam.example\r\n${eml.toString("latin1")}`);
      // The same swaks with a wrong local password: refused by the proxy, no token asked for, nothing sent.
      const before = graphTokens.calls;
      const bad = await swaks("wrong-password", "office@contoso.example");
      assert.notEqual(bad.code, 0);
      assert.match(bad.out, /^<\*\* 535 5\.7\.8 /m);
      assert.equal(graphTokens.calls, before);
      assert.equal(w.graph.sent.length, n + 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a header recipient outside RCPT TO: Graph delivers to it too, and the log says so", async () => {
    const msg = Buffer.from(`From: ${MB}\r\nTo: b@example.com\r\nCc: extra@example.com\r\nSubject: cc\r\n\r\nx\r\n`);
    const r = await send({ to: ["b@example.com"], msg });
    assert.deepEqual(r, { ok: true });
    assert.ok(w.graph.sent.at(-1)?.raw.equals(msg));
    const warn = logs.find((x) => x.outcome === "header-only-recipients");
    assert.match(warn?.message ?? "", /extra@example\.com/);
  });

  it("a MAIL FROM other than the mailbox is refused locally with 550 5.7.1 (no Graph request)", async () => {
    const n = w.graph.requests.length;
    const r = await send({ from: "ceo@contoso.onmicrosoft.com", to: ["b@example.com"], msg: Buffer.from("x\r\n") });
    assert.equal(r.ok, false);
    assert.equal(r.code, 550);
    assert.match(r.text ?? "", /^5\.7\.1 /);
    assert.equal(w.graph.requests.length, n);
    assert.ok(logs.some((x) => x.event === "mail-from" && x.code === "SEND_AS_DENIED"));
  });

  it("a wrong local password is refused locally: no token request, no Graph request", async () => {
    const calls = graphTokens.calls;
    const n = w.graph.requests.length;
    const r = await send({ password: "wrong-password", to: ["b@example.com"], msg: Buffer.from("x\r\n") });
    assert.equal(r.code, 535);
    assert.equal(graphTokens.calls, calls);
    assert.equal(w.graph.requests.length, n);
  });

  it("Mail.Send missing: 550 5.7.1 after DATA, logged GRAPH_PERMISSION_MISSING", async () => {
    const msg = Buffer.from(`From: ${MB}\r\nTo: b@example.com\r\nSubject: ro\r\n\r\nx\r\n`);
    const r = await send({ user: "readonly", to: ["b@example.com"], msg });
    assert.equal(r.code, 550, JSON.stringify(r));
    assert.match(r.text ?? "", /^5\.7\.1 .*GRAPH_PERMISSION_MISSING/);
    assert.ok(logs.some((x) => x.event === "send" && x.code === "GRAPH_PERMISSION_MISSING" && x.user === "readonly"));
  });

  it("throttled beyond the retry budget: 451 4.4.5 (temporary), logged THROTTLED, nothing sent", async () => {
    w.graph.failNext("throttled", 1, 600); // Retry-After 600 s: more than the client waits, so THROTTLED at once
    const n = w.graph.sent.length;
    const msg = Buffer.from(`From: ${MB}\r\nTo: b@example.com\r\nSubject: busy\r\n\r\nx\r\n`);
    const r = await send({ to: ["b@example.com"], msg });
    assert.equal(r.code, 451, JSON.stringify(r));
    assert.match(r.text ?? "", /^4\.4\.5 .*THROTTLED/);
    assert.equal(w.graph.sent.length, n);
    assert.ok(logs.some((x) => x.event === "send" && x.code === "THROTTLED"));
  });

  it("over 35 MB: 552 5.3.4 after the whole DATA was read, logged MESSAGE_TOO_LARGE", async () => {
    const msg = Buffer.from(`From: ${MB}\r\nTo: b@example.com\r\nSubject: huge\r\n\r\n`);
    const n = w.graph.sent.length;
    const r = await send({ to: ["b@example.com"], msg, padLines: 36 * 1024 });
    assert.equal(r.code, 552, JSON.stringify(r));
    assert.match(r.text ?? "", /^5\.3\.4 /);
    assert.equal(r.after, 250, "after the 552 the session is in step (RSET, then NOOP answered 250)");
    assert.equal(w.graph.sent.length, n);
    assert.ok(logs.some((x) => x.event === "send" && x.code === "MESSAGE_TOO_LARGE"));
  });
});
