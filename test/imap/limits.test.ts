import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createServer, type Server, type TLSSocket } from "node:tls";
import { ImapClient } from "../../src/imap/client.js";
import { LIMITS } from "../../src/limits.js";
import { createTestPki, type TestPki } from "../../src/sandbox/pki.js";
import { rejects } from "../harness/rejects.js";

/** A scripted IMAPS server: logs every client command; `LIST "" "*"` answers with a literal of `listLiteral` bytes. */
function scriptedImap(pki: TestPki, listLiteral: number, seen: string[]): Server {
  const cert = pki.issueServerCert();
  return createServer({ key: cert.keyPem, cert: cert.certPem }, (sock: TLSSocket) => {
    sock.on("error", () => {});
    sock.write("* OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2] ready\r\n");
    let buf = "";
    sock.on("data", (d: Buffer) => {
      buf += d.toString("latin1");
      for (let i = buf.indexOf("\r\n"); i >= 0; i = buf.indexOf("\r\n")) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        seen.push(line);
        const [tag, cmd = ""] = line.split(" ");
        const verb = cmd.toUpperCase();
        if (verb === "CAPABILITY") sock.write("* CAPABILITY IMAP4rev1 AUTH=XOAUTH2\r\n");
        if (verb === "LIST" && line.endsWith('"*"')) {
          sock.write(`* LIST (\\HasNoChildren) "/" {${listLiteral}}\r\n`);
          const chunk = Buffer.alloc(64 * 1024, 0x61);
          for (let n = 0; n < listLiteral; n += chunk.length)
            sock.write(chunk.subarray(0, Math.min(chunk.length, listLiteral - n)));
          sock.write("\r\n");
        }
        if (verb === "LOGOUT") sock.write("* BYE\r\n");
        sock.write(`${tag} OK done\r\n`);
      }
    });
  });
}

describe("IMAP response bounds", () => {
  let pki: TestPki;
  const servers: Server[] = [];
  before(() => {
    pki = createTestPki();
  });
  after(() => {
    for (const s of servers) s.close();
  });

  async function start(listLiteral: number, seen: string[]): Promise<number> {
    const srv = scriptedImap(pki, listLiteral, seen);
    servers.push(srv);
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    return (srv.address() as { port: number }).port;
  }

  const connect = (port: number) =>
    ImapClient.connect({ host: "127.0.0.1", port, tls: "implicit", ca: [pki.ca.certPem], user: "a@b", token: "t" });

  it("a LIST literal above maxImapLiteralBytes is LIMIT_EXCEEDED, not a closed connection", async () => {
    const seen: string[] = [];
    const port = await start(LIMITS.maxImapLiteralBytes + 1, seen);
    const s = await connect(port);
    try {
      const err = await rejects(s.listFolders());
      assert.equal(err.code, "LIMIT_EXCEEDED");
      assert.equal(err.details.command, "LIST");
    } finally {
      s.close();
    }
  });

  it("a LIST literal of 1 MB is accepted", async () => {
    const seen: string[] = [];
    const port = await start(1024 * 1024, seen);
    const s = await connect(port);
    try {
      const boxes = await s.listFolders();
      assert.ok(
        boxes.some((b) => b.length === 1024 * 1024),
        "the 1 MB mailbox name arrives",
      );
    } finally {
      s.close();
    }
  });
});
