/** Regression: a client turned away (line too long, listener busy) must not keep a server-side socket open. */
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { ProxyServer } from "../../src/proxy/server.js";
import { startLoginPhaseProxy, testListener } from "../harness/proxy/test-proxy.js";

let proxy: ProxyServer;
const open: net.Socket[] = [];

const port = (name: string): number => proxy.listeners.find((l) => l.name === name)?.port ?? 0;

/** A client that keeps its side open after the server's FIN (allowHalfOpen): only the server can close the socket. */
function halfOpenClient(p: number): Promise<{ sock: net.Socket; got: () => string; ended: Promise<void> }> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: "127.0.0.1", port: p, allowHalfOpen: true });
    open.push(sock);
    let buf = "";
    sock.on("error", () => {});
    sock.on("data", (d: Buffer) => {
      buf += d.toString("latin1");
    });
    const ended = new Promise<void>((r) => sock.once("end", () => r()));
    sock.once("connect", () => resolve({ sock, got: () => buf, ended }));
  });
}

async function waitForConnections(n: number, withinMs: number): Promise<number> {
  const until = Date.now() + withinMs;
  let c = await proxy.connections();
  while (c !== n && Date.now() < until) {
    await sleep(25);
    c = await proxy.connections();
  }
  return c;
}

before(async () => {
  proxy = await startLoginPhaseProxy([testListener("pop3", "pop3", 50), testListener("tiny", "pop3", 0)], {
    maxLineBytes: 1024,
    closeGraceMs: 200,
  });
});
after(async () => {
  for (const s of open) s.destroy();
  await proxy.close(100);
});

it("after 'Line too long' the server-side socket closes even if the client keeps its side open", async () => {
  const c = await halfOpenClient(port("pop3"));
  c.sock.write(`USER ${"a".repeat(5000)}\r\n`);
  await c.ended;
  assert.match(c.got(), /-ERR Line too long\.\r\n$/);
  assert.equal(await waitForConnections(0, 3000), 0);
});

it("a client turned away as 'too many connections' does not keep a server-side socket", async () => {
  const c = await halfOpenClient(port("tiny"));
  await c.ended;
  assert.match(c.got(), /^-ERR \[SYS\/TEMP\] Too many connections/);
  c.sock.write("still talking\r\n");
  assert.equal(await waitForConnections(0, 3000), 0);
});
