/** ImapSession against a scripted plain-TCP server on 127.0.0.1: greeting, commands, literals, timeouts, STARTTLS. */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import net from "node:net";
import { Writable } from "node:stream";
import { afterEach, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { ImapSession, type ImapTimeouts, type Untagged } from "../../src/imap/imap-session.js";
import { LIMITS } from "../../src/limits.js";
import { rejects } from "../harness/rejects.js";

/** The server side of one connection: what the client sent, line by line, and a way to answer. */
interface Peer {
  sock: net.Socket;
  next(): Promise<string>;
  send(data: string | Buffer): boolean;
  /** Every line received so far. */
  lines: string[];
}

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Starts a server running `script` for its first connection; returns a session connected to it. */
async function scripted(
  script: (p: Peer) => Promise<void>,
  timeouts: Partial<ImapTimeouts> = {},
): Promise<{ session: ImapSession; client: net.Socket; peer: Promise<Peer>; done: Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let gotPeer: (p: Peer) => void = () => {};
  const peer = new Promise<Peer>((r) => {
    gotPeer = r;
  });
  let finished: () => void = () => {};
  let failed: (e: unknown) => void = () => {};
  const done = new Promise<void>((res, rej) => {
    finished = res;
    failed = rej;
  });
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on("error", () => {});
    let buf = "";
    const lines: string[] = [];
    const queue: string[] = [];
    const waiters: ((l: string) => void)[] = [];
    sock.on("data", (d: Buffer) => {
      buf += d.toString("latin1");
      for (let i = buf.indexOf("\r\n"); i >= 0; i = buf.indexOf("\r\n")) {
        const l = buf.slice(0, i);
        buf = buf.slice(i + 2);
        lines.push(l);
        const w = waiters.shift();
        if (w) w(l);
        else queue.push(l);
      }
    });
    const p: Peer = {
      sock,
      lines,
      next: () => {
        const l = queue.shift();
        return l !== undefined ? Promise.resolve(l) : new Promise<string>((r) => waiters.push(r));
      },
      send: (data) => sock.write(data),
    };
    gotPeer(p);
    script(p).then(finished, failed);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  const client = net.connect({ host: "127.0.0.1", port });
  client.on("error", () => {});
  const session = new ImapSession(client, { host: "127.0.0.1", port }, timeouts);
  done.catch(() => {});
  cleanups.push(async () => {
    session.close();
    client.destroy();
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return { session, client, peer, done };
}

const GREETING = "* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2] Dovecot ready.\r\n";

/** Greets, then answers each command with `reply(line)` (string to send), forever. */
function greetThen(reply: (line: string, p: Peer) => string | Promise<string>) {
  return async (p: Peer) => {
    p.send(GREETING);
    for (;;) {
      const line = await p.next();
      p.send(await reply(line, p));
    }
  };
}

describe("ImapSession greeting", () => {
  it("`* OK` resolves with the greeting text", async () => {
    const { session } = await scripted(async (p) => {
      p.send(GREETING);
    });
    assert.equal(await session.greeting, "Dovecot ready.");
    assert.equal(session.failed, undefined);
  });

  it("`* PREAUTH` resolves too", async () => {
    const { session } = await scripted(async (p) => {
      p.send("* PREAUTH [CAPABILITY IMAP4rev1] Logged in as erp\r\n");
    });
    assert.equal(await session.greeting, "Logged in as erp");
  });

  it("`* BYE` rejects with PROTOCOL_ERROR naming the BYE text, and later commands fail with it", async () => {
    const { session } = await scripted(async (p) => {
      p.send("* BYE Too many connections from 127.0.0.1\r\n");
    });
    const err = await rejects(session.greeting);
    assert.equal(err.code, "PROTOCOL_ERROR");
    assert.match(err.message, /refused the session: BYE Too many connections/);
    assert.equal(session.bye, "Too many connections from 127.0.0.1");
    assert.equal(session.failed, err);
    assert.equal(await rejects(session.run({ line: "NOOP" })), err);
  });

  it("a greeting that is no status (a tagged line) is PROTOCOL_ERROR", async () => {
    const { session } = await scripted(async (p) => {
      p.send("* CAPABILITY IMAP4rev1\r\n");
    });
    const err = await rejects(session.greeting);
    assert.equal(err.code, "PROTOCOL_ERROR");
    assert.match(err.message, /no greeting/);
  });

  it("no greeting within greetingMs is TIMEOUT", async () => {
    const { session } = await scripted(async () => {}, { greetingMs: 100 });
    const t0 = Date.now();
    const err = await rejects(session.greeting);
    assert.equal(err.code, "TIMEOUT");
    assert.match(err.message, /127\.0\.0\.1:\d+ did not answer in time \(greeting\)/);
    assert.ok(Date.now() - t0 >= 90);
  });
});

describe("ImapSession commands", () => {
  it("hands untagged responses to the command in order, then resolves with the tagged OK; tags count up", async () => {
    const { session, peer } = await scripted(
      greetThen((line) => {
        const tag = line.split(" ")[0];
        if (line.endsWith("SELECT INBOX")) {
          return `* FLAGS (\\Answered \\Seen)\r\n* 3 EXISTS\r\n* OK [UIDVALIDITY 1700000000] UIDs valid\r\n${tag} OK [READ-WRITE] Select completed (0.001 + 0.000 secs).\r\n`;
        }
        return `${tag} OK NOOP completed.\r\n`;
      }),
    );
    await session.greeting;
    const seen: Untagged[] = [];
    const t = await session.run({ line: "SELECT INBOX", onUntagged: (r) => void seen.push(r) });
    assert.deepEqual(t, {
      tag: "X1",
      status: "OK",
      code: "READ-WRITE",
      text: "Select completed (0.001 + 0.000 secs).",
    });
    assert.equal(session.lastTagged, "OK [READ-WRITE] Select completed (0.001 + 0.000 secs).");
    assert.deepEqual(
      seen.map((r) => r.head),
      [
        { kind: "data", type: "FLAGS", rest: "(\\Answered \\Seen)" },
        { kind: "numeric", n: 3, type: "EXISTS" },
        { kind: "status", status: "OK", code: "UIDVALIDITY", codeArgs: "1700000000", text: "UIDs valid" },
      ],
    );
    assert.deepEqual(seen[1]?.segments, ["* 3 EXISTS"]);
    const t2 = await session.run({ line: "NOOP" });
    assert.equal(t2.tag, "X2");
    assert.deepEqual((await peer).lines, ["X1 SELECT INBOX", "X2 NOOP"]);
  });

  it("NO and BAD resolve (not reject) with their status", async () => {
    const { session } = await scripted(
      greetThen((line) => {
        const tag = line.split(" ")[0];
        return line.includes("SELECT")
          ? `${tag} BAD User is authenticated but not connected.\r\n`
          : `${tag} NO [AUTHENTICATIONFAILED] AUTHENTICATE failed.\r\n`;
      }),
    );
    await session.greeting;
    assert.deepEqual(await session.run({ line: "SELECT INBOX" }), {
      tag: "X1",
      status: "BAD",
      text: "User is authenticated but not connected.",
    });
    const no = await session.run({ line: "AUTHENTICATE XOAUTH2 abc" });
    assert.equal(no.status, "NO");
    assert.equal(no.code, "AUTHENTICATIONFAILED");
    assert.equal(session.lastTagged, "NO [AUTHENTICATIONFAILED] AUTHENTICATE failed.");
    assert.equal(session.failed, undefined);
  });

  it("a continuation request gets onContinue's answer; the trace hides it and shows traceLine", async () => {
    const trace: { dir: string; line: string }[] = [];
    const sockets: net.Socket[] = [];
    const server = net.createServer(async (sock) => {
      sockets.push(sock);
      let buf = "";
      const got: string[] = [];
      sock.on("data", (d) => {
        buf += d.toString();
        while (buf.includes("\r\n")) {
          const i = buf.indexOf("\r\n");
          got.push(buf.slice(0, i));
          buf = buf.slice(i + 2);
          if (got.length === 1) sock.write("+ \r\n");
          if (got.length === 2) sock.write("+ eyJzdGF0dXMiOiI0MDEifQ==\r\n");
          if (got.length === 3) sock.write(`X1 NO [AUTHENTICATIONFAILED] ${JSON.stringify(got)}\r\n`);
        }
      });
      sock.write(GREETING);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as net.AddressInfo).port;
    const client = net.connect({ host: "127.0.0.1", port });
    const session = new ImapSession(client, { host: "127.0.0.1", port }, {}, (e) => trace.push(e));
    cleanups.push(async () => {
      session.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    });
    await session.greeting;
    const asked: string[] = [];
    const t = await session.run({
      line: "AUTHENTICATE XOAUTH2",
      traceLine: "AUTHENTICATE XOAUTH2 (shown)",
      onContinue: (text) => {
        asked.push(text);
        return asked.length === 1 ? "c2VjcmV0LXNhc2w=" : "";
      },
    });
    assert.deepEqual(asked, ["", "eyJzdGF0dXMiOiI0MDEifQ=="]);
    assert.equal(t.status, "NO");
    assert.equal(t.text, JSON.stringify(["X1 AUTHENTICATE XOAUTH2", "c2VjcmV0LXNhc2w=", ""]));
    const sent = trace.filter((e) => e.dir === "c").map((e) => e.line);
    assert.deepEqual(sent, ["X1 AUTHENTICATE XOAUTH2 (shown)", "(continuation data hidden)", ""]);
    assert.ok(!JSON.stringify(trace.filter((e) => e.dir === "c")).includes("c2VjcmV0LXNhc2w="));
  });

  it("a continuation request without onContinue is PROTOCOL_ERROR", async () => {
    const { session } = await scripted(greetThen(() => "+ go ahead\r\n"));
    await session.greeting;
    const err = await rejects(session.run({ line: "NOOP" }));
    assert.equal(err.code, "PROTOCOL_ERROR");
    assert.match(err.message, /continuation/);
  });

  it("a tagged reply with an unknown tag is PROTOCOL_ERROR", async () => {
    const { session } = await scripted(greetThen(() => "X7 OK NOOP completed.\r\n"));
    await session.greeting;
    const err = await rejects(session.run({ line: "NOOP" }));
    assert.equal(err.code, "PROTOCOL_ERROR");
    assert.match(err.message, /unknown tag X7/);
  });

  it("a line that is neither untagged, continuation nor tagged status is PROTOCOL_ERROR", async () => {
    const { session } = await scripted(greetThen(() => "garbage\r\n"));
    await session.greeting;
    const err = await rejects(session.run({ line: "NOOP" }));
    assert.equal(err.code, "PROTOCOL_ERROR");
    assert.match(err.message, /Unexpected IMAP server line: garbage/);
  });

  it("a second command while one runs waits its turn: one command on the wire at a time, answers in order", async () => {
    let linesWhenFirstAnswered = -1;
    const { session } = await scripted(
      greetThen(async (line, p) => {
        await sleep(30);
        if (linesWhenFirstAnswered < 0) linesWhenFirstAnswered = p.lines.length;
        return `${line.split(" ")[0]} OK ${line.split(" ")[1]}\r\n`;
      }),
    );
    await session.greeting;
    const first = session.run({ line: "NOOP" });
    const second = session.run({ line: "CHECK" });
    const [a, b] = await Promise.all([first, second]);
    assert.deepEqual([a.text, b.text], ["NOOP", "CHECK"]);
    assert.equal(linesWhenFirstAnswered, 1, "the second command was sent only after the first was answered");
  });

  it("no answer within commandMs is TIMEOUT", async () => {
    const { session } = await scripted(
      async (p) => {
        p.send(GREETING);
        await p.next(); // never answers
      },
      { commandMs: 100 },
    );
    await session.greeting;
    const err = await rejects(session.run({ line: "NOOP" }));
    assert.equal(err.code, "TIMEOUT");
    assert.match(err.message, /127\.0\.0\.1:\d+ did not answer in time/);
    assert.equal(err.details.params?.host, "127.0.0.1");
  });

  it("`* BYE` then close is CONNECTION_CLOSED mentioning the BYE text", async () => {
    const { session } = await scripted(async (p) => {
      p.send(GREETING);
      await p.next();
      p.send("* BYE Server shutting down.\r\n");
      p.sock.end();
    });
    await session.greeting;
    const err = await rejects(session.run({ line: "NOOP" }));
    assert.equal(err.code, "CONNECTION_CLOSED");
    assert.match(err.message, /closed the connection \(BYE Server shutting down\.\)/);
    assert.equal(session.bye, "Server shutting down.");
  });

  it("untagged responses outside a command go to onUnsolicited", async () => {
    const { session } = await scripted(async (p) => {
      p.send(`${GREETING}* 4 EXISTS\r\n`);
    });
    const got: Untagged[] = [];
    session.onUnsolicited = (r) => void got.push(r);
    await session.greeting;
    for (let i = 0; i < 50 && got.length === 0; i++) await sleep(5);
    assert.deepEqual(
      got.map((r) => r.head),
      [{ kind: "numeric", n: 4, type: "EXISTS" }],
    );
  });

  it("async onUntagged handlers run one at a time, in order, before the tagged reply resolves", async () => {
    const { session } = await scripted(
      greetThen((line) => `* 1 EXISTS\r\n* 2 EXISTS\r\n* 3 EXISTS\r\n${line.split(" ")[0]} OK done\r\n`),
    );
    await session.greeting;
    const log: string[] = [];
    await session.run({
      line: "NOOP",
      onUntagged: async (r) => {
        const n = r.head.kind === "numeric" ? r.head.n : -1;
        log.push(`start ${n}`);
        await sleep(10);
        log.push(`end ${n}`);
      },
    });
    assert.deepEqual(log, ["start 1", "end 1", "start 2", "end 2", "start 3", "end 3"]);
  });

  it("a `* SEARCH` line over maxLineBytes is LIMIT_EXCEEDED, unless the command allows long lines", async () => {
    const uids = Array.from({ length: 15_000 }, (_, i) => i + 1).join(" "); // ~78 KB
    assert.ok(uids.length > LIMITS.maxLineBytes);
    const reply = (line: string) => `* SEARCH ${uids}\r\n${line.split(" ")[0]} OK Search completed.\r\n`;
    const long = await scripted(greetThen(reply));
    await long.session.greeting;
    let got = "";
    const t = await long.session.run({
      line: "UID SEARCH ALL",
      longLines: true,
      onUntagged: (r) => {
        if (r.head.kind === "data") got = r.head.rest;
      },
    });
    assert.equal(t.status, "OK");
    assert.equal(got, uids);

    const short = await scripted(greetThen(reply));
    await short.session.greeting;
    const err = await rejects(short.session.run({ line: "UID SEARCH ALL" }));
    assert.equal(err.code, "LIMIT_EXCEEDED");
  });
});

describe("ImapSession literals", () => {
  it("a small literal without a sink is kept as a Buffer segment of the response", async () => {
    const { session } = await scripted(
      greetThen(
        (line) => `* 1 FETCH (UID 5 BODY[] {8}\r\nab\r\ncd\r\n FLAGS (\\Seen))\r\n${line.split(" ")[0]} OK done\r\n`,
      ),
    );
    await session.greeting;
    const seen: Untagged[] = [];
    await session.run({ line: "UID FETCH 5 (BODY.PEEK[])", onUntagged: (r) => void seen.push(r) });
    assert.equal(seen.length, 1);
    assert.deepEqual(seen[0]?.segments, [
      "* 1 FETCH (UID 5 BODY[] {8}",
      Buffer.from("ab\r\ncd\r\n"),
      " FLAGS (\\Seen))",
    ]);
  });

  it("a literal over maxImapLiteralBytes without a sink is LIMIT_EXCEEDED", async () => {
    const { session } = await scripted(
      greetThen(() => `* 1 FETCH (UID 5 BODY[] {${LIMITS.maxImapLiteralBytes + 1}}\r\n`),
      { commandMs: 3000 }, // without the limit the session would wait for the bytes: fail fast instead
    );
    await session.greeting;
    const err = await rejects(session.run({ line: "UID FETCH 5 (BODY.PEEK[])" }));
    assert.equal(err.code, "LIMIT_EXCEEDED");
    assert.match(err.message, new RegExp(`literal larger than ${LIMITS.maxImapLiteralBytes} bytes`));
  });

  it("a body literal streams to a slow Writable in order, with the socket paused while the sink is full", async () => {
    const body = randomBytes(LIMITS.maxImapLiteralBytes + 1024 * 1024); // more than may be kept in memory
    let serverWriteFull = false;
    const { session, client } = await scripted(async (p) => {
      p.send(GREETING);
      const line = await p.next();
      const tag = line.split(" ")[0];
      p.send(`* 1 FETCH (UID 9 BODY[] {${body.length}}\r\n`);
      for (let off = 0; off < body.length; off += 256 * 1024) {
        if (!p.send(body.subarray(off, off + 256 * 1024))) serverWriteFull = true;
      }
      p.send(` FLAGS (\\Seen))\r\n${tag} OK Fetch completed.\r\n`);
    });
    await session.greeting;
    const received: Buffer[] = [];
    const pausedDuringWrite: boolean[] = [];
    let maxBuffered = 0;
    const sink = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _enc, cb) {
        received.push(Buffer.from(chunk));
        setTimeout(() => {
          pausedDuringWrite.push(client.isPaused());
          maxBuffered = Math.max(maxBuffered, sink.writableLength);
          cb();
        }, 5);
      },
    });
    const heads: [string, number][] = [];
    const seen: Untagged[] = [];
    const t = await session.run({
      line: "UID FETCH 9 (UID BODY.PEEK[])",
      bodySink: (head, size) => {
        heads.push([head, size]);
        return sink;
      },
      onUntagged: (r) => void seen.push(r),
    });
    assert.equal(t.status, "OK");
    await new Promise<void>((r) => sink.end(r));
    assert.deepEqual(heads, [[`* 1 FETCH (UID 9 BODY[] {${body.length}}`, body.length]]);
    assert.ok(Buffer.concat(received).equals(body), "all bytes, in order");
    // The streamed literal stands as an empty Buffer so attribute pairing still works.
    assert.deepEqual(seen[0]?.segments, [
      `* 1 FETCH (UID 9 BODY[] {${body.length}}`,
      Buffer.alloc(0),
      " FLAGS (\\Seen))",
    ]);
    assert.ok(pausedDuringWrite.length > 1);
    assert.ok(
      pausedDuringWrite.slice(0, -1).every(Boolean),
      `socket paused while the sink was busy: ${pausedDuringWrite.join(",")}`,
    );
    // At most one socket chunk (64 KB reads) beyond the sink's own buffer is held at any time.
    assert.ok(maxBuffered <= 16 * 1024 + 64 * 1024, `sink held ${maxBuffered} bytes`);
    assert.ok(serverWriteFull, "the server saw backpressure (its socket buffer filled)");
  });

  it("a connection failure mid-literal rejects the command and leaves the sink to its owner (no error event)", async () => {
    const { session } = await scripted(async (p) => {
      p.send(GREETING);
      await p.next();
      p.send("* 1 FETCH (UID 9 BODY[] {100000}\r\n");
      p.send(Buffer.alloc(50_000));
      // never completes: the session must fail by itself once the connection is closed
    });
    await session.greeting;
    let received = 0;
    const sink = new Writable({
      write(c: Buffer, _e, cb) {
        received += c.length;
        cb();
      },
    });
    // No 'error' listener on purpose: destroying the sink with an error here would crash the process.
    const run = session.run({ line: "UID FETCH 9 (BODY.PEEK[])", bodySink: () => sink, onUntagged: () => {} });
    await sleep(50);
    session.close();
    const err = await rejects(run);
    assert.equal(err.code, "CONNECTION_CLOSED");
    assert.equal(received, 50_000);
    assert.equal(sink.destroyed, false, "the caller (Delivery.abort) disposes of the sink");
  });

  it("a tagged OK followed by close still resolves while a slow onUntagged is running", async () => {
    const { session } = await scripted(async (p) => {
      p.send(GREETING);
      const line = await p.next();
      p.send(`* 1 EXISTS\r\n${line.split(" ")[0]} OK done\r\n`);
      p.sock.end();
    });
    await session.greeting;
    const t = await session.run({ line: "NOOP", onUntagged: () => sleep(50) });
    assert.equal(t.status, "OK");
  });
});

describe("ImapSession STARTTLS", () => {
  it("plaintext appended to the tagged OK in the same write is PROTOCOL_ERROR (injection)", async () => {
    const { session } = await scripted(
      greetThen((line) => `${line.split(" ")[0]} OK Begin TLS negotiation now.\r\n* OK injected\r\n`),
    );
    await session.greeting;
    const err = await rejects(session.run({ line: "STARTTLS" }));
    assert.equal(err.code, "PROTOCOL_ERROR");
    assert.match(err.message, /after its STARTTLS answer \(injection\)/);
  });

  it("an unfinished plaintext line after the tagged OK is PROTOCOL_ERROR too", async () => {
    const { session } = await scripted(greetThen((line) => `${line.split(" ")[0]} OK Begin TLS.\r\n* OK inj`));
    await session.greeting;
    const err = await rejects(session.run({ line: "STARTTLS" }));
    assert.equal(err.code, "PROTOCOL_ERROR");
    assert.match(err.message, /injection/);
  });

  it("a clean tagged OK resolves and the session stops reading the plaintext socket", async () => {
    const { session, peer } = await scripted(greetThen((line) => `${line.split(" ")[0]} OK Begin TLS.\r\n`));
    await session.greeting;
    const unsolicited: Untagged[] = [];
    session.onUnsolicited = (r) => void unsolicited.push(r);
    const t = await session.run({ line: "STARTTLS" });
    assert.equal(t.status, "OK");
    (await peer).send("* OK late plaintext\r\n");
    await sleep(50);
    assert.deepEqual(unsolicited, []);
    assert.equal(session.failed, undefined);
  });

  it("a refused STARTTLS (NO) keeps reading the same socket", async () => {
    const { session } = await scripted(
      greetThen((line) =>
        line.endsWith("STARTTLS")
          ? `${line.split(" ")[0]} NO TLS not available.\r\n`
          : `* 2 EXISTS\r\n${line.split(" ")[0]} OK done\r\n`,
      ),
    );
    await session.greeting;
    assert.equal((await session.run({ line: "STARTTLS" })).status, "NO");
    const seen: Untagged[] = [];
    assert.equal((await session.run({ line: "NOOP", onUntagged: (r) => void seen.push(r) })).status, "OK");
    assert.equal(seen.length, 1);
  });
});
