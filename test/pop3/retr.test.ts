import assert from "node:assert/strict";
import type { Readable } from "node:stream";
import { afterEach, test } from "node:test";
import { Pop3Client } from "../../src/pop3/client.js";
import type { RetrBody } from "../../src/pop3/commands/retr.js";
import { type ScriptedConn, type ScriptedServer, startScriptedServer } from "../harness/servers/scripted-pop3.js";

let server: ScriptedServer | undefined;
let client: Pop3Client | undefined;
afterEach(async () => {
  client?.close();
  client = undefined;
  await server?.close();
  server = undefined;
});

const msg = (n: number): string => `Subject: m${n}\r\n\r\n.dot line ${n}\r\n\xe4 8-bit\r\n`;
const stuffed = (n: number): string => msg(n).replace(/^\./gm, "..");

async function readAll(s: Readable): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return Buffer.concat(parts).toString("latin1");
}

/** A server that answers RETR n with message n; with `pipelining` it advertises PIPELINING and records batching. */
async function mailServer(pipelining: boolean, count = 20): Promise<{ maxQueued: () => number }> {
  let pendingRetr = 0;
  let maxQueued = 0;
  server = await startScriptedServer("+OK ready", (line, c) => {
    const [verb, arg] = line.split(" ");
    if (verb === "CAPA") c.send(`+OK\r\nUIDL\r\nUSER\r\n${pipelining ? "PIPELINING\r\n" : ""}.\r\n`);
    else if (verb === "USER" || verb === "PASS") c.send("+OK\r\n");
    else if (verb === "RETR") {
      pendingRetr++;
      maxQueued = Math.max(maxQueued, pendingRetr);
      // answer asynchronously so pipelined commands can pile up
      setImmediate(() => {
        pendingRetr--;
        const n = Number(arg);
        c.send(n >= 1 && n <= count ? `+OK message follows\r\n${stuffed(n)}.\r\n` : "-ERR no such message\r\n");
      });
    } else if (verb === "UIDL")
      c.send(`+OK\r\n${Array.from({ length: 3 }, (_, i) => `${i + 1} uid-${i + 1}`).join("\r\n")}\r\n.\r\n`);
    else if (verb === "QUIT") c.send("+OK bye\r\n");
    else c.send("-ERR unknown\r\n");
  });
  return { maxQueued: () => maxQueued };
}

async function login(): Promise<Pop3Client> {
  client = await Pop3Client.connect({ host: "127.0.0.1", port: (server as ScriptedServer).port, tls: "none" });
  await client.login("u", "p");
  return client;
}

test("RETR streams the dot-unstuffed, 8-bit message; UIDL lists", async () => {
  await mailServer(false);
  const c = await login();
  assert.deepEqual(await c.uidl(), [
    { n: 1, uid: "uid-1" },
    { n: 2, uid: "uid-2" },
    { n: 3, uid: "uid-3" },
  ]);
  assert.equal(await readAll(await c.retr(7)), msg(7));
  await c.quit();
});

test("without PIPELINING, retrMany sends one RETR at a time", async () => {
  const m = await mailServer(false);
  const c = await login();
  const got: number[] = [];
  for await (const { n, stream } of c.retrMany([1, 2, 3, 4, 5])) {
    assert.equal(await readAll(stream), msg(n));
    got.push(n);
  }
  assert.deepEqual(got, [1, 2, 3, 4, 5]);
  assert.equal(m.maxQueued(), 1);
});

test("with PIPELINING, retrMany sends many RETRs before reading replies and yields them in order", async () => {
  const m = await mailServer(true);
  const c = await login();
  assert.equal(c.capabilities.pipelining, true);
  const ns = Array.from({ length: 20 }, (_, i) => i + 1);
  const got: number[] = [];
  for await (const { n, stream } of c.retrMany(ns)) {
    assert.equal(await readAll(stream), msg(n));
    got.push(n);
  }
  assert.deepEqual(got, ns);
  assert.ok(m.maxQueued() > 1, `max queued ${m.maxQueued()}`);
  assert.ok(m.maxQueued() <= 16);
  await c.quit();
});

test("the next reply is not processed until the body is consumed; a -ERR RETR is PROTOCOL_ERROR", async () => {
  await mailServer(true);
  const c = await login();
  const first = await c.retr(1);
  let secondDone = false;
  const second = c.retr(2).then((s) => {
    secondDone = true;
    return s;
  });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(secondDone, false);
  assert.equal(await readAll(first), msg(1));
  assert.equal(await readAll(await second), msg(2));
  await assert.rejects(c.retr(99), {
    code: "PROTOCOL_ERROR",
    details: { command: "RETR 99", serverReply: "-ERR no such message" },
  });
});

test("breaking out of retrMany early leaves the session usable", async () => {
  await mailServer(true);
  const c = await login();
  for await (const { stream } of c.retrMany([1, 2, 3, 4])) {
    await readAll(stream);
    break;
  }
  assert.equal(await readAll(await c.retr(5)), msg(5));
});

/** A message of about `size` bytes with lines that need dot-stuffing and a "\r\n.\r\n"-lookalike in the body. */
function bigMessage(n: number, size: number): Buffer {
  const lines = [`Subject: big ${n}`, "", ".starts with a dot", "..two dots", "."];
  const filler = "0123456789abcdefghijklmnopqrstuvwxyz".repeat(2);
  for (let i = 0, len = 0; len < size; i++) {
    const line = i % 97 === 0 ? `.${filler}${i}` : `${filler}${i}`;
    lines.push(line);
    len += line.length + 2;
  }
  return Buffer.from(`${lines.join("\r\n")}\r\n`, "latin1");
}

const dotStuff = (b: Buffer): Buffer => Buffer.from(b.toString("latin1").replace(/^\./gm, ".."), "latin1");

test("pipelined RETR small + 24 MB + small sent in large writes: byte-exact, and the client stops reading while a finished body is unread", async () => {
  const bodies = [Buffer.from(msg(1), "latin1"), bigMessage(2, 24 * 1024 * 1024), Buffer.from(msg(3), "latin1")];
  let conn: ScriptedConn | undefined;
  let retrs = 0;
  server = await startScriptedServer("+OK ready", (line, c) => {
    const [verb] = line.split(" ");
    if (verb === "CAPA") c.send("+OK\r\nUSER\r\nPIPELINING\r\n.\r\n");
    else if (verb === "USER" || verb === "PASS") c.send("+OK\r\n");
    else if (verb === "RETR" && ++retrs === 3) {
      // All three replies at once in large writes (as Dovecot does), queued on the server's socket.
      conn = c;
      const all = Buffer.concat(bodies.flatMap((b) => [Buffer.from("+OK\r\n"), dotStuff(b), Buffer.from(".\r\n")]));
      for (let at = 0; at < all.length; at += 256 * 1024) c.sendBytes(all.subarray(at, at + 256 * 1024));
    } else if (verb === "QUIT") c.send("+OK bye\r\n");
  });
  const c = await login();
  const it = c.retrMany([1, 2, 3]);
  const first = await it.next();
  assert.equal(first.done, false);
  // Body 1 has ended but is not read yet: the client must stop reading instead of buffering the 24 MB behind it.
  // (Before the fix the framer kept concatenating every incoming chunk onto the held bytes: quadratic copying.)
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(conn, "the server got all three RETRs");
  const read = c.session.currentSocket.bytesRead;
  assert.ok(read < 2 * 1024 * 1024, `the client read ${read} bytes ahead of an unread body`);
  const got = [await readAll(first.value?.stream as Readable)];
  for await (const { stream } of { [Symbol.asyncIterator]: () => it }) got.push(await readAll(stream));
  assert.equal(got.length, 3);
  for (const [i, b] of bodies.entries())
    assert.ok(Buffer.from(got[i] as string, "latin1").equals(b), `message ${i + 1}`);
  await c.quit();
});

/** The text of a retrManyWhole item, whichever way it came; `how` records "whole" or "stream". */
async function textOf(body: RetrBody, how: string[]): Promise<string> {
  if ("chunks" in body) {
    how.push("whole");
    return Buffer.concat(body.chunks).toString("latin1");
  }
  how.push("stream");
  return readAll(body.stream);
}

test("retrManyWhole: small messages whole and dot-unstuffed, a bigger one as a stream with every byte, in order", async () => {
  const bodies = [Buffer.from(msg(1), "latin1"), bigMessage(2, 300_000), Buffer.from(msg(3), "latin1")];
  server = await startScriptedServer("+OK ready", (line, c) => {
    const [verb, arg] = line.split(" ");
    if (verb === "CAPA") c.send("+OK\r\nUSER\r\nPIPELINING\r\n.\r\n");
    else if (verb === "USER" || verb === "PASS") c.send("+OK\r\n");
    else if (verb === "RETR") {
      const b = bodies[Number(arg) - 1] as Buffer;
      // In pieces of 1,000 bytes: the size limit is crossed in the middle of the message.
      const all = Buffer.concat([Buffer.from("+OK\r\n"), dotStuff(b), Buffer.from(".\r\n")]);
      for (let at = 0; at < all.length; at += 1000) c.sendBytes(all.subarray(at, at + 1000));
    } else if (verb === "QUIT") c.send("+OK bye\r\n");
  });
  const c = await login();
  const how: string[] = [];
  const got: string[] = [];
  for await (const { n, body } of c.retrManyWhole([1, 2, 3], 100_000)) got[n - 1] = await textOf(body, how);
  assert.deepEqual(how, ["whole", "stream", "whole"]);
  for (const [i, b] of bodies.entries()) assert.equal(got[i], b.toString("latin1"), `message ${i + 1}`);
  assert.equal(await readAll(await c.retr(3)), msg(3), "the session goes on after them");
  await c.quit();
});

test("a whole body holds the session until released: the reply after it is not read before", async () => {
  let retrs = 0;
  server = await startScriptedServer("+OK ready", (line, c) => {
    const [verb, arg] = line.split(" ");
    if (verb === "CAPA") c.send("+OK\r\nUSER\r\nPIPELINING\r\n.\r\n");
    else if (verb === "USER" || verb === "PASS") c.send("+OK\r\n");
    else if (verb === "RETR") {
      retrs++;
      c.send(`+OK\r\n${stuffed(Number(arg))}.\r\n`);
    } else if (verb === "QUIT") c.send("+OK bye\r\n");
  });
  const c = await login();
  const one = c.session.command({ verb: "RETR", args: "1", shape: "body", wholeUpTo: 1000 });
  const two = c.session.command({ verb: "RETR", args: "2", shape: "body", wholeUpTo: 1000 });
  let twoDone = false;
  void two.then(() => {
    twoDone = true;
  });
  const first = await one;
  assert.equal(Buffer.concat(first.chunks ?? []).toString("latin1"), msg(1));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(retrs, 2, "both RETRs reached the server and were answered");
  assert.equal(twoDone, false, "the second reply is not read while the first whole body is held");
  first.release?.();
  first.release?.(); // a second call does nothing
  const second = await two;
  assert.equal(Buffer.concat(second.chunks ?? []).toString("latin1"), msg(2));
  second.release?.();
  await c.quit();
});

test("breaking out of retrManyWhole early releases what it holds and drains the rest", async () => {
  await mailServer(true);
  const c = await login();
  for await (const { body } of c.retrManyWhole([1, 2, 3, 4], 10_000)) {
    assert.ok("chunks" in body);
    break;
  }
  assert.equal(await readAll(await c.retr(5)), msg(5));
  await c.quit();
});

test("the connection dropped while a body is collected: the RETR fails with CONNECTION_CLOSED, nothing hangs", async () => {
  server = await startScriptedServer("+OK ready", (line, c) => {
    const [verb] = line.split(" ");
    if (verb === "CAPA") c.send("+OK\r\nUSER\r\n.\r\n");
    else if (verb === "USER" || verb === "PASS") c.send("+OK\r\n");
    else if (verb === "RETR") {
      c.send("+OK\r\nSubject: cut\r\n\r\nhalf a mess");
      setTimeout(() => c.end(), 20);
    }
  });
  const c = await login();
  const it = c.retrManyWhole([1], 10_000);
  await assert.rejects(it.next(), { code: "CONNECTION_CLOSED" });
});

/** A logged-in client with a 150 ms data timeout to a server whose RETR reply is `+OK` and `partial`, then nothing. */
async function stallingRetr(partial: string): Promise<Pop3Client> {
  server = await startScriptedServer("+OK ready", (line, c) => {
    const [verb] = line.split(" ");
    if (verb === "CAPA") c.send("+OK\r\nUSER\r\n.\r\n");
    else if (verb === "USER" || verb === "PASS") c.send("+OK\r\n");
    else if (verb === "RETR") c.send(`+OK\r\n${partial}`);
  });
  client = await Pop3Client.connect({
    host: "127.0.0.1",
    port: (server as ScriptedServer).port,
    tls: "none",
    timeouts: { dataIdleMs: 150 },
  });
  await client.login("u", "p");
  return client;
}

test("a body over the whole limit that then stalls gets the data timeout, as a streamed one does", async () => {
  // 1,600 bytes against a limit of 1,000: it became a stream, then the data stopped.
  const c = await stallingRetr(`Subject: slow\r\n\r\n${"no end in sight\r\n".repeat(100)}`);
  const first = await c.retrManyWhole([1], 1000).next();
  const body = first.value?.body;
  assert.ok(body && "stream" in body, "handed over as a stream");
  await assert.rejects(readAll(body.stream), { code: "TIMEOUT", message: /message data/ });
});

test("a body that stalls while it is still collected whole gets the data timeout too", async () => {
  const c = await stallingRetr("Subject: slow\r\n\r\nno end in sight\r\n");
  await assert.rejects(c.retrManyWhole([1], 10_000).next(), { code: "TIMEOUT", message: /message data/ });
});

test("retrManyWhole: the limit is inclusive (a body of exactly the limit comes whole, one byte more streams), an empty body comes whole", async () => {
  const limit = 4000;
  const sized = (n: number): Buffer => {
    const head = Buffer.from(`Subject: ${n}\r\n\r\n`, "latin1");
    return Buffer.concat([head, Buffer.alloc(n - head.length - 2, 0x61), Buffer.from("\r\n")]);
  };
  const bodies = [sized(limit), sized(limit + 1), Buffer.alloc(0)];
  server = await startScriptedServer("+OK ready", (line, c) => {
    const [verb, arg] = line.split(" ");
    if (verb === "CAPA") c.send("+OK\r\nUSER\r\nPIPELINING\r\n.\r\n");
    else if (verb === "USER" || verb === "PASS") c.send("+OK\r\n");
    else if (verb === "RETR")
      c.sendBytes(Buffer.concat([Buffer.from("+OK\r\n"), bodies[Number(arg) - 1] as Buffer, Buffer.from(".\r\n")]));
    else if (verb === "QUIT") c.send("+OK bye\r\n");
  });
  const c = await login();
  const how: string[] = [];
  const got: string[] = [];
  for await (const { n, body } of c.retrManyWhole([1, 2, 3], limit)) got[n - 1] = await textOf(body, how);
  assert.deepEqual(how, ["whole", "stream", "whole"]);
  for (const [i, b] of bodies.entries()) assert.equal(got[i], b.toString("latin1"), `message ${i + 1}`);
  await c.quit();
});

test("retrManyWhole: DELEs sent inside the loop (not awaited there: replies come in order) reach the server in order", async () => {
  const deleted: string[] = [];
  server = await startScriptedServer("+OK ready", (line, c) => {
    const [verb, arg] = line.split(" ");
    if (verb === "CAPA") c.send("+OK\r\nUSER\r\nPIPELINING\r\n.\r\n");
    else if (verb === "USER" || verb === "PASS") c.send("+OK\r\n");
    else if (verb === "RETR") c.send(`+OK\r\n${stuffed(Number(arg))}.\r\n`);
    else if (verb === "DELE") {
      deleted.push(arg as string);
      c.send("+OK deleted\r\n");
    } else if (verb === "QUIT") c.send("+OK bye\r\n");
  });
  const c = await login();
  const got: string[] = [];
  const deles: Promise<void>[] = [];
  for await (const { n, body } of c.retrManyWhole([1, 2, 3], 10_000)) {
    got.push(await textOf(body, []));
    deles.push(c.dele(n));
  }
  await Promise.all(deles);
  assert.deepEqual(got, [msg(1), msg(2), msg(3)]);
  assert.deepEqual(deleted, ["1", "2", "3"]);
  await c.quit();
});

test("retrManyWhole: a -ERR for one pipelined RETR fails that step with the server's reply; the session stays usable", async () => {
  await mailServer(true, 2);
  const c = await login();
  const got: string[] = [];
  await assert.rejects(
    (async () => {
      for await (const { body } of c.retrManyWhole([1, 2, 3, 4], 10_000)) got.push(await textOf(body, []));
    })(),
    (err: unknown) => err instanceof Error && /RETR 3/.test(err.message) && /no such message/.test(err.message),
  );
  assert.deepEqual(got, [msg(1), msg(2)]);
  assert.equal(await readAll(await c.retr(2)), msg(2));
  await c.quit();
});
