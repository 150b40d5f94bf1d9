/**
 * fetch over IMAP asks for bodies and their metadata in ONE `UID FETCH <set> (UID RFC822.SIZE ENVELOPE BODY.PEEK[])`
 * (one round trip less than a metadata FETCH first), against a scripted server that answers the way RFC 3501 allows
 * but a kind server would not: a big body before its UID, after an ENVELOPE whose subject says "UID 3" (dropped, then
 * fetched on its own, never held in memory), a response without RFC822.SIZE, a UID answered twice. Every message is
 * delivered once, byte for byte.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { createServer, type Server, type TLSSocket } from "node:tls";
import { fetchAccount } from "../../src/fetch/engine.js";
import { createTestPki } from "../../src/sandbox/pki.js";

const pki = createTestPki();
const cert = pki.issueServerCert(["127.0.0.1"]);
let dir: string;
let server: Server;
/** Command lines the server received (after the login). */
let commands: string[] = [];
/** Answers a command; returns false for one it does not know (then BAD). */
let answer: (tag: string, cmd: string, s: TLSSocket) => boolean = () => false;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "xoauth-fetch-onefetch-"));
  server = createServer({ cert: cert.certPem, key: cert.keyPem }, (s) => {
    s.on("error", () => {});
    s.write("* OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2 SASL-IR UIDPLUS] ready\r\n");
    let buf = "";
    s.on("data", (c: Buffer) => {
      buf += c.toString("latin1");
      for (let i = buf.indexOf("\r\n"); i >= 0; i = buf.indexOf("\r\n")) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const [tag = "", ...rest] = line.split(" ");
        const cmd = rest.join(" ");
        if (cmd.startsWith("AUTHENTICATE")) {
          s.write(`${tag} OK [CAPABILITY IMAP4rev1 UIDPLUS] ok\r\n`);
          continue;
        }
        commands.push(cmd);
        if (cmd.startsWith("EXAMINE"))
          s.write(`* 3 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n${tag} OK [READ-ONLY] done\r\n`);
        else if (cmd === "UID SEARCH ALL") s.write(`* SEARCH 1 2 3\r\n${tag} OK done\r\n`);
        else if (cmd === "LOGOUT") s.end(`* BYE\r\n${tag} OK bye\r\n`);
        else if (!answer(tag, cmd, s)) s.write(`${tag} BAD unknown\r\n`);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
});
after(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

function message(n: number, bytes: number): Buffer {
  const head = `Message-ID: <m${n}@example.org>\r\nSubject: message ${n}\r\n\r\n`;
  const line = "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\r\n";
  return Buffer.from((head + line.repeat(Math.ceil(bytes / line.length))).slice(0, bytes), "latin1");
}

const envelope = (n: number, subject: string) =>
  `ENVELOPE ("Thu, 3 Dec 2026 10:00:00 +0000" "${subject}" NIL NIL NIL NIL NIL NIL NIL "<m${n}@example.org>")`;

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

function delivered(md: string): string[] {
  return readdirSync(join(md, "new"))
    .map((f) => sha(readFileSync(join(md, "new", f))))
    .sort();
}

async function run() {
  const md = join(dir, `md-${Math.random().toString(36).slice(2)}`);
  const s = await fetchAccount({
    account: "x@contoso.com",
    protocol: "imap",
    server: {
      host: "127.0.0.1",
      port: (server.address() as { port: number }).port,
      tls: "implicit",
      ca: [pki.ca.certPem],
    },
    tokenProvider: {
      getToken: async () => ({ token: "t0ken", expiresOn: new Date(Date.now() + 3600_000), fromCache: false }),
    },
    maildir: md,
    delete: false,
    retries: 0,
    timeouts: { commandMs: 5000, dataIdleMs: 5000 },
  });
  return { s, md };
}

it("one FETCH brings bodies and metadata; a big body before its UID is dropped and fetched on its own", async () => {
  commands = [];
  const small = message(1, 3000);
  const big = message(2, 3 * 1024 * 1024); // above the 1 MiB bulk threshold
  const third = message(3, 5000);
  answer = (tag, cmd, s) => {
    if (cmd === "UID FETCH 1:3 (UID RFC822.SIZE ENVELOPE BODY.PEEK[])") {
      s.write(`* 1 FETCH (UID 1 RFC822.SIZE ${small.length} ${envelope(1, "small")} BODY[] {${small.length}}\r\n`);
      s.write(small);
      s.write(")\r\n");
      // The body before its UID (RFC 3501 lets the server choose the order), after a subject that says "UID 3":
      // that text must not decide whose file the body streams into.
      s.write(`* 2 FETCH (RFC822.SIZE ${big.length} ${envelope(2, "see UID 3")} BODY[] {${big.length}}\r\n`);
      s.write(big);
      s.write(" UID 2)\r\n");
      // No RFC822.SIZE, no ENVELOPE: delivered all the same.
      s.write(`* 3 FETCH (UID 3 BODY[] {${third.length}}\r\n`);
      s.write(third);
      s.write(")\r\n");
      // UID 1 once more: not delivered twice.
      s.write(`* 1 FETCH (UID 1 RFC822.SIZE ${small.length} ${envelope(1, "again")} BODY[] {${small.length}}\r\n`);
      s.write(small);
      s.write(`)\r\n${tag} OK done\r\n`);
      return true;
    }
    if (cmd === "UID FETCH 2 (UID BODY.PEEK[])") {
      s.write(`* 2 FETCH (UID 2 BODY[] {${big.length}}\r\n`);
      s.write(big);
      s.write(`)\r\n${tag} OK done\r\n`);
      return true;
    }
    return false;
  };
  const { s, md } = await run();
  assert.equal(s.ok, true, JSON.stringify(s.errors));
  assert.equal(s.fetched, 3);
  assert.equal(s.bytes, small.length + big.length + third.length);
  assert.deepEqual(delivered(md), [small, big, third].map(sha).sort());
  assert.deepEqual(readdirSync(join(md, "tmp")), []);
  assert.deepEqual(commands, [
    'EXAMINE "INBOX"',
    "UID SEARCH ALL",
    "UID FETCH 1:3 (UID RFC822.SIZE ENVELOPE BODY.PEEK[])",
    "UID FETCH 2 (UID BODY.PEEK[])",
    "LOGOUT",
  ]);
});

it("a big body whose UID comes first streams to disk inside the one FETCH: no second request", async () => {
  commands = [];
  const big = message(1, 3 * 1024 * 1024);
  const small = message(2, 2000);
  answer = (tag, cmd, s) => {
    if (cmd !== "UID FETCH 1:3 (UID RFC822.SIZE ENVELOPE BODY.PEEK[])") return false;
    s.write(`* 1 FETCH (UID 1 RFC822.SIZE ${big.length} ${envelope(1, "big")} BODY[] {${big.length}}\r\n`);
    s.write(big);
    s.write(`)\r\n* 2 FETCH (UID 2 RFC822.SIZE ${small.length} ${envelope(2, "small")} BODY[] {${small.length}}\r\n`);
    s.write(small);
    s.write(`)\r\n${tag} OK done\r\n`); // UID 3 not answered (expunged meanwhile): fetched by a later run
    return true;
  };
  const { s, md } = await run();
  assert.equal(s.ok, true, JSON.stringify(s.errors));
  assert.equal(s.fetched, 2);
  assert.deepEqual(delivered(md), [big, small].map(sha).sort());
  assert.deepEqual(commands, [
    'EXAMINE "INBOX"',
    "UID SEARCH ALL",
    "UID FETCH 1:3 (UID RFC822.SIZE ENVELOPE BODY.PEEK[])",
    "LOGOUT",
  ]);
});
