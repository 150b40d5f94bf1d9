/**
 * The proxy's client side until login (src/proxy/frontends/{pop3,imap,smtp}.ts, src/server/imap-command.ts,
 * src/net/line-reader.ts, src/proxy/sasl-server.ts over src/sasl/server.ts), driven in-process through a LineReader over a socket stand-in: scripted commands, mutated, split at
 * random chunk boundaries. Replies and login attempts must not depend on the chunking; only typed errors end a run.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { XoauthError } from "../../../../src/errors.js";
import { LineReader } from "../../../../src/net/line-reader.js";
import type { ClientIo } from "../../../../src/proxy/client-io.js";
import { imapFrontend } from "../../../../src/proxy/frontends/imap.js";
import { pop3Frontend } from "../../../../src/proxy/frontends/pop3.js";
import { smtpFrontend } from "../../../../src/proxy/frontends/smtp.js";
import type { LoginFn, UpstreamSession } from "../../../../src/proxy/types.js";
import { assertTyped, type FuzzTarget } from "../fuzz-runner.js";
import { base64Variants, cuts, hugeNumber, lineText, mutate, mutations, split } from "../gen.js";
import { ChunkSocket } from "../socket.js";

type Frontend = (io: ClientIo, login: LoginFn) => Promise<UpstreamSession | undefined>;

const UPSTREAM = {
  successText: "+OK upstream",
  leftover: Buffer.alloc(0),
  capabilities: ["IMAP4rev1", "AUTH=XOAUTH2"],
};

/** One session: replies written, logins attempted, and how it ended. */
async function session(front: Frontend, chunks: Buffer[], starttls: boolean, maxLine: number) {
  const sock = new ChunkSocket(chunks);
  const reader = new LineReader(sock.duplex, maxLine);
  let tls = !starttls;
  const writes: string[] = [];
  const logins: string[][] = [];
  const io: ClientIo = {
    reader,
    readLine: () => reader.readLine(),
    readBytes: (n) => reader.readBytes(n),
    write: (t) => writes.push(t),
    get canStartTls() {
      return !tls;
    },
    get loginNeedsTls() {
      return !tls;
    },
    startTls: async () => {
      tls = true;
    },
  };
  const login: LoginFn = async (username, password, hints) => {
    assert.ok(tls, "no password is taken before TLS when the listener requires it");
    logins.push([username, password, hints?.ehloName ?? ""]);
    if (username === "alice" && password === "secret") return { ok: true, upstream: UPSTREAM as UpstreamSession };
    if (password === "temp") {
      return { ok: false, kind: "upstream", temporary: true, error: new XoauthError("TIMEOUT", "upstream slow") };
    }
    return { ok: false, kind: "local" };
  };
  sock.start();
  let end: string;
  try {
    const up = await front(io, login);
    end = up ? "logged-in" : "closed";
  } catch (e) {
    end = assertTyped(e, ["CONNECTION_CLOSED", "LIMIT_EXCEEDED"]).code;
  }
  return { writes, logins, end };
}

const b64 = (s: string) => Buffer.from(s).toString("base64");
const plain = fc.constantFrom(
  "\0alice\0secret",
  "alice\0alice\0secret",
  "bob\0alice\0secret",
  "\0alice\0temp",
  "\0\0",
  "x",
);
const anyB64 = base64Variants(
  fc.oneof(
    plain.map((p) => Buffer.from(p)),
    fc.uint8Array({ maxLength: 30 }).map(Buffer.from),
  ),
);
const junk = fc.oneof(
  lineText,
  hugeNumber.map((n) => `{${n}}`),
  fc.constant("x".repeat(600)),
);

const pop3Cmd = fc.oneof(
  fc.constantFrom(
    "USER alice",
    "PASS secret",
    "PASS temp",
    "PASS",
    "USER",
    "CAPA",
    "NOOP",
    "STLS",
    "QUIT",
    "AUTH",
    "*",
  ),
  fc.constantFrom("AUTH PLAIN", "AUTH LOGIN", "auth plain", "AUTH XOAUTH2", "AUTH PLAIN a b", "RETR 1", b64("alice")),
  fc.constantFrom("AUTH PLAIN =", "AUTH LOGIN =", "AUTH PLAIN = x"),
  anyB64.map((s) => `AUTH PLAIN ${s}`),
  anyB64,
  junk,
);
const smtpCmd = fc.oneof(
  fc.constantFrom(
    "EHLO client.example",
    "HELO x",
    "EHLO",
    "STARTTLS",
    "QUIT",
    "NOOP",
    "RSET",
    "MAIL FROM:<a@b>",
    "DATA",
  ),
  fc.constantFrom("AUTH PLAIN", "AUTH LOGIN", "AUTH CRAM-MD5", "*", b64("alice"), b64("secret"), "AUTH LOGIN x y"),
  fc.constantFrom("AUTH PLAIN =", "AUTH LOGIN =", "AUTH XOAUTH2 ="),
  anyB64.map((s) => `AUTH PLAIN ${s}`),
  anyB64,
  junk,
);
const tag = fc.oneof(fc.constantFrom("a1", "A", "*", "+", "", "a{", "t\x01", '"'), fc.string({ maxLength: 6 }));
const astring = fc.oneof(
  fc.constantFrom("alice", "secret", "temp", '"alice"', '"sec\\"ret"', '"unterminated', '""', "(", ")", "{3}"),
  fc.constantFrom("{6}\r\nsecret", "{6+}\r\nsecret", "{5}\r\nalice", "{9}\r\nsecret", "{0}\r\n", "{99999}\r\n"),
  hugeNumber.map((n) => `{${n}}\r\n`),
  lineText,
);
const imapCmd = fc.oneof(
  fc
    .tuple(
      tag,
      fc.constantFrom("LOGIN", "login", "AUTHENTICATE", "CAPABILITY", "NOOP", "LOGOUT", "STARTTLS", "SELECT", "ID"),
    )
    .chain(([t, n]) => fc.array(astring, { maxLength: 3 }).map((a) => [t, n, ...a].join(" "))),
  fc.tuple(tag, anyB64).map(([t, s]) => `${t} AUTHENTICATE PLAIN ${s}`),
  tag.map((t) => `${t} AUTHENTICATE PLAIN =`),
  tag.map((t) => `${t} ID ("name" "client" "version" NIL)`),
  anyB64,
  junk,
);

function frontendTarget(name: string, front: Frontend, cmd: fc.Arbitrary<string>): FuzzTarget {
  return {
    name: `proxy-${name}`,
    covers: `src/proxy/frontends/${name}.ts, net/line-reader.ts, sasl/server.ts${name === "imap" ? ", server/imap-command.ts" : ""}`,
    property: () =>
      fc.asyncProperty(
        fc.array(cmd, { maxLength: 12 }),
        fc.constantFrom("\r\n", "\n"),
        mutations,
        cuts,
        fc.boolean(),
        fc.constantFrom(512, 64 * 1024),
        async (cmds, eol, muts, at, starttls, maxLine) => {
          const bytes = mutate(Buffer.from(cmds.map((c) => c + eol).join("")), muts);
          const whole = await session(front, [bytes], starttls, maxLine);
          const chunked = await session(front, split(bytes, at), starttls, maxLine);
          assert.deepEqual(chunked, whole, "chunk boundaries change nothing");
          const out = whole.writes.join("");
          assert.ok(out.endsWith("\r\n"), "every reply is a complete line");
          assert.ok(!/[^\r]\n/.test(out), "no bare LF in replies");
          const lines = bytes.toString("latin1").split("\n").length;
          // Replies stay proportional to what the client sent (a reply per line, a capability list at most).
          assert.ok(out.length <= 300 * (lines + 1) + bytes.length, `${out.length} reply bytes for ${bytes.length}`);
        },
      ),
  };
}

export const proxyPop3 = frontendTarget("pop3", pop3Frontend, pop3Cmd);
export const proxyImap = frontendTarget("imap", imapFrontend, imapCmd);
export const proxySmtp = frontendTarget("smtp", smtpFrontend, smtpCmd);
