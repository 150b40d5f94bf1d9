/**
 * The proxy takes the logged-in IMAP connection over with detach(): the socket, and the bytes the server sent after
 * its last login reply (here in the same packet), unparsed, so that the pipe forwards them to the client.
 */
import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import { after, test } from "node:test";
import { ImapClient } from "../../src/imap/client.js";
import { connect } from "../../src/net/connect.js";

const servers: Server[] = [];
const sockets: Socket[] = [];
after(() => {
  for (const s of sockets) s.destroy();
  for (const s of servers) s.close();
});

/** A plain IMAP server that answers the login and, in the same write, an unsolicited EXISTS and half a line. */
function server(): Promise<number> {
  const s = createServer((sock: Socket) => {
    sockets.push(sock);
    sock.on("error", () => {});
    sock.write("* OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2 SASL-IR] ready\r\n");
    sock.on("data", (d: Buffer) => {
      const m = /^(\S+) AUTHENTICATE XOAUTH2 /.exec(d.toString("latin1"));
      if (m) sock.write(`${m[1]} OK [CAPABILITY IMAP4rev1 IDLE] Logged in\r\n* 3 EXISTS\r\n* 1 REC`);
    });
  });
  servers.push(s);
  return new Promise((res) => s.listen(0, "127.0.0.1", () => res((s.address() as { port: number }).port)));
}

test("detach() returns the socket and the bytes after the login reply, as received", async () => {
  const port = await server();
  const socket = await connect({ host: "127.0.0.1", port, tls: "none" });
  const c = await ImapClient.start(socket, {
    host: "127.0.0.1",
    port,
    tls: "none",
    user: "a@b.example",
    token: "t",
    handOver: true,
  });
  assert.deepEqual(c.announced, ["IMAP4rev1", "IDLE"]);
  assert.equal(c.loginReply, "[CAPABILITY IMAP4rev1 IDLE] Logged in");
  const { socket: s, leftover } = c.detach();
  sockets.push(s);
  assert.equal(leftover.toString("latin1"), "* 3 EXISTS\r\n* 1 REC");
  assert.equal(c.exists, 0, "the EXISTS was not parsed");
});
