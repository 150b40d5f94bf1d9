/**
 * A hostile or broken POP3 server (endless line, endless message, garbage) ends the run with a typed error; one that
 * never answers QUIT does not hold up a --keep run (QUIT has nothing to commit then).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { createServer, type Server, type TLSSocket } from "node:tls";
import { fetchAccount } from "../../src/fetch/engine.js";
import { createTestPki } from "../../src/sandbox/pki.js";

const pki = createTestPki();
const cert = pki.issueServerCert(["127.0.0.1"]);
let dir: string;
let server: Server;
let script: (s: TLSSocket) => void = () => {};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "xoauth-fetch-hostile-"));
  server = createServer({ cert: cert.certPem, key: cert.keyPem }, (s) => {
    s.on("error", () => {});
    script(s);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
});
after(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

/** A server that logs in fine and answers RETR with `retr` (and QUIT with `quit`). */
function loginThen(
  retr: (s: TLSSocket) => void,
  quit: (s: TLSSocket) => void = (s) => s.end("+OK bye\r\n"),
): (s: TLSSocket) => void {
  return (s) => {
    s.write("+OK ready\r\n");
    let buf = "";
    s.on("data", (c: Buffer) => {
      buf += c.toString();
      let i = buf.indexOf("\r\n");
      while (i >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (line === "CAPA") s.write("+OK\r\nUIDL\r\nSASL XOAUTH2\r\n.\r\n");
        else if (line === "AUTH XOAUTH2") s.write("+ \r\n");
        else if (/^[A-Za-z0-9+/=]{20,}$/.test(line)) s.write("+OK welcome\r\n");
        else if (line === "LIST") s.write("+OK\r\n1 100\r\n.\r\n");
        else if (line === "UIDL") s.write("+OK\r\n1 abc\r\n.\r\n");
        else if (line.startsWith("RETR")) retr(s);
        else if (line === "QUIT") quit(s);
        i = buf.indexOf("\r\n");
      }
    });
  };
}

async function run(opts: { delete?: boolean } = {}) {
  const md = join(dir, `md-${Math.random().toString(36).slice(2)}`);
  const s = await fetchAccount({
    account: "x@contoso.com",
    protocol: "pop3",
    server: {
      host: "127.0.0.1",
      port: (server.address() as { port: number }).port,
      tls: "implicit",
      ca: [pki.ca.certPem],
    },
    tokenProvider: {
      getToken: async () => ({ token: "t0ken", expiresOn: new Date(Date.now() + 3600_000), fromCache: false }),
    },
    maildir: md,
    delete: opts.delete ?? true,
    retries: 0,
    timeouts: { commandMs: 2000, dataIdleMs: 2000 },
  });
  return { s, md };
}

it("an endless greeting line is LIMIT_EXCEEDED, not unbounded memory", async () => {
  script = (s) => {
    const chunk = Buffer.alloc(64 * 1024, "a");
    const pump = () => {
      while (!s.destroyed && s.write(chunk));
      if (!s.destroyed) s.once("drain", pump);
    };
    pump();
  };
  const { s } = await run();
  assert.equal(s.ok, false);
  assert.equal(s.errors[0]?.code, "LIMIT_EXCEEDED");
});

it("garbage instead of a POP3 greeting is PROTOCOL_ERROR", async () => {
  script = (s) => s.write("HTTP/1.1 400 Bad Request\r\n\r\n");
  const { s } = await run();
  assert.equal(s.ok, false);
  assert.equal(s.errors[0]?.code, "PROTOCOL_ERROR");
});

it("a message body that never ends with an endless line stops with a typed error and leaves no file", async () => {
  script = loginThen((s) => {
    s.write("+OK message follows\r\n");
    const chunk = Buffer.alloc(64 * 1024, "b");
    const pump = () => {
      while (!s.destroyed && s.write(chunk));
      if (!s.destroyed) s.once("drain", pump);
    };
    pump();
  });
  const { s, md } = await run();
  assert.equal(s.ok, false);
  assert.ok(["LIMIT_EXCEEDED", "TIMEOUT", "CONNECTION_CLOSED"].includes(s.errors[0]?.code ?? ""), s.errors[0]?.code);
  assert.deepEqual(readdirSync(join(md, "new")), []);
  assert.deepEqual(readdirSync(join(md, "tmp")), []);
});

it("--keep: QUIT is sent but its answer not waited for (no DELE to commit): a server that never answers it holds nothing up", {
  timeout: 20_000,
}, async () => {
  let quitSeen = false;
  script = loginThen(
    (s) => s.write("+OK\r\nSubject: x\r\n\r\nhi\r\n.\r\n"),
    () => {
      quitSeen = true; // no answer, connection left open: waiting for one would hang until the test times out
    },
  );
  const { s } = await run({ delete: false });
  assert.equal(s.ok, true, JSON.stringify(s.errors));
  assert.equal(s.fetched, 1);
  assert.equal(quitSeen, true);
});
