/** The server-side IMAP command reader the proxy and the sandbox fake share (src/server/imap-command.ts). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type CommandSource, ImapSyntaxError, readImapCommand, str, tokenize } from "../../src/server/imap-command.js";

/** A scripted client: lines and literal bytes in order; what the server writes is recorded. */
function source(input: string): CommandSource & { written: string[] } {
  let rest = Buffer.from(input);
  const written: string[] = [];
  return {
    written,
    async line() {
      const nl = rest.indexOf("\r\n");
      if (nl < 0) return null;
      const l = rest.subarray(0, nl).toString("utf8");
      rest = rest.subarray(nl + 2);
      return l;
    },
    async bytes(n) {
      if (rest.length < n) return null;
      const b = rest.subarray(0, n);
      rest = rest.subarray(n);
      return Buffer.from(b);
    },
    write: (t) => written.push(t),
  };
}
const LIMITS = { maxLiteral: 100, maxLiterals: 2, continuation: "go" };
const text = (s: string) => tokenize({ parts: [{ text: s }] });

describe("IMAP command tokenizer", () => {
  it("keeps [ and ] inside ordinary atoms (a password sent as an atom), sections only after BODY / BINARY", () => {
    assert.deepEqual(text("a LOGIN us[er pa]ss").map(str), ["a", "LOGIN", "us[er", "pa]ss"]);
    assert.deepEqual(text("a FETCH 1 (BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.10> FLAGS)")[3], {
      t: "list",
      v: [
        { t: "atom", v: "BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.10>" },
        { t: "atom", v: "FLAGS" },
      ],
    });
    assert.throws(() => text("a FETCH 1 BODY[HEADER"), ImapSyntaxError);
  });
  it("nests lists, bounds the depth, refuses unbalanced parentheses", () => {
    assert.deepEqual(text('t ID ("name" NIL)')[2], {
      t: "list",
      v: [
        { t: "string", v: "name" },
        { t: "atom", v: "NIL" },
      ],
    });
    assert.throws(() => text(`t X ${"(".repeat(40)}`), /nested too deep/);
    assert.throws(() => text("t X )"), /Unbalanced/);
  });
});

describe("IMAP command reader", () => {
  it("reads synchronizing and non-synchronizing literals, asking only for the synchronizing one", async () => {
    const src = source("a1 LOGIN {5}\r\nalice {6+}\r\nsecret\r\n");
    const cmd = await readImapCommand(src, LIMITS);
    assert.deepEqual([cmd?.tag, cmd?.name, cmd?.args.map(str)], ["a1", "LOGIN", ["alice", "secret"]]);
    assert.deepEqual(src.written, ["+ go\r\n"]);
  });
  it("refuses a bad tag, an oversized literal and too many literals before reading them, with the tag when known", async () => {
    await assert.rejects(readImapCommand(source("+x NOOP\r\n"), LIMITS), { message: "Invalid tag.", tag: undefined });
    const big = source("a LOGIN {101}\r\n");
    await assert.rejects(readImapCommand(big, LIMITS), { tag: "a", message: /Literal too large/ });
    assert.deepEqual(big.written, []);
    const many = source("a X {1+}\r\n1 {1+}\r\n2 {1+}\r\n3\r\n");
    await assert.rejects(readImapCommand(many, LIMITS), { tag: "a", message: /too many literals/ });
    await assert.rejects(readImapCommand(source("a\r\n"), LIMITS), { tag: "a", message: "Missing command." });
  });
  it("ends with null at the end of input, also inside a literal", async () => {
    assert.equal(await readImapCommand(source(""), LIMITS), null);
    assert.equal(await readImapCommand(source("a LOGIN {9+}\r\nabc"), LIMITS), null);
  });
});
