/** Mailbox names in modified UTF-7 (RFC 3501 §5.1.3) and quoted strings (§4.3). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { encodeMailboxName, quoteString } from "../../src/imap/utf7.js";

/** Independent decoder (RFC 3501 §5.1.3) to check round trips. */
function decode(s: string): string {
  return s.replace(/&([^-]*)-/g, (_, b64: string) => {
    if (b64 === "") return "&";
    const bytes = Buffer.from(b64.replace(/,/g, "/"), "base64");
    let out = "";
    for (let i = 0; i + 1 < bytes.length; i += 2) out += String.fromCharCode(bytes.readUInt16BE(i));
    return out;
  });
}

describe("encodeMailboxName", () => {
  it("the RFC 3501 §5.1.3 example: ~peter/mail/台北/日本語", () => {
    assert.equal(encodeMailboxName("~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e"), "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
  });

  it("& becomes &- (also next to encoded text)", () => {
    assert.equal(encodeMailboxName("&"), "&-");
    assert.equal(encodeMailboxName("R&D"), "R&-D");
    assert.equal(encodeMailboxName("&\u00e4"), "&-&AOQ-");
  });

  it("German Exchange folder names", () => {
    assert.equal(encodeMailboxName("Gel\u00f6schte Elemente"), "Gel&APY-schte Elemente");
    assert.equal(encodeMailboxName("Entw\u00fcrfe"), "Entw&APw-rfe");
    assert.equal(encodeMailboxName("Postausgang"), "Postausgang");
    assert.equal(encodeMailboxName("\u00c4\u00d6\u00dc\u00df"), "&AMQA1gDcAN8-");
  });

  it("astral-plane characters are encoded as their UTF-16 surrogate pair", () => {
    // U+1F600 = D83D DE00
    assert.equal(encodeMailboxName("a\u{1F600}b"), "a&2D3eAA-b");
    assert.equal(
      encodeMailboxName("\u{1F4E7}\u00e4"),
      `&${Buffer.from([0xd8, 0x3d, 0xdc, 0xe7, 0x00, 0xe4]).toString("base64").replace(/=+$/, "").replace(/\//g, ",")}-`,
    );
  });

  it("uses , instead of / and never pads with =", () => {
    const enc = encodeMailboxName("\u53f0\u5317"); // base64 "U/BTFw" in plain UTF-7
    assert.equal(enc, "&U,BTFw-");
    for (const name of ["\u00e4", "\u00e4\u00f6", "\u00e4\u00f6\u00fc", "\u{1F600}"]) {
      assert.doesNotMatch(encodeMailboxName(name), /[=/]/);
    }
  });

  it("ASCII printables stay as they are; controls and DEL are encoded", () => {
    const printable = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i))
      .filter((c) => c !== "&")
      .join("");
    assert.equal(encodeMailboxName(printable), printable);
    assert.equal(encodeMailboxName("\x7f"), "&AH8-");
    assert.equal(encodeMailboxName("a\tb"), "a&AAk-b");
  });

  it("property: output is printable ASCII and decodes back to the input", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 20 }), (name) => {
        const enc = encodeMailboxName(name);
        assert.match(enc, /^[\x20-\x7e]*$/);
        assert.equal(decode(enc), name);
      }),
      { numRuns: 500 },
    );
  });
});

describe("quoteString", () => {
  it("wraps in quotes and escapes backslash and double quote", () => {
    assert.equal(quoteString("INBOX"), '"INBOX"');
    assert.equal(quoteString(""), '""');
    assert.equal(quoteString('a"b'), '"a\\"b"');
    assert.equal(quoteString("a\\b"), '"a\\\\b"');
    assert.equal(quoteString('\\"'), '"\\\\\\""');
    assert.equal(quoteString("Gel&APY-schte Elemente"), '"Gel&APY-schte Elemente"');
  });

  it("refuses CR, LF and NUL (they cannot be quoted: command injection)", () => {
    for (const bad of ["a\rb", "a\nb", "a\0b", "INBOX\r\nX2 DELETE INBOX"]) {
      assert.throws(() => quoteString(bad), RangeError);
    }
  });
});
