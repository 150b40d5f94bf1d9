/**
 * One XOAUTH2 login per protocol (issue 12, item 2): `test`, `fetch` / `send` and the proxy's upstream log in through
 * the same function — src/pop3/commands/auth.ts (authXoauth2) and src/smtp/xoauth2-login.ts (xoauth2Login). Shown two
 * ways: each entry module reaches the login module and nothing else in these layers builds an XOAUTH2 response; and
 * against one scripted server all three send the same lines, down to how many error challenges they answer.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { PROBES, StepFailed, StepRecorder } from "../../src/diagnose/probe/run.js";
import { Pop3Client } from "../../src/pop3/client.js";
import { createUpstreamLogin } from "../../src/proxy/upstream/index.js";
import { createTestPki, type TestPki } from "../../src/sandbox/pki.js";
import { sendOne } from "../../src/send/transport.js";
import { smtpLoginCheck } from "../../src/smtp/connection.js";
import { REPO_ROOT } from "../harness/cli.js";
import { countingTokens } from "../harness/proxy/test-proxy.js";
import { type ScriptedUpstream, scriptedUpstream } from "../harness/servers/scripted-upstream.js";

const MAILBOX = "mb@contoso.com";
const TOKEN = "tok.en.value";
const JSON_ERR = Buffer.from('{"status":"401","schemes":"bearer","scope":"https://outlook.office.com/"}').toString(
  "base64",
);

/** The relative imports of a TypeScript source file (type-only ones included), as repo-relative .ts paths. */
function importsOf(file: string): string[] {
  const src = readFileSync(join(REPO_ROOT, file), "utf8");
  const out: string[] = [];
  for (const m of src.matchAll(/\bfrom\s+"(\.[^"]+)/g)) {
    const target = resolve(dirname(join(REPO_ROOT, file)), (m[1] as string).replace(/\.js$/, ".ts"));
    if (existsSync(target)) out.push(relative(REPO_ROOT, target).split("\\").join("/"));
  }
  return out;
}

/** Whether `from` imports `to`, directly or through other modules. */
function reaches(from: string, to: string): boolean {
  const seen = new Set<string>();
  const todo = [from];
  while (todo.length > 0) {
    const f = todo.pop() as string;
    if (f === to) return true;
    if (seen.has(f)) continue;
    seen.add(f);
    todo.push(...importsOf(f));
  }
  return false;
}

/** The src/ files that build an XOAUTH2 initial response (call buildXoauth2 or xoauth2Mechanism). */
function xoauth2Builders(dir = "src"): string[] {
  return readdirSync(join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) return xoauth2Builders(p);
    if (!p.endsWith(".ts") || p.startsWith("src/sasl/")) return [];
    return /\b(buildXoauth2|xoauth2Mechanism)\(/.test(readFileSync(join(REPO_ROOT, p), "utf8")) ? [p] : [];
  });
}

/** The lines a connection sent from `AUTH XOAUTH2` on (earlier lines, e.g. CAPA or EHLO, differ by design). */
function authLines(u: ScriptedUpstream, n: number): string[] {
  const lines = u.conns[n - 1]?.lines ?? [];
  const at = lines.indexOf("AUTH XOAUTH2");
  assert.ok(at >= 0, `connection ${n} sent AUTH XOAUTH2: ${JSON.stringify(lines)}`);
  return lines.slice(at).filter((l) => l !== "QUIT");
}

describe("one XOAUTH2 login per protocol", () => {
  let pki: TestPki;
  const servers: ScriptedUpstream[] = [];
  before(() => {
    pki = createTestPki();
  });
  after(() => Promise.all(servers.map((s) => s.close())));

  const proxyLogin = (protocol: "pop3" | "smtp", port: number) =>
    createUpstreamLogin({ ca: [pki.ca.certPem] }).login({
      protocol,
      target: { host: "127.0.0.1", port, tls: "implicit" },
      account: { name: "a", mailbox: MAILBOX, tokens: countingTokens(async () => TOKEN) },
    });

  it("POP3: test, fetch and the proxy reach the one login module", () => {
    const login = "src/pop3/commands/auth.ts";
    for (const entry of ["src/diagnose/probe/pop3.ts", "src/fetch/pop3-fetch.ts", "src/proxy/upstream/pop3.ts"]) {
      assert.ok(reaches(entry, login), `${entry} reaches ${login}`);
    }
  });

  it("SMTP: test, send and the proxy reach the one login module", () => {
    const login = "src/smtp/xoauth2-login.ts";
    for (const entry of ["src/diagnose/probe/smtp.ts", "src/send/transport.ts", "src/proxy/upstream/smtp.ts"]) {
      assert.ok(reaches(entry, login), `${entry} reaches ${login}`);
    }
  });

  it("outside IMAP, only the two login modules build an XOAUTH2 response", () => {
    // src/proxy/upstream/conn.ts builds it for the proxy's IMAP upstream (xoauth2Response), part of the IMAP stack.
    const imap = (f: string): boolean => f.startsWith("src/imap/") || f === "src/proxy/upstream/conn.ts";
    assert.deepEqual(
      xoauth2Builders()
        .filter((f) => !imap(f))
        .sort(),
      ["src/pop3/commands/auth.ts", "src/smtp/xoauth2-login.ts"],
    );
  });

  it("POP3: against a server that repeats its error challenge, all three answer it alike and give up alike", async () => {
    const server = await scriptedUpstream(pki, "+OK ready\r\n", (l) => {
      if (l === "CAPA") return "+OK\r\nSASL XOAUTH2\r\n.\r\n";
      if (l === "QUIT") return "+OK bye\r\n";
      return l === "AUTH XOAUTH2" ? "+ \r\n" : `+ ${JSON_ERR}\r\n`;
    });
    servers.push(server);
    const o = { host: "127.0.0.1", port: server.port, ca: [pki.ca.certPem] };
    // `test`
    const rec = new StepRecorder();
    const probe = await PROBES.pop3({ ...o, protocol: "pop3", tls: "implicit", mailbox: MAILBOX, token: TOKEN }, rec)
      .then(() => undefined)
      .catch((e: unknown) => e);
    assert.ok(probe instanceof StepFailed && probe.step.id === "auth", String(probe));
    // `fetch` (src/fetch/pop3-fetch.ts: Pop3Client.connect, then authenticateXoauth2)
    const client = await Pop3Client.connect({ ...o, tls: "implicit" });
    const fetchErr = await client.authenticateXoauth2(MAILBOX, TOKEN).catch((e: unknown) => e);
    client.close();
    // the proxy's upstream
    const proxyErr = await proxyLogin("pop3", server.port).catch((e: unknown) => e);
    for (const e of [probe.step.error, fetchErr, proxyErr])
      assert.equal((e as { code?: string }).code, "PROTOCOL_ERROR");
    const [a, b, c] = [authLines(server, 1), authLines(server, 2), authLines(server, 3)];
    assert.deepEqual(b, a);
    assert.deepEqual(c, a);
    assert.ok(a.filter((l) => l === "").length > 1, "the login answers each error challenge with an empty line");
  });

  it("POP3: the proxy takes the logged-in session over with the bytes that came after +OK", async () => {
    const server = await scriptedUpstream(pki, "+OK ready\r\n", (l) =>
      l === "AUTH XOAUTH2" ? "+ \r\n" : "+OK logged in\r\n+OK early bytes\r\n",
    );
    servers.push(server);
    const up = await proxyLogin("pop3", server.port);
    try {
      assert.equal(up.successText, "+OK logged in");
      assert.equal(up.leftover.toString("latin1"), "+OK early bytes\r\n");
      up.socket.write("NOOP\r\n");
      assert.equal(await (await server.conn(1)).seen(/^NOOP$/), "NOOP", "the socket still works after the hand-over");
    } finally {
      up.socket.destroy();
    }
  });

  it("SMTP: test, send and the proxy send the same lines and answer the error challenge with an empty line", async () => {
    const server = await scriptedUpstream(pki, "220 fake ESMTP\r\n", (l) => {
      if (l.startsWith("EHLO")) return "250-fake\r\n250 AUTH XOAUTH2\r\n";
      if (l === "AUTH XOAUTH2") return "334 \r\n";
      if (l === "") return "535 5.7.3 Authentication unsuccessful\r\n";
      if (l === "QUIT") return "221 bye\r\n";
      return `334 ${JSON_ERR}\r\n`;
    });
    servers.push(server);
    const smtp = { host: "127.0.0.1", port: server.port, tls: "implicit" as const, ca: [pki.ca.certPem] };
    const opts = { ...smtp, user: MAILBOX, token: TOKEN };
    const testErr = await smtpLoginCheck(opts).catch((e: unknown) => e);
    const msg = {
      kind: "compose" as const,
      fields: { from: MAILBOX, to: [MAILBOX], cc: [], subject: "s", attachments: [] },
    };
    const sendErr = await sendOne(opts, msg, { from: MAILBOX, to: [MAILBOX] }).catch((e: unknown) => e);
    const proxyErr = await proxyLogin("smtp", server.port).catch((e: unknown) => e);
    assert.equal((testErr as { code?: string }).code, "MAILBOX_ACCESS_DENIED");
    assert.equal((sendErr as { error?: { code?: string } }).error?.code, "MAILBOX_ACCESS_DENIED");
    assert.equal((proxyErr as { code?: string }).code, "MAILBOX_ACCESS_DENIED");
    const [a, b, c] = [authLines(server, 1), authLines(server, 2), authLines(server, 3)];
    assert.equal(a.length, 3, JSON.stringify(a));
    assert.equal(a[2], "");
    assert.deepEqual(b, a);
    assert.deepEqual(c, a);
  });
});
