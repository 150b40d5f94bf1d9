/**
 * The token read and the TCP + TLS connect of a pass overlap (POP3 and IMAP): the token provider below answers only
 * once the mail server has seen the connection. A pass that read the token first would never connect (the test would
 * time out); one that overlaps them delivers.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { it } from "node:test";
import { fetchAccount } from "../../src/fetch/engine.js";
import { address, exo, options, ports, provider } from "../harness/exchange-world.js";
import { plainMessage } from "../harness/messages.js";

/** A plain TCP pipe to `port` that resolves `seen` at its first connection. */
async function watchedPipe(port: number): Promise<{ port: number; seen: Promise<void>; close(): void }> {
  let saw: () => void = () => {};
  const seen = new Promise<void>((r) => {
    saw = r;
  });
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    saw();
    const up = net.connect(port, "127.0.0.1");
    for (const s of [client, up]) {
      sockets.add(s);
      s.on("error", () => {});
    }
    client.pipe(up).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const close = () => {
    for (const s of sockets) s.destroy();
    server.close();
  };
  return { port: (server.address() as net.AddressInfo).port, seen, close };
}

for (const protocol of ["pop3", "imap"] as const) {
  it(`${protocol}: the token is read while the connection is made, not before`, { timeout: 30_000 }, async (t) => {
    exo.directory.findMailbox(address)?.folders.get("INBOX")?.splice(0);
    exo.directory.deliver(address, plainMessage(1, 2000));
    const pipe = await watchedPipe(protocol === "pop3" ? ports.pop3s : ports.imaps);
    t.after(pipe.close);
    const real = provider();
    const o = options(protocol, {
      delete: false,
      tokenProvider: {
        ...real,
        getToken: async (opts) => {
          await pipe.seen; // only once the server sees the connection
          return real.getToken(opts);
        },
      },
    });
    const s = await fetchAccount({ ...o, server: { ...o.server, port: pipe.port } });
    assert.equal(s.ok, true, JSON.stringify(s.errors));
    assert.equal(s.fetched, 1);
  });
}
