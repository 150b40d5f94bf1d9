/**
 * The sandbox Exchange fake's server-side readers (src/sandbox/exchange/conn.ts, imap-parser.ts): commands with
 * literals read from a socket stand-in at random chunk boundaries, tokenized; quote() read back; sequence sets.
 */
import assert from "node:assert/strict";
import type { Socket } from "node:net";
import fc from "fast-check";
import { LineTooLongError, ServerConn } from "../../../src/sandbox/exchange/conn.js";
import {
  ImapSyntaxError,
  parseSequenceSet,
  quote,
  readCommand,
  str,
  tokenize,
} from "../../../src/sandbox/exchange/imap-parser.js";
import { cuts, hugeNumber, lineText, mutate, mutations, split } from "../gen.js";
import type { FuzzTarget } from "../harness.js";
import { serialize, tree } from "../imap-tokens.js";
import { ChunkSocket } from "../socket.js";

const MAX_LITERAL = 64;
const MAX_TOTAL = 512;

/** Reads commands until EOF or an error, as the IMAP fake's loop does. */
async function readAll(chunks: Buffer[], maxLine: number) {
  const sock = new ChunkSocket(chunks);
  const conn = new ServerConn(sock as unknown as Socket, maxLine);
  sock.start();
  const cmds: unknown[] = [];
  let end = "eof";
  try {
    for (let n = 0; n < 100; n++) {
      const raw = await readCommand(conn, MAX_LITERAL, MAX_TOTAL);
      if (!raw) break;
      let total = 0;
      for (const p of raw.parts) total += Buffer.byteLength(p.text) + (p.literal?.length ?? 0);
      assert.ok(total <= MAX_TOTAL + maxLine, "a command stays within its bounds");
      let toks: unknown;
      try {
        toks = tokenize(raw);
      } catch (e) {
        assert.ok(e instanceof ImapSyntaxError, `unexpected ${String(e)}`);
        toks = e.message;
      }
      cmds.push({ parts: raw.parts.map((p) => [p.text, p.literal?.toString("latin1")]), toks });
    }
  } catch (e) {
    assert.ok(e instanceof ImapSyntaxError || e instanceof LineTooLongError, `unexpected ${String(e)}`);
    end = e.message;
  }
  return { cmds, end, written: sock.written };
}

const seqSet = fc.oneof(
  fc
    .array(
      fc.tuple(
        fc.oneof(fc.nat().map(String), fc.constant("*"), hugeNumber),
        fc.option(fc.oneof(fc.nat().map(String), fc.constant("*"))),
      ),
      { minLength: 1, maxLength: 5 },
    )
    .map((rs) => rs.map(([a, b]) => (b === null ? a : `${a}:${b}`)).join(",")),
  lineText,
);

const word = fc.string({ unit: "grapheme", maxLength: 12 });

export const sandboxImap: FuzzTarget = {
  name: "sandbox-imap",
  covers: "src/sandbox/exchange/imap-parser.ts, conn.ts",
  property: () =>
    fc.asyncProperty(
      fc.array(fc.array(tree, { maxLength: 5 }), { maxLength: 4 }),
      fc.tuple(word, word),
      mutations,
      cuts,
      fc.constantFrom(128, 4096),
      seqSet,
      fc.nat(),
      async (commands, [user, pass], muts, at, maxLine, set, n) => {
        // quote() -> readCommand -> tokenize gives the string back (quoted or as a literal).
        const login = Buffer.from(`A1 LOGIN ${quote(user)} ${quote(pass)}\r\n`);
        const lines = commands.map((toks) =>
          serialize(toks).map((p) => (typeof p === "string" ? Buffer.from(`${p}\r\n`) : p)),
        );
        const bytes = Buffer.concat([login, ...lines.flat()]);
        const mutated = mutate(bytes, muts);
        const whole = await readAll([mutated], maxLine);
        const chunked = await readAll(split(mutated, at), maxLine);
        assert.deepEqual(chunked, whole, "chunk boundaries change nothing");
        if (muts.length === 0 && maxLine === 4096 && Buffer.byteLength(user + pass) < 40) {
          const first = await readAll([login], maxLine);
          const raw = first.cmds[0] as { toks: unknown };
          assert.ok(Array.isArray(raw.toks), String(raw.toks));
          const toks = raw.toks as Parameters<typeof str>[0][];
          assert.deepEqual([str(toks[2]), str(toks[3])], [user, pass]);
        }
        const pred = parseSequenceSet(set, n % 1000);
        if (pred) assert.equal(typeof pred(n % 2000), "boolean");
      },
    ),
};
