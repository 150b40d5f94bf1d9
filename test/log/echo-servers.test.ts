/**
 * Hostile mail servers that refuse the XOAUTH2 login and quote the client's response back in the refusal: minus its
 * first 8 characters, split over two reply lines, and decoded ("auth=Bearer <token>"). Neither the transcript, nor
 * the typed error (message, server reply), nor its human and JSON forms may hold a 24-character piece of the token
 * or of the response (issue 11: the MAILBOX_ACCESS_DENIED text printed the whole token).
 */
import assert from "node:assert/strict";
import type net from "node:net";
import { after, before, test } from "node:test";
import tls from "node:tls";
import { errorJson, formatError } from "../../src/cli/output.js";
import { toXoauthError } from "../../src/errors.js";
import "../../src/i18n/catalogs.js";
import { ImapClient } from "../../src/imap/client.js";
import { redact } from "../../src/log/redact.js";
import { Pop3Client } from "../../src/pop3/client.js";
import { createTestPki, type TestPki } from "../../src/sandbox/pki.js";
import { smtpLoginCheck } from "../../src/smtp/connection.js";

const USER = "shop@contoso.onmicrosoft.com";
const pieceOf = (seed: number, n: number) =>
  Buffer.from(Array.from({ length: n }, (_, i) => (i * 131 + seed * 17 + 7) % 256)).toString("base64url");
const TOKEN = `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJ${pieceOf(1, 900)}.${pieceOf(2, 256)}`;
const RESPONSE = Buffer.from(`user=${USER}\x01auth=Bearer ${TOKEN}\x01\x01`).toString("base64");

/** How the server quotes the response `r` in its refusal: reply lines without the status prefix. */
const ECHOES: Record<string, (r: string) => string[]> = {
  "minus 8": (r) => [r.slice(8)],
  split: (r) => [r.slice(10, 700), r.slice(700)],
  decoded: (r) => [
    Buffer.from(r, "base64")
      .toString("latin1")
      .replace(/[\x01]/g, " "),
  ],
};

type Proto = "smtp" | "imap" | "pop3";

/** Replies per protocol: greeting, capabilities, the continuation that asks for the response, the refusal. */
function script(proto: Proto, echo: (r: string) => string[]) {
  const refusal = (tag: string, lines: string[]) => {
    if (proto === "smtp") return lines.map((l, i) => `535${i < lines.length - 1 ? "-" : " "}5.7.3 ${l}\r\n`).join("");
    if (proto === "pop3") return `-ERR ${lines.join(" ")}\r\n`;
    return `${lines.map((l) => `* NO ${l}\r\n`).join("")}${tag} NO [AUTHENTICATIONFAILED] ${lines[0]}\r\n`;
  };
  return (line: string, state: { tag: string }): string | undefined => {
    const b64 = /dXNlcj1[A-Za-z0-9+/=]+/.exec(line)?.[0];
    if (b64) return refusal(state.tag, echo(b64));
    if (proto === "smtp") {
      if (/^EHLO/i.test(line)) return "250-hostile\r\n250 AUTH XOAUTH2\r\n";
      if (/^AUTH XOAUTH2$/i.test(line)) return "334 \r\n";
      if (/^QUIT/i.test(line)) return "221 bye\r\n";
      return "502 no\r\n";
    }
    if (proto === "pop3") {
      if (/^CAPA/i.test(line)) return "+OK\r\nSASL XOAUTH2\r\nUSER\r\n.\r\n";
      if (/^AUTH XOAUTH2$/i.test(line)) return "+ \r\n";
      if (/^QUIT/i.test(line)) return "+OK bye\r\n";
      return "-ERR no\r\n";
    }
    const [tag = "*", cmd = ""] = line.split(" ");
    state.tag = tag;
    if (/^CAPABILITY$/i.test(cmd)) return `* CAPABILITY IMAP4rev1 AUTH=XOAUTH2\r\n${tag} OK done\r\n`;
    if (/^AUTHENTICATE$/i.test(cmd)) return "+ \r\n";
    if (/^LOGOUT$/i.test(cmd)) return `* BYE\r\n${tag} OK bye\r\n`;
    return `${tag} BAD no\r\n`;
  };
}

const GREETING: Record<Proto, string> = {
  smtp: "220 hostile ESMTP\r\n",
  pop3: "+OK hostile\r\n",
  imap: "* OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2] hostile\r\n",
};

let pki: TestPki;
let cert: { certPem: string; keyPem: string };
const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();

before(() => {
  pki = createTestPki();
  cert = pki.issueServerCert();
});
after(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

async function echoServer(proto: Proto, echo: (r: string) => string[]): Promise<number> {
  const answer = script(proto, echo);
  const server = tls.createServer({ cert: cert.certPem, key: cert.keyPem }, (s) => {
    sockets.add(s);
    s.on("error", () => {});
    const state = { tag: "*" };
    let buf = "";
    s.on("data", (d: Buffer) => {
      buf += d.toString("latin1");
      for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
        const reply = answer(buf.slice(0, i).replace(/\r$/, ""), state);
        buf = buf.slice(i + 1);
        if (reply) s.write(reply);
      }
    });
    s.write(GREETING[proto]);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as net.AddressInfo).port;
}

/** Where the client connects and whom it logs in as (the one token, the test CA). */
const target = (port: number) => ({ host: "127.0.0.1", port, tls: "implicit" as const, user: USER, token: TOKEN });

const CLIENTS: Record<string, { proto: Proto; login: (port: number, trace: (l: string) => void) => Promise<unknown> }> =
  {
    smtp: {
      proto: "smtp",
      login: (port, trace) => smtpLoginCheck({ ...target(port), ca: pki.ca.certPem, onTrace: (e) => trace(e.line) }),
    },
    "imap client": {
      proto: "imap",
      login: (port, trace) =>
        ImapClient.connect({ ...target(port), ca: [pki.ca.certPem], onTrace: (e) => trace(e.line) }),
    },
    pop3: {
      proto: "pop3",
      login: async (port, trace) => {
        const c = await Pop3Client.connect({ ...target(port), ca: [pki.ca.certPem], onTrace: (e) => trace(e.line) });
        await c.authenticateXoauth2(USER, TOKEN);
      },
    },
  };

const PIECE = 24;
function leak(out: string): string | undefined {
  for (const secret of [TOKEN, RESPONSE])
    for (let i = 0; i + PIECE <= out.length; i++)
      if (secret.includes(out.slice(i, i + PIECE))) return out.slice(i, i + PIECE);
  return undefined;
}

for (const [name, client] of Object.entries(CLIENTS)) {
  for (const [how, echo] of Object.entries(ECHOES)) {
    test(`${name}: a refusal that quotes the XOAUTH2 response (${how}) shows no piece of the token`, async () => {
      const port = await echoServer(client.proto, echo);
      const transcript: string[] = [];
      const err = await client
        .login(port, (l) => transcript.push(l))
        .then(
          () => assert.fail("the login must fail"),
          (e: unknown) => toXoauthError(e),
        );
      assert.ok(transcript.length > 0);
      const outputs = {
        transcript: transcript.join("\n"),
        message: err.message,
        serverReply: err.details.serverReply ?? "",
        human: redact(formatError(err)),
        json: redact(JSON.stringify(errorJson(err))),
      };
      for (const [what, text] of Object.entries(outputs)) assert.equal(leak(text), undefined, `${what}: ${text}`);
    });
  }
}
