/** POP3 client: framer (src/pop3/framer.ts), reply parsers (parser.ts), body stream (body.ts). */
import assert from "node:assert/strict";
import fc from "fast-check";
import { LIMITS } from "../../../../src/limits.js";
import { BodyStream } from "../../../../src/pop3/body.js";
import { type FramerLimits, Pop3Framer } from "../../../../src/pop3/framer.js";
import { parseCapa, parseListLine, parseReply, parseStat, parseUidlLine } from "../../../../src/pop3/parser.js";
import { assertTyped, type FuzzTarget, outcome } from "../fuzz-runner.js";
import { cuts, hugeNumber, lineText, mutate, mutations, split } from "../gen.js";

type Ev = ["line", string] | ["data", string] | ["body", string] | ["end"];

/** One server reply: a status line, a multi-line text reply, or a message body (RFC 1939 §3). */
const reply = fc.oneof(
  fc.tuple(fc.constantFrom("+OK", "-ERR", "+", "+OK [SYS/TEMP]", "-ERR [AUTH]", ""), lineText).map(([s, t]) => ({
    kind: "line" as const,
    line: `${s} ${t}`.replace(/^\+OK [LB]/, "+OK x"),
  })),
  fc.array(lineText, { maxLength: 8 }).map((lines) => ({ kind: "lines" as const, lines })),
  fc
    .array(
      fc.oneof(
        fc.constantFrom(".", "..", "\r\n", "\r\n.", "\r\n.\r\n", "\r", "\n", ".\r", "\r\n..\r\n", "\xff\x00"),
        fc.uint8Array({ maxLength: 24 }).map((a) => Buffer.from(a).toString("latin1")),
      ),
      { maxLength: 24 },
    )
    .map((p) => ({ kind: "body" as const, msg: Buffer.from(p.join(""), "latin1") })),
);
type Reply = typeof reply extends fc.Arbitrary<infer R> ? R : never;

const endsCrlf = (b: Buffer) => b.length === 0 || b.subarray(-2).toString("latin1") === "\r\n";

/** Server-side dot-stuffing: a dot at the start of a line (after CRLF) is doubled; then the terminator. */
function stuffBody(msg: Buffer): Buffer {
  const out: Buffer[] = [];
  let lineStart = true;
  for (let i = 0; i < msg.length; i++) {
    if (lineStart && msg[i] === 0x2e) out.push(Buffer.from("."));
    out.push(msg.subarray(i, i + 1));
    lineStart = msg[i] === 10 && i > 0 && msg[i - 1] === 13;
  }
  out.push(Buffer.from(endsCrlf(msg) ? ".\r\n" : "\r\n.\r\n"));
  return Buffer.concat(out);
}

/** The wire bytes and the events a correct framer produces for them. */
function render(replies: readonly Reply[]): { wire: Buffer; events: Ev[] } {
  const wire: Buffer[] = [];
  const events: Ev[] = [];
  for (const r of replies) {
    if (r.kind === "line") {
      wire.push(Buffer.from(`${r.line}\r\n`));
      events.push(["line", r.line]);
      continue;
    }
    const head = r.kind === "lines" ? "+OK L" : "+OK B";
    wire.push(Buffer.from(`${head}\r\n`));
    events.push(["line", head]);
    if (r.kind === "lines") {
      for (const l of r.lines) {
        wire.push(Buffer.from(`${l.startsWith(".") ? "." : ""}${l}\r\n`));
        events.push(["data", l]);
      }
      wire.push(Buffer.from(".\r\n"));
    } else {
      wire.push(stuffBody(r.msg));
      const body = endsCrlf(r.msg) ? r.msg : Buffer.concat([r.msg, Buffer.from("\r\n")]);
      if (body.length > 0) events.push(["body", body.toString("latin1")]);
    }
    events.push(["end"]);
  }
  return { wire: Buffer.concat(wire), events };
}

/** Feeds chunks like the session does: `+OK L` / `+OK B` switch the mode, a held body is released at once. */
function drive(chunks: readonly Buffer[], limits: FramerLimits): { events: Ev[]; error?: string } {
  const events: Ev[] = [];
  let data = 0;
  let body = 0;
  const f = new Pop3Framer(
    {
      onLine: (l) => {
        // (in UTF-16 units: a byte never decodes to more than one, and an invalid byte becomes one U+FFFD)
        assert.ok(l.length <= limits.maxLineBytes, "line longer than maxLineBytes");
        events.push(["line", l]);
        if (l === "+OK L") f.expect("lines");
        if (l === "+OK B") f.expect("body");
      },
      onDataLine: (l) => {
        data += l.length;
        assert.ok(data <= limits.maxMultilineReplyBytes, "multi-line reply larger than its limit");
        events.push(["data", l]);
      },
      onBody: (b) => {
        body += b.length;
        assert.ok(body <= limits.maxMessageBytes, "body larger than maxMessageBytes");
        const last = events.at(-1);
        if (last?.[0] === "body") last[1] += b.toString("latin1");
        else events.push(["body", b.toString("latin1")]);
      },
      onEnd: () => {
        data = 0;
        body = 0;
        events.push(["end"]);
      },
    },
    limits,
  );
  try {
    for (const c of chunks) {
      f.feed(c);
      while (f.isHeld) f.release();
      assert.ok(f.buffered <= limits.maxLineBytes, `framer holds ${f.buffered} bytes of an unfinished line`);
    }
  } catch (e) {
    return { events, error: assertTyped(e, ["LIMIT_EXCEEDED"]).code };
  }
  return { events };
}

const framerLimits: fc.Arbitrary<FramerLimits> = fc.oneof(
  fc.constant({ ...LIMITS }),
  fc.record({
    maxLineBytes: fc.integer({ min: 8, max: 128 }),
    maxMultilineReplyBytes: fc.integer({ min: 16, max: 256 }),
    maxMessageBytes: fc.integer({ min: 16, max: 512 }),
  }),
);

export const pop3Framer: FuzzTarget = {
  name: "pop3-framer",
  covers: "src/pop3/framer.ts",
  property: () =>
    fc.property(fc.array(reply, { maxLength: 8 }), mutations, cuts, framerLimits, (replies, muts, at, limits) => {
      const { wire, events } = render(replies);
      const bytes = mutate(wire, muts);
      const whole = drive([bytes], limits);
      const chunked = drive(split(bytes, at), limits);
      // Chunk boundaries change nothing: same events, same error (a body is compared up to where it stopped).
      assert.equal(chunked.error, whole.error);
      if (!whole.error) assert.deepEqual(chunked.events, whole.events);
      if (muts.length === 0 && limits.maxLineBytes === LIMITS.maxLineBytes) {
        assert.equal(whole.error, undefined);
        assert.deepEqual(whole.events, events, "valid replies come out exactly as sent");
      }
    }),
};

const statusLine = fc
  .tuple(
    fc.constantFrom("+OK", "-ERR", "+ok", "-err", "+", "+ ", "+OKAY", "-", "*", ""),
    fc.constantFrom("", " ", "  ", "\t"),
    fc.oneof(
      fc.constant(""),
      fc.string({ maxLength: 70 }).map((c) => `[${c}]`),
      fc.constantFrom("[SYS/TEMP]", "[AUTH]", "[IN-USE]", "[", "[]", "[a b]"),
    ),
    lineText,
  )
  .map(([s, sp, code, text]) => `${s}${sp}${code} ${text}`);

const listLine = fc
  .tuple(fc.oneof(fc.nat().map(String), hugeNumber, lineText), fc.constantFrom(" ", "  ", "\t", ""), lineText)
  .map(([a, sp, b]) => `${a}${sp}${b}`);

export const pop3Parser: FuzzTarget = {
  name: "pop3-parser",
  covers: "src/pop3/parser.ts",
  property: () =>
    fc.property(fc.oneof(statusLine, listLine, lineText), fc.array(lineText, { maxLength: 6 }), (line, capa) => {
      const r = outcome(() => parseReply(line), ["PROTOCOL_ERROR"]);
      if (r.ok) {
        assert.equal(r.value.raw, line);
        assert.ok(r.value.respCode === undefined || /^[^\]\s]{1,64}$/.test(r.value.respCode));
      }
      for (const p of [parseListLine, parseUidlLine]) {
        const e = outcome(() => p(line), ["PROTOCOL_ERROR"]);
        if (e.ok) assert.ok(Number.isSafeInteger(e.value.n) && e.value.n >= 0);
      }
      const s = outcome(() => parseStat(line), ["PROTOCOL_ERROR"]);
      if (s.ok) assert.ok(Number.isSafeInteger(s.value.count) && Number.isSafeInteger(s.value.size));
      const caps = parseCapa([...capa, line]);
      assert.ok(caps.sasl.every((m) => m.length > 0 && !/\s/.test(m)));
      assert.ok(caps.loginDelay === undefined || Number.isSafeInteger(caps.loginDelay));
    }),
};

/** BodyStream: whatever the chunking and the reader's pace, the reader gets the bytes in order, `consumed` once. */
export const pop3Body: FuzzTarget = {
  name: "pop3-body",
  covers: "src/pop3/body.ts",
  property: () =>
    fc.asyncProperty(
      fc.array(
        fc.uint8Array({ maxLength: 40_000 }).map((a) => Buffer.from(a)),
        { maxLength: 8 },
      ),
      fc.constantFrom("read", "slow", "destroy"),
      async (chunks, reader) => {
        let paused = 0;
        let resumed = 0;
        const s = new BodyStream({ pause: () => paused++, resume: () => resumed++ });
        let consumed = 0;
        const done = new Promise<void>((r) => {
          for (const c of chunks) s.push(c);
          s.end(() => {
            consumed++;
            r();
          });
        });
        const got: Buffer[] = [];
        if (reader === "destroy") s.readable.destroy();
        else
          for await (const c of s.readable) {
            got.push(c as Buffer);
            if (reader === "slow") await new Promise((r) => setImmediate(r));
          }
        await done;
        await new Promise((r) => setImmediate(r));
        assert.equal(consumed, 1, "consumed runs exactly once");
        assert.equal(paused, resumed, "the socket is not left paused");
        if (reader !== "destroy") assert.deepEqual(Buffer.concat(got), Buffer.concat(chunks));
      },
    ),
};
