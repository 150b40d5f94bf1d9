/**
 * ImapClient against a scripted (broken or hostile) server on 127.0.0.1: a failing disk inside a streamed body, a body
 * of another UID, unsolicited FETCH updates, a response of endless literals, EXISTS reported between commands
 * (findings of an independent review of the client; each test failed before its fix); and the round trips fetch
 * saves: EXAMINE + UID SEARCH pipelined, LOGOUT not waited for.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { Writable } from "node:stream";
import { afterEach, it } from "node:test";
import type { XoauthError } from "../../src/errors.js";
import { ImapClient } from "../../src/imap/client.js";

const stops: (() => void)[] = [];
afterEach(() => {
  for (const s of stops.splice(0)) s();
});

/** A server that logs in and selects; `onCommand` answers everything else (`unread`: lines received after this one). */
async function serve(
  onCommand: (tag: string, cmd: string, sock: net.Socket, unread: string) => void,
  onClose?: () => void,
  commandMs?: number,
): Promise<ImapClient> {
  const server = net.createServer((sock) => {
    sock.on("error", () => {});
    if (onClose) sock.on("close", onClose);
    sock.write("* OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2 SASL-IR UIDPLUS] ready\r\n");
    let buf = "";
    sock.on("data", (d: Buffer) => {
      buf += d.toString("latin1");
      for (let i = buf.indexOf("\r\n"); i >= 0; i = buf.indexOf("\r\n")) {
        const l = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const [tag, ...rest] = l.split(" ");
        const cmd = rest.join(" ");
        if (cmd.startsWith("AUTHENTICATE")) sock.write(`${tag} OK [CAPABILITY IMAP4rev1 UIDPLUS] ok\r\n`);
        else onCommand(tag as string, cmd, sock, buf);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  const c = await ImapClient.connect({
    host: "127.0.0.1",
    port,
    tls: "none",
    user: "u@x",
    token: "tok-123456",
    ...(commandMs ? { timeouts: { commandMs } } : {}),
  });
  stops.push(() => {
    c.close();
    server.close();
  });
  return c;
}

const SIZE = 2 * 1024 * 1024;

it("a sink write error (ENOSPC) inside a streamed body rejects fetchBodyStream instead of crashing the process", async () => {
  const c = await serve((tag, cmd, sock) => {
    if (!cmd.startsWith("UID FETCH 5 ")) return;
    sock.write(`* 1 FETCH (UID 5 BODY[] {${SIZE}}\r\n`);
    sock.write(Buffer.alloc(SIZE, 0x61));
    sock.write(`)\r\n${tag} OK done\r\n`);
  });
  let n = 0;
  const sink = new Writable({
    highWaterMark: 16384,
    write(_c, _e, cb) {
      if (++n === 3) cb(Object.assign(new Error("no space left on device"), { code: "ENOSPC" }));
      else setTimeout(cb, 1);
    },
  });
  await assert.rejects(c.fetchBodyStream(5, sink), { code: "STORE_ERROR" });
});

it("a streamed BODY[] of another UID is never accepted as the requested message", async () => {
  const c = await serve((tag, cmd, sock) => {
    if (!cmd.startsWith("UID FETCH 10 ")) return;
    sock.write(`* 1 FETCH (UID 99 BODY[] {${SIZE}}\r\n`);
    sock.write(Buffer.alloc(SIZE, 0x62));
    sock.write(`)\r\n* 2 FETCH (UID 10 BODY[] NIL)\r\n${tag} OK done\r\n`);
  });
  let bytes = 0;
  const sink = new Writable({
    write(ch: Buffer, _e, cb) {
      bytes += ch.length;
      cb();
    },
  });
  await assert.rejects(c.fetchBodyStream(10, sink));
  assert.equal(bytes, 0);
});

it("fetchMeta returns only UIDs of the requested set that carry RFC822.SIZE (unsolicited FLAGS updates ignored)", async () => {
  const c = await serve((tag, cmd, sock) => {
    if (!cmd.startsWith("UID FETCH 1:3 ")) return;
    sock.write('* 1 FETCH (UID 1 RFC822.SIZE 100 ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL "<a@x>"))\r\n');
    sock.write("* 7 FETCH (UID 42 FLAGS (\\Seen))\r\n");
    sock.write(`${tag} OK done\r\n`);
  });
  assert.deepEqual(await c.fetchMeta("1:3"), [{ uid: 1, size: 100, messageId: "<a@x>" }]);
});

it("a response made of endless in-memory literals is refused once it exceeds a total bound", async () => {
  const lit = Buffer.alloc(4 * 1024 * 1024, 0x63);
  const c = await serve((tag, cmd, sock) => {
    if (!cmd.startsWith("UID SEARCH")) return;
    sock.write(`* SEARCH X {${lit.length}}\r\n`);
    let i = 0;
    const more = (): void => {
      while (i++ < 40) {
        if (sock.destroyed) return;
        if (!sock.write(Buffer.concat([lit, Buffer.from(i < 40 ? ` X {${lit.length}}\r\n` : "\r\n")]))) {
          sock.once("drain", more);
          return;
        }
      }
      sock.write(`${tag} OK done\r\n`);
    };
    more();
  });
  await assert.rejects(c.uidSearch("ALL"), { code: "LIMIT_EXCEEDED" });
});

it("new mail reported between commands (unsolicited EXISTS) ends idle() at once, without waiting in IDLE", async () => {
  let idleSent = false;
  let sock: net.Socket | undefined;
  const c = await serve((tag, cmd, s) => {
    sock = s;
    if (cmd.startsWith("EXAMINE")) s.write(`* 3 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n${tag} OK done\r\n`);
    if (cmd === "NOOP") s.write(`${tag} OK done\r\n`);
    if (cmd === "IDLE") idleSent = true;
  });
  await c.select("INBOX", true);
  sock?.write("* 4 EXISTS\r\n"); // while no command runs
  await new Promise((r) => setTimeout(r, 50));
  const why = await c.idle(new Promise(() => {}));
  assert.equal(why, "new mail");
  assert.equal(idleSent, false);
  assert.equal(c.exists, 4);
});

it("a streamed body in the bulk FETCH whose response then names another UID is refused, not handed over", async () => {
  const c = await serve((tag, cmd, sock) => {
    if (!cmd.startsWith("UID FETCH 5:6 ")) return;
    sock.write(`* 1 FETCH (UID 5 BODY[] {${SIZE}}\r\n`);
    sock.write(Buffer.alloc(SIZE, 0x64));
    sock.write(` UID 6)\r\n${tag} OK done\r\n`);
  });
  const opened: number[] = [];
  const handed: number[] = [];
  const sink = new Writable({
    write(_c, _e, cb) {
      cb();
    },
  });
  const run = c.fetchBodies(
    "5:6",
    async (uid) => {
      handed.push(uid);
    },
    {
      above: 1024,
      to: (uid) => {
        opened.push(uid);
        return sink;
      },
    },
  );
  await assert.rejects(run, { code: "PROTOCOL_ERROR" });
  assert.deepEqual(opened, [5]);
  assert.deepEqual(handed, []);
});

it("two streamed bodies in a row, both framed before the first is handed over: each file gets its own UID", async () => {
  // The assembler frames the next response (and opens its sink) while the previous one waits to be dispatched: one
  // "current streamed UID" slot was overwritten, and the first body was reported as streamed for the second UID.
  const a = Buffer.alloc(SIZE, 0x61);
  const b = Buffer.alloc(SIZE, 0x62);
  const c = await serve((tag, _cmd, sock) => {
    sock.write(Buffer.concat([Buffer.from(`* 1 FETCH (UID 5 BODY[] {${a.length}}\r\n`), a, Buffer.from(")\r\n")]));
    sock.write(Buffer.concat([Buffer.from(`* 2 FETCH (UID 6 BODY[] {${b.length}}\r\n`), b, Buffer.from(")\r\n")]));
    sock.write(`${tag} OK done\r\n`);
  });
  const got = new Map<number, number>();
  const handed: number[] = [];
  await c.fetchBodies(
    "5:6",
    async (uid, body) => {
      assert.equal(body, undefined, "streamed, not in memory");
      handed.push(uid);
    },
    {
      above: 1024,
      to: (uid) =>
        new Writable({
          write(chunk: Buffer, _e, cb) {
            assert.ok(
              chunk.every((x) => x === (uid === 5 ? 0x61 : 0x62)),
              `UID ${uid}'s file gets UID ${uid}'s bytes`,
            );
            got.set(uid, (got.get(uid) ?? 0) + chunk.length);
            cb();
          },
        }),
    },
  );
  assert.deepEqual(handed, [5, 6]);
  assert.deepEqual(
    [...got],
    [
      [5, SIZE],
      [6, SIZE],
    ],
  );
});

it("a body sink ended right after its literal, before 'drain', does not leave the socket paused: the next command is answered", async () => {
  // The real run: a big body streamed into the Delivery's Writable, its last chunk over the high water mark, the
  // tagged OK in the same socket chunk, then Delivery.flush() ends the Writable. Node emits no 'drain' after end():
  // reading stayed paused, the unref'd timer stopped, and the CLI exited 0 in the middle of the run.
  const body = Buffer.alloc(1000, 0x61);
  const c = await serve(
    (tag, cmd, sock) => {
      if (!cmd.startsWith("UID FETCH 5 ")) return void sock.write(`${tag} OK ${cmd} done\r\n`);
      const head = Buffer.from(`* 1 FETCH (UID 5 BODY[] {${body.length}}\r\n`);
      sock.write(Buffer.concat([head, body, Buffer.from(`)\r\n${tag} OK done\r\n`)]));
    },
    undefined,
    5_000, // without the fix the NOOP below waits for an answer never read: TIMEOUT instead of OK
  );
  // Takes each chunk a moment later: write() returns false (over the high water mark) for the last chunk too.
  const sink = new Writable({ highWaterMark: 16, write: (_c, _e, cb) => setImmediate(cb) });
  await c.fetchBodyStream(5, sink);
  await new Promise<void>((r) => sink.end(r));
  assert.equal((await c.command("NOOP")).status, "OK");
});

it("EXAMINE and UID SEARCH go out together: the SEARCH is on the wire before EXAMINE is answered (one round trip)", async () => {
  let searchBeforeExamineAnswered = false;
  const c = await serve((tag, cmd, sock, unread) => {
    if (cmd.startsWith("EXAMINE")) {
      searchBeforeExamineAnswered = unread.includes("UID SEARCH ALL");
      sock.write(`* 3 EXISTS\r\n* OK [UIDVALIDITY 7] v\r\n${tag} OK [READ-ONLY] done\r\n`);
    } else if (cmd === "UID SEARCH ALL") sock.write(`* SEARCH 4 5 9\r\n${tag} OK done\r\n`);
  });
  assert.deepEqual(await c.selectAndSearch("INBOX", true, "ALL"), { uidValidity: 7, exists: 3, uids: [4, 5, 9] });
  assert.equal(searchBeforeExamineAnswered, true);
});

it("a refused EXAMINE fails selectAndSearch with EXAMINE's reply, not the SEARCH's that follows it", async () => {
  const c = await serve((tag, cmd, sock) => {
    if (cmd.startsWith("EXAMINE")) sock.write(`${tag} NO [NONEXISTENT] Mailbox doesn't exist: Nope\r\n`);
    else if (cmd.startsWith("UID SEARCH")) sock.write(`${tag} BAD No mailbox selected\r\n`);
  });
  await assert.rejects(c.selectAndSearch("Nope", true, "ALL"), (e: XoauthError) => {
    assert.equal(e.details.command, "EXAMINE Nope");
    assert.match(String(e.details.serverReply), /NONEXISTENT/);
    return true;
  });
});

it("logoutNow sends LOGOUT and closes without waiting for an answer the server never sends", {
  timeout: 20_000,
}, async () => {
  let sawLogout = false;
  let closed: () => void = () => {};
  const gone = new Promise<void>((r) => {
    closed = r;
  });
  const c = await serve(
    (_tag, cmd) => {
      if (cmd === "LOGOUT") sawLogout = true; // and no answer, ever
    },
    () => closed(),
  );
  c.logoutNow();
  await gone; // waiting for the answer instead would hang here until the test times out
  assert.equal(sawLogout, true);
});
