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
import { fetchAccount } from "../../src/fetch/engine.js";
import { createTestPki } from "../../src/sandbox/pki.js";
import { type ScriptedUpstream, scriptedUpstream } from "../harness/servers/scripted-upstream.js";

const pki = createTestPki();
let dir: string;
let server: ScriptedUpstream;
/** Command lines the server received after the login (all connections). */
let commands: string[] = [];
/** Answers a FETCH (all of it, tagged reply included); undefined for one it does not know (then BAD). */
let answer: (tag: string, cmd: string) => string | undefined = () => undefined;
/**
 * EXISTS in the EXAMINE answer; UID SEARCH ALL always answers UIDs 1 2 3. With 3, message n is UID n as far as the
 * client can tell (it maps sequence numbers); with 4, it cannot.
 */
let exists = 3;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "xoauth-fetch-onefetch-"));
  server = await scriptedUpstream(pki, "* OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2 SASL-IR UIDPLUS] ready\r\n", (line) => {
    const [tag = "", ...rest] = line.split(" ");
    const cmd = rest.join(" ");
    if (cmd.startsWith("AUTHENTICATE")) return `${tag} OK [CAPABILITY IMAP4rev1 UIDPLUS] ok\r\n`;
    commands.push(cmd);
    if (cmd.startsWith("EXAMINE"))
      return `* ${exists} EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n${tag} OK [READ-ONLY] done\r\n`;
    if (cmd === "UID SEARCH ALL") return `* SEARCH 1 2 3\r\n${tag} OK done\r\n`;
    if (cmd === "LOGOUT") return `* BYE\r\n${tag} OK bye\r\n`;
    return answer(tag, cmd) ?? `${tag} BAD unknown\r\n`;
  });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An ASCII message of `bytes` bytes (a string: one character per byte on the wire). */
function message(n: number, bytes: number): string {
  const head = `Message-ID: <m${n}@example.org>\r\nSubject: message ${n}\r\n\r\n`;
  const line = "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\r\n";
  return (head + line.repeat(Math.ceil(bytes / line.length))).slice(0, bytes);
}

const envelope = (n: number, subject: string) =>
  `ENVELOPE ("Thu, 3 Dec 2026 10:00:00 +0000" "${subject}" NIL NIL NIL NIL NIL NIL NIL "<m${n}@example.org>")`;

const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

function delivered(md: string): string[] {
  return readdirSync(join(md, "new"))
    .map((f) => sha(readFileSync(join(md, "new", f))))
    .sort();
}

/**
 * Runs one fetch and checks what every case here must hold: ok, exactly `messages` delivered (count, bytes, each file
 * byte for byte), nothing left in tmp/. Returns the commands sent after EXAMINE and UID SEARCH.
 */
async function fetchExpecting(messages: string[]): Promise<string[]> {
  const { s, md } = await run();
  assert.equal(s.ok, true, JSON.stringify(s.errors));
  assert.equal(s.fetched, messages.length);
  assert.equal(
    s.bytes,
    messages.reduce((n, m) => n + m.length, 0),
  );
  assert.deepEqual(delivered(md), messages.map(sha).sort());
  assert.deepEqual(readdirSync(join(md, "tmp")), []);
  assert.deepEqual(commands.slice(0, 2), ['EXAMINE "INBOX"', "UID SEARCH ALL"]);
  return commands.slice(2);
}

async function run() {
  const md = join(dir, `md-${Math.random().toString(36).slice(2)}`);
  const s = await fetchAccount({
    account: "x@contoso.com",
    protocol: "imap",
    server: {
      host: "127.0.0.1",
      port: server.port,
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
  exists = 4; // the numbering is unknown: a body before its UID cannot be placed
  const small = message(1, 3000);
  const big = message(2, 3 * 1024 * 1024); // above the 1 MiB bulk threshold
  const third = message(3, 5000);
  answer = (tag, cmd) => {
    if (cmd === "UID FETCH 1:3 (UID RFC822.SIZE ENVELOPE BODY.PEEK[])")
      return [
        `* 1 FETCH (UID 1 RFC822.SIZE ${small.length} ${envelope(1, "small")} BODY[] {${small.length}}\r\n${small})\r\n`,
        // The body before its UID (RFC 3501 lets the server choose the order), after a subject that says "UID 3":
        // that text must not decide whose file the body streams into.
        `* 2 FETCH (RFC822.SIZE ${big.length} ${envelope(2, "see UID 3")} BODY[] {${big.length}}\r\n${big} UID 2)\r\n`,
        // No RFC822.SIZE, no ENVELOPE: delivered all the same.
        `* 3 FETCH (UID 3 BODY[] {${third.length}}\r\n${third})\r\n`,
        // UID 1 once more: not delivered twice.
        `* 1 FETCH (UID 1 RFC822.SIZE ${small.length} ${envelope(1, "again")} BODY[] {${small.length}}\r\n${small})\r\n`,
        `${tag} OK done\r\n`,
      ].join("");
    if (cmd === "UID FETCH 2 (UID BODY.PEEK[])")
      return `* 2 FETCH (UID 2 BODY[] {${big.length}}\r\n${big})\r\n${tag} OK done\r\n`;
    return undefined;
  };
  assert.deepEqual(await fetchExpecting([small, big, third]), [
    "UID FETCH 1:3 (UID RFC822.SIZE ENVELOPE BODY.PEEK[])",
    "UID FETCH 2 (UID BODY.PEEK[])",
    "LOGOUT",
  ]);
});

it("a big body whose UID comes first streams to disk inside the one FETCH: no second request", async () => {
  commands = [];
  exists = 4;
  const big = message(1, 3 * 1024 * 1024);
  const small = message(2, 2000);
  answer = (tag, cmd) =>
    cmd !== "UID FETCH 1:3 (UID RFC822.SIZE ENVELOPE BODY.PEEK[])"
      ? undefined
      : [
          `* 1 FETCH (UID 1 RFC822.SIZE ${big.length} ${envelope(1, "big")} BODY[] {${big.length}}\r\n${big})\r\n`,
          `* 2 FETCH (UID 2 RFC822.SIZE ${small.length} ${envelope(2, "small")} BODY[] {${small.length}}\r\n${small})\r\n`,
          `${tag} OK done\r\n`, // UID 3 not answered (expunged meanwhile): fetched by a later run
        ].join("");
  assert.deepEqual(await fetchExpecting([big, small]), [
    "UID FETCH 1:3 (UID RFC822.SIZE ENVELOPE BODY.PEEK[])",
    "LOGOUT",
  ]);
});

it("a big body before its UID and without RFC822.SIZE is fetched on its own all the same", async () => {
  commands = [];
  exists = 4;
  const big = message(2, 2 * 1024 * 1024);
  answer = (tag, cmd) => {
    if (cmd === "UID FETCH 1:3 (UID RFC822.SIZE ENVELOPE BODY.PEEK[])")
      return `* 2 FETCH (BODY[] {${big.length}}\r\n${big} UID 2)\r\n${tag} OK done\r\n`;
    if (cmd === "UID FETCH 2 (UID BODY.PEEK[])")
      return `* 2 FETCH (UID 2 BODY[] {${big.length}}\r\n${big})\r\n${tag} OK done\r\n`;
    return undefined;
  };
  assert.deepEqual(await fetchExpecting([big]), [
    "UID FETCH 1:3 (UID RFC822.SIZE ENVELOPE BODY.PEEK[])",
    "UID FETCH 2 (UID BODY.PEEK[])",
    "LOGOUT",
  ]);
});

it("UID last, as Exchange Online sends it: with the folder's numbering known, big bodies stream at once", async () => {
  commands = [];
  exists = 3;
  const msgs = [message(1, 2 * 1024 * 1024), message(2, 4000), message(3, 3 * 1024 * 1024)];
  answer = (tag, cmd) =>
    cmd !== "UID FETCH 1:3 (UID RFC822.SIZE ENVELOPE BODY.PEEK[])"
      ? undefined
      : `${msgs
          .map(
            (m, i) =>
              `* ${i + 1} FETCH (RFC822.SIZE ${m.length} ${envelope(i + 1, `see UID ${3 - i}`)} BODY[] {${m.length}}\r\n${m} UID ${i + 1})\r\n`,
          )
          .join("")}${tag} OK done\r\n`;
  assert.deepEqual(await fetchExpecting(msgs), ["UID FETCH 1:3 (UID RFC822.SIZE ENVELOPE BODY.PEEK[])", "LOGOUT"]);
});

it("a sequence number that maps to another UID: that file is dropped, each message delivered with its own bytes", async () => {
  commands = [];
  exists = 3; // the client maps message 2 to UID 2 and message 3 to UID 3; this server numbers them the other way
  const small = message(1, 3000);
  const two = message(2, 5000);
  const three = message(3, 2 * 1024 * 1024);
  answer = (tag, cmd) => {
    if (cmd === "UID FETCH 1:3 (UID RFC822.SIZE ENVELOPE BODY.PEEK[])")
      return [
        `* 1 FETCH (UID 1 BODY[] {${small.length}}\r\n${small})\r\n`,
        // Streams into UID 2's file by the numbering; the response then says UID 3.
        `* 2 FETCH (BODY[] {${three.length}}\r\n${three} UID 3)\r\n`,
        // UID 2, small, in memory: must not land in the file the big body went to.
        `* 3 FETCH (BODY[] {${two.length}}\r\n${two} UID 2)\r\n`,
        `${tag} OK done\r\n`,
      ].join("");
    if (cmd === "UID FETCH 3 (UID BODY.PEEK[])")
      return `* 2 FETCH (UID 3 BODY[] {${three.length}}\r\n${three})\r\n${tag} OK done\r\n`;
    return undefined;
  };
  assert.deepEqual(await fetchExpecting([small, two, three]), [
    "UID FETCH 1:3 (UID RFC822.SIZE ENVELOPE BODY.PEEK[])",
    "UID FETCH 3 (UID BODY.PEEK[])",
    "LOGOUT",
  ]);
});
