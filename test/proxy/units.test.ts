/** Pure parts of the proxy: password hashes, config policy, IMAP tokenizer, SASL PLAIN/LOGIN decoding, logs. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { defaultUpstream, parseProxySection, resolveListeners } from "../../src/proxy/config.js";
import { rewriteImapCapabilities } from "../../src/proxy/frontends/imap.js";
import { ImapCapabilityFilter } from "../../src/proxy/imap-caps-filter.js";
import { createProxyLogger } from "../../src/proxy/log.js";
import { hashPassword, parsePasswordHash, verifyPassword } from "../../src/proxy/password.js";
import { decodeBase64Strict } from "../../src/sasl/base64.js";
import { plainServer } from "../../src/sasl/plain.js";
import { initialResponse } from "../../src/sasl/server.js";
import { str, tokenize as tokenizeRaw } from "../../src/server/imap-command.js";

const FAST = { N: 1024, r: 8, p: 1 };

/** The proxy reads a one-line command as the string values of its tokens. */
const tokenize = (line: string) => tokenizeRaw({ parts: [{ text: line }] }).map(str);

/** The proxy's PLAIN check: the credentials of a PLAIN message, or undefined. */
function parsePlainResponse(b64: string) {
  const r = plainServer().step(b64);
  return "password" in r ? { username: r.user, password: r.password } : undefined;
}

describe("password hashes", () => {
  it("verifies the right password and rejects a wrong one", async () => {
    const h = await hashPassword("right one", FAST);
    assert.match(h, /^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.equal(await verifyPassword("right one", h), true);
    assert.equal(await verifyPassword("right onE", h), false);
  });
  it("refuses malformed or resource-exhausting parameters", () => {
    for (const bad of [
      "plain",
      "scrypt$1000$8$1$c2FsdHNhbHQ=$aGFzaA==",
      "scrypt$2097152$8$1$c2FsdHNhbHQ=$x",
      "bcrypt$1$2$3$4$5",
    ]) {
      assert.throws(() => parsePasswordHash(bad), { code: "CONFIG_INVALID" });
    }
  });
});

describe("proxy config", () => {
  const hash = "scrypt$1024$8$1$c2FsdHNhbHRzYWx0$MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
  const section = (listener: Record<string, unknown>) =>
    parseProxySection({
      listeners: [{ name: "l", protocol: "pop3", listen: { port: 1110 }, ...listener }],
      users: [{ username: "u", passwordHash: hash, account: "a" }],
    });
  it("defaults to 127.0.0.1, no local TLS, and Microsoft's endpoints per protocol", () => {
    const [l] = resolveListeners(section({}), new Set(["a"]));
    assert.equal(l?.listen.host, "127.0.0.1");
    assert.deepEqual(l?.upstream, { host: "outlook.office365.com", port: 995, tls: "implicit" });
    assert.deepEqual(defaultUpstream("smtp"), { host: "smtp.office365.com", port: 587, tls: "starttls" });
    assert.deepEqual(defaultUpstream("imap", "usgov"), { host: "outlook.office365.us", port: 993, tls: "implicit" });
  });
  it("refuses a non-loopback address without local TLS, and TLS without cert/key", () => {
    assert.throws(
      () => resolveListeners(section({ listen: { host: "0.0.0.0", port: 1 } }), new Set(["a"])),
      /without local TLS/,
    );
    assert.throws(() => resolveListeners(section({ localTls: "starttls" }), new Set(["a"])), /needs cert and key/);
    const ok = resolveListeners(
      section({ listen: { host: "0.0.0.0", port: 1 }, localTls: "implicit", cert: "c", key: "k" }),
      new Set(["a"]),
    );
    assert.equal(ok.length, 1);
  });
  it("refuses unknown accounts and unknown keys", () => {
    assert.throws(() => resolveListeners(section({}), new Set(["other"])), /account "a" is not defined/);
    assert.throws(() => section({ bogus: 1 }), { code: "CONFIG_INVALID" });
  });
});

describe("IMAP tokenizer", () => {
  it("splits atoms and quoted strings with escapes", () => {
    assert.deepEqual(tokenize('a1 LOGIN "us er" "p\\"a\\\\ss"'), ["a1", "LOGIN", "us er", 'p"a\\ss']);
  });
  it("round-trips any quoted string (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 50 }).filter((s) => !/[\r\n]/.test(s)),
        (s) => {
          const q = `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
          assert.deepEqual(tokenize(`t LOGIN ${q} x`), ["t", "LOGIN", s, "x"]);
        },
      ),
    );
  });
  it("hides the proxy's own auth capabilities after login", () => {
    assert.deepEqual(rewriteImapCapabilities(["IMAP4rev1", "AUTH=XOAUTH2", "SASL-IR", "STARTTLS", "IDLE"]), [
      "IMAP4rev1",
      "IDLE",
    ]);
  });
});

describe("SASL decoding", () => {
  it("parses PLAIN with and without authzid, refuses impersonation and junk", () => {
    const b = (s: string) => Buffer.from(s).toString("base64");
    assert.deepEqual(parsePlainResponse(b("\0u\0p w")), { username: "u", password: "p w" });
    assert.deepEqual(parsePlainResponse(b("u\0u\0p")), { username: "u", password: "p" });
    assert.equal(parsePlainResponse(b("admin\0u\0p")), undefined);
    assert.equal(parsePlainResponse(b("\0u\0")), undefined);
    assert.equal(parsePlainResponse("!!!"), undefined);
    assert.equal(decodeBase64Strict("abc"), undefined);
    assert.equal(initialResponse("="), "");
  });
});

describe("proxy logs", () => {
  it("writes JSON records with the documented fields and redacts tokens in messages", () => {
    const lines: string[] = [];
    const log = createProxyLogger("json", (l) => lines.push(l));
    log({
      level: "info",
      session: "s1",
      listener: "pop3",
      event: "close",
      bytesUp: 1,
      bytesDown: 2,
      outcome: "ok",
      message: "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl",
    });
    const rec = JSON.parse(lines[0] ?? "{}");
    assert.equal(rec.event, "close");
    assert.equal(rec.bytesDown, 2);
    assert.equal(rec.message, "<redacted>");
    assert.match(rec.ts, /^\d{4}-\d\d-\d\dT/);
  });
});

describe("ImapCapabilityFilter", () => {
  const caps = "IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS IDLE";
  const input = Buffer.from(
    [
      `* CAPABILITY ${caps}\r\n`,
      `* 1 FETCH (UID 7 BODY[] {${`* CAPABILITY ${caps}\r\n`.length}}\r\n* CAPABILITY ${caps}\r\n)\r\n`,
      `* OK [CAPABILITY ${caps}] still here\r\n`,
      "a7 OK [CAPABILITY IMAP4rev1 SASL-IR] done\r\n",
      "* 2 EXISTS\r\n",
    ].join(""),
    "latin1",
  );
  const expected = [
    "* CAPABILITY IMAP4rev1 UIDPLUS IDLE\r\n",
    `* 1 FETCH (UID 7 BODY[] {${`* CAPABILITY ${caps}\r\n`.length}}\r\n* CAPABILITY ${caps}\r\n)\r\n`,
    "* OK [CAPABILITY IMAP4rev1 UIDPLUS IDLE] still here\r\n",
    "a7 OK [CAPABILITY IMAP4rev1] done\r\n",
    "* 2 EXISTS\r\n",
  ].join("");

  it("filters capability lines, never literal content, whatever the chunking", () => {
    for (const size of [1, 2, 3, 7, 64, input.length]) {
      const f = new ImapCapabilityFilter();
      const out: Buffer[] = [];
      for (let i = 0; i < input.length; i += size) out.push(f.feed(input.subarray(i, i + size)));
      out.push(f.flush());
      assert.equal(Buffer.concat(out).toString("latin1"), expected, `chunk size ${size}`);
    }
  });

  it("passes other bytes unchanged, an unfinished last line included", () => {
    const f = new ImapCapabilityFilter();
    const data = Buffer.from("* 3 FETCH (FLAGS (\\Seen))\r\n* 4 EXPUNGE\r\npartial", "latin1");
    assert.equal(Buffer.concat([f.feed(data), f.flush()]).toString("latin1"), data.toString("latin1"));
  });
});
