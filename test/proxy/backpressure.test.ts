/**
 * Regression (issue 11, item 5): a client that pipelines commands before login and never reads the replies must not
 * grow the proxy. The proxy stops reading while its replies wait (bounded buffers), and every protocol caps the
 * commands before login with a final reply and a close.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { Duplex } from "node:stream";
import { after, before, describe, it } from "node:test";
import { LIMITS } from "../../src/limits.js";
import { ClientChannel } from "../../src/proxy/client-channel.js";
import { pop3Frontend } from "../../src/proxy/frontends/pop3.js";
import type { ProxyServer } from "../../src/proxy/server.js";
import { startLoginPhaseProxy, testListener } from "../harness/proxy/test-proxy.js";

const CAP = LIMITS.proxyMaxCommandsBeforeLogin;

/** The client side of a connection whose peer never reads: writes stay pending until release(). */
class UnreadSocket extends Duplex {
  written: string[] = [];
  private held: (() => void)[] = [];
  private autoAck = false;
  constructor(highWaterMark: number) {
    super({ writableHighWaterMark: highWaterMark });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.written.push(chunk.toString("latin1"));
    if (this.autoAck) cb();
    else this.held.push(cb);
  }
  override _read(): void {}
  release(): void {
    this.autoAck = true;
    for (const cb of this.held.splice(0)) cb();
  }
}

const occurrences = (text: string, what: string): number => text.split(what).length - 1;

describe("login phase back-pressure (unit: a client that does not read)", () => {
  it("stops reading while more than the bound of replies is unsent; resumes on drain; caps at the command limit", async () => {
    const bound = 1024;
    const sock = new UnreadSocket(bound);
    const channel = new ClientChannel(sock as unknown as net.Socket, {
      localTls: "none",
      maxLineBytes: 1024,
      maxPendingReplyBytes: bound,
    });
    for (let i = 0; i < 10_000; i++) sock.push("CAPA\r\n");
    const done = pop3Frontend(channel, async () => ({ ok: false, kind: "local" }));
    for (let i = 0; i < 10_000 && !channel.waitingForDrain; i++) await new Promise((r) => setImmediate(r));
    assert.equal(channel.waitingForDrain, true, "the channel waits for the client to read");
    const reply =
      "+OK Capability list follows\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nUSER\r\nSASL PLAIN LOGIN\r\n.\r\n";
    assert.ok(sock.writableLength <= bound + reply.length, `unsent replies bounded: ${sock.writableLength}`);
    assert.ok(channel.bufferedBytes <= bound + reply.length + 1024 + 6, `session buffer: ${channel.bufferedBytes}`);
    assert.equal(sock.isPaused(), true, "no more input is read meanwhile");

    sock.release();
    assert.equal(await done, undefined);
    const out = sock.written.join("");
    assert.equal(occurrences(out, "+OK Capability list follows"), CAP);
    assert.ok(out.endsWith("-ERR Too many commands without login.\r\n"), out.slice(-200));
  });
});

describe("commands before login are capped for every protocol (real sockets, 100k pipelined commands)", () => {
  let proxy: ProxyServer;
  before(async () => {
    proxy = await startLoginPhaseProxy(
      (["pop3", "imap", "smtp"] as const).map((p) => testListener(p, p, 5)),
      { loginTimeoutMs: 20_000 },
    );
  });
  after(() => proxy.close(100));

  /** Sends `count` copies of `line` without reading anything; then reads what came until the proxy closes. */
  function flood(protocol: string, line: string, count: number): Promise<string> {
    const port = proxy.listeners.find((l) => l.name === protocol)?.port ?? 0;
    return new Promise((resolve) => {
      const s = net.connect({ host: "127.0.0.1", port });
      let got = "";
      s.on("error", () => {});
      s.pause();
      s.once("connect", () => {
        s.write(line.repeat(count), () => {
          s.on("data", (d: Buffer) => {
            got += d.toString("latin1");
          });
          s.resume();
        });
      });
      s.once("close", () => resolve(got));
    });
  }

  it("POP3: 100k CAPA -> 100 answers, then -ERR and close", async () => {
    const got = await flood("pop3", "CAPA\r\n", 100_000);
    assert.equal(occurrences(got, "+OK Capability list follows"), CAP);
    assert.ok(got.endsWith("-ERR Too many commands without login.\r\n"), got.slice(-200));
  });

  it("IMAP: 100k CAPABILITY -> 100 answers, then * BYE and close", async () => {
    const got = await flood("imap", "a CAPABILITY\r\n", 100_000);
    assert.equal(occurrences(got, "a OK CAPABILITY completed."), CAP);
    assert.ok(got.endsWith("* BYE Too many commands without login.\r\n"), got.slice(-200));
  });

  it("SMTP: 100k EHLO -> 100 answers, then 421 and close", async () => {
    const got = await flood("smtp", "EHLO client.test\r\n", 100_000);
    assert.equal(occurrences(got, "250 AUTH PLAIN LOGIN\r\n"), CAP);
    assert.ok(got.endsWith("421 4.7.0 Too many commands without login, closing connection.\r\n"), got.slice(-200));
  });
});
