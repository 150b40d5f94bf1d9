/** After login the proxy is a byte pipe: exact bytes both ways (leftovers first), exact counts logged, backpressure. */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import net from "node:net";
import { afterEach, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { ProxyLogRecord } from "../../src/proxy/log.js";
import { type ProxyServer, startProxy } from "../../src/proxy/server.js";
import { LOCAL_PASSWORD, localUserU } from "../harness/proxy/test-proxy.js";

const GREETING = "+OK xoauth-mail proxy ready.\r\n+OK\r\n+OK upstream hi\r\n";
const open: { close(): unknown }[] = [];
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const o of open.splice(0)) await o.close();
});

/** A fake upstream: `onSession` gets the server side of each upstream connection the proxy makes. */
async function fakeUpstream(onSession: (s: net.Socket) => void): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((s) => {
    sockets.push(s);
    s.on("error", () => {});
    onSession(s);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function proxyTo(upstreamPort: number, logs: ProxyLogRecord[]): Promise<ProxyServer> {
  const proxy = await startProxy({
    listeners: [
      {
        name: "pop3",
        protocol: "pop3",
        listen: { host: "127.0.0.1", port: 0 },
        localTls: "none",
        maxConnections: 5,
        upstream: { host: "127.0.0.1", port: upstreamPort, tls: "implicit" }, // unused: the fake login below
      },
    ],
    users: [await localUserU()],
    upstream: {
      login: async () => {
        const socket = net.connect({ host: "127.0.0.1", port: upstreamPort });
        await new Promise((r) => socket.once("connect", r));
        return { socket, leftover: Buffer.from("pre\r\n"), successText: "+OK upstream hi" };
      },
    },
    logger: (r) => logs.push(r),
    authFailureDelayMs: 0,
  });
  open.push({ close: () => proxy.close(100) });
  return proxy;
}

function connectClient(port: number): Promise<net.Socket> {
  return new Promise((resolve) => {
    const c = net.connect({ host: "127.0.0.1", port }, () => resolve(c));
    sockets.push(c);
    c.on("error", () => {});
  });
}

/** Reads until `n` bytes arrived, leaving the socket open (a for-await `break` would destroy it). */
function readExactly(s: net.Socket, n: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let got = 0;
  return new Promise((resolve) => {
    const onData = (d: Buffer): void => {
      parts.push(d);
      got += d.length;
      if (got < n) return;
      s.off("data", onData);
      resolve(Buffer.concat(parts));
    };
    s.on("data", onData);
  });
}

function pattern(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

it("relays bytes both ways unchanged, leftovers first, and logs the exact byte counts", async () => {
  const down = pattern(300_000);
  const up = Buffer.alloc(100_000, 0x41);
  let receivedUp = Buffer.alloc(0);
  const upstream = await fakeUpstream((s) => {
    s.write(down);
    s.on("data", (d: Buffer) => {
      receivedUp = Buffer.concat([receivedUp, d]);
      if (receivedUp.length >= up.length + 10) s.end();
    });
  });
  open.push(upstream);
  const logs: ProxyLogRecord[] = [];
  const proxy = await proxyTo(upstream.port, logs);
  const c = await connectClient(proxy.listeners[0]?.port ?? 0);
  c.write(`USER u\r\nPASS ${LOCAL_PASSWORD}\r\n0123456789`); // 10 bytes pipelined behind PASS
  const head = `${GREETING}pre\r\n`;
  const got = await readExactly(c, head.length + down.length);
  assert.equal(got.subarray(0, head.length).toString("latin1"), head);
  assert.ok(got.subarray(head.length).equals(down));
  c.end(up);
  await new Promise((r) => c.once("close", r));
  for (let i = 0; i < 100 && !logs.some((l) => l.event === "close"); i++) await sleep(10);
  assert.ok(receivedUp.equals(Buffer.concat([Buffer.from("0123456789"), up])));
  const close = logs.find((l) => l.event === "close");
  assert.equal(close?.outcome, "ok");
  assert.equal(close?.bytesUp, 10 + up.length);
  assert.equal(close?.bytesDown, 5 + down.length);
});

it("applies backpressure: a client that does not read stops the upstream instead of filling the proxy's memory", async () => {
  const total = 96 * 1024 * 1024;
  const chunk = pattern(1024 * 1024);
  let accepted = 0; // bytes the kernel took from the fake upstream
  const upstream = await fakeUpstream((s) => {
    const pump = (): void => {
      while (accepted < total) {
        accepted += chunk.length;
        if (!s.write(chunk)) return void s.once("drain", pump);
      }
      s.end();
    };
    pump();
  });
  open.push(upstream);
  const proxy = await proxyTo(upstream.port, []);
  const c = await connectClient(proxy.listeners[0]?.port ?? 0);
  c.pause();
  c.write(`USER u\r\nPASS ${LOCAL_PASSWORD}\r\n`);
  let last = -1;
  while (accepted !== last) {
    last = accepted;
    await sleep(300);
  }
  // Kernel socket buffers on three loopback sockets hold some MB; without backpressure all 96 MB would be taken.
  assert.ok(accepted < total / 2, `upstream pushed ${accepted} bytes into a stalled client`);
  const hash = createHash("sha256");
  let n = 0;
  const head = Buffer.byteLength(`${GREETING}pre\r\n`);
  c.resume();
  for await (const d of c) {
    const b = d as Buffer;
    hash.update(n >= head ? b : b.subarray(Math.max(0, head - n)));
    n += b.length;
  }
  assert.equal(n, head + total);
  const expected = createHash("sha256");
  for (let i = 0; i < total / chunk.length; i++) expected.update(chunk);
  assert.equal(hash.digest("hex"), expected.digest("hex"));
});
