/**
 * The sandbox Exchange fake's server-side readers (src/sandbox/exchange/conn.ts over src/net/line-reader.ts, and
 * src/server/imap-command.ts): commands with literals read from a socket stand-in at random chunk boundaries,
 * tokenized; the fake's quote() read back; sequence sets.
 */
import assert from "node:assert/strict";
import type { Socket } from "node:net";
import fc from "fast-check";
import { LineTooLongError } from "../../../../src/net/line-reader.js";
import { ServerConn } from "../../../../src/sandbox/exchange/conn.js";
import { parseSequenceSet, quote } from "../../../../src/sandbox/exchange/imap-parser.js";
import { ImapSyntaxError, readImapCommand, str } from "../../../../src/server/imap-command.js";
import type { FuzzTarget } from "../fuzz-runner.js";
import { cuts, hugeNumber, lineText, mutate, mutations, split } from "../gen.js";
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
  const limits = { maxLiteral: MAX_LITERAL, maxTotal: MAX_TOTAL, continuation: "Ready." };
  for (let n = 0; n < 100; n++) {
    try {
      const cmd = await readImapCommand(conn, limits);
      if (!cmd) break;
      assert.ok(cmd.size <= MAX_TOTAL + maxLine, "a command stays within its bounds");
      cmds.push(cmd);
    } catch (e) {
      if (e instanceof ImapSyntaxError) {
        cmds.push(e.message); // the fake answers BAD and reads on
        continue;
      }
      assert.ok(e instanceof LineTooLongError, `unexpected ${String(e)}`);
      end = e.message;
      break;
    }
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
  covers: "src/server/imap-command.ts, src/sandbox/exchange/conn.ts, imap-parser.ts, src/net/line-reader.ts",
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
          const cmd = first.cmds[0] as { name: string; args: Parameters<typeof str>[0][] };
          assert.equal(cmd.name, "LOGIN", JSON.stringify(cmd));
          assert.deepEqual([str(cmd.args[0]), str(cmd.args[1])], [user, pass]);
        }
        const pred = parseSequenceSet(set, n % 1000);
        if (pred) assert.equal(typeof pred(n % 2000), "boolean");
      },
    ),
};
