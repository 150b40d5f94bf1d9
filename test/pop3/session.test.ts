import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import type { TraceFn } from "../../src/net/types.js";
import { Pop3Client } from "../../src/pop3/client.js";
import { buildXoauth2 } from "../../src/sasl/xoauth2.js";
import { EXO, type Handler, type ScriptedServer, startScriptedServer } from "../harness/servers/scripted-pop3.js";

const MAILBOX = "test@contoso.onmicrosoft.com";
const TOKEN = "EwBAAl3BAAUFFpUAo7J3Ve0bjLBWZWCclRC3EoAA";
let server: ScriptedServer | undefined;
let client: Pop3Client | undefined;
afterEach(async () => {
  client?.close();
  client = undefined;
  await server?.close();
  server = undefined;
});

/** Exchange-like behaviour: two-step AUTH only, exact texts. */
function exo(accept: boolean, extra: Record<string, string> = {}): Handler {
  let authStep = 0;
  return (line, c) => {
    if (authStep === 1) {
      authStep = 0;
      const ok = accept && line === buildXoauth2(MAILBOX, TOKEN);
      c.send(`${ok ? EXO.authOk : EXO.authFail}\r\n`);
      return;
    }
    const verb = line.split(" ")[0]?.toUpperCase() ?? "";
    if (line === "CAPA") c.send(EXO.capa);
    else if (line === "AUTH XOAUTH2") {
      authStep = 1;
      c.send("+ \r\n");
    } else if (line.startsWith("AUTH XOAUTH2 ")) c.send("-ERR Protocol error.\r\n");
    else if (extra[line] !== undefined) c.send(extra[line] as string);
    else if (verb === "QUIT") {
      c.send("+OK Microsoft Exchange Server POP3 server signing off.\r\n");
      c.end();
    } else c.send("-ERR Protocol error.\r\n");
  };
}

async function connect(onTrace?: TraceFn): Promise<Pop3Client> {
  client = await Pop3Client.connect({
    host: "127.0.0.1",
    port: (server as ScriptedServer).port,
    tls: "none",
    ...(onTrace ? { onTrace } : {}),
  });
  return client;
}

test("Exchange transcript: greeting, CAPA without PIPELINING, two-step XOAUTH2, STAT, QUIT", async () => {
  server = await startScriptedServer(EXO.greeting, exo(true, { STAT: "+OK 2 320\r\n" }));
  const trace: string[] = [];
  const c = await connect((e) => trace.push(`${e.dir.toUpperCase()}: ${e.line}`));
  assert.equal(c.greeting, EXO.greeting.slice(4));
  assert.deepEqual(c.capabilities.sasl, ["PLAIN", "XOAUTH2"]);
  assert.equal(c.capabilities.pipelining, false);
  await c.authenticateXoauth2(MAILBOX, async () => TOKEN);
  assert.equal(c.session.state, "TRANSACTION");
  assert.deepEqual(await c.stat(), { count: 2, size: 320 });
  await c.quit();
  assert.deepEqual(server.received, ["CAPA", "AUTH XOAUTH2", buildXoauth2(MAILBOX, TOKEN), "STAT", "QUIT"]);
  assert.ok(trace.includes("C: AUTH XOAUTH2"));
  assert.ok(trace.includes("C: <redacted>"));
  assert.ok(!trace.some((l) => l.includes(TOKEN) || l.includes("dXNlcj1")));
  assert.ok(trace.includes(`S: ${EXO.authOk}`));
});

test("Exchange's -ERR to AUTH is MAILBOX_ACCESS_DENIED carrying the server reply", async () => {
  server = await startScriptedServer(EXO.greeting, exo(false));
  const c = await connect();
  await assert.rejects(c.authenticateXoauth2(MAILBOX, TOKEN), (e: Error & { code: string; details: object }) => {
    assert.equal(e.code, "MAILBOX_ACCESS_DENIED");
    assert.deepEqual(e.details, { command: "AUTH XOAUTH2", serverReply: EXO.authFail });
    return true;
  });
  assert.equal(c.session.state, "AUTHORIZATION");
});

test("JSON error continuation is answered with an empty line, then the final -ERR", async () => {
  const json = Buffer.from('{"status":"401","schemes":"bearer","scope":"https://outlook.office365.com/"}');
  let step = 0;
  server = await startScriptedServer("+OK Dovecot ready.", (line, c) => {
    if (line === "CAPA") c.send("+OK\r\nSASL XOAUTH2\r\nPIPELINING\r\n.\r\n");
    else if (line === "AUTH XOAUTH2") c.send("+ \r\n");
    else if (step++ === 0) c.send(`+ ${json.toString("base64")}\r\n`);
    else c.send(line === "" ? "-ERR [AUTH] Authentication failed.\r\n" : "-ERR expected empty line\r\n");
  });
  const c = await connect();
  await assert.rejects(
    c.authenticateXoauth2(MAILBOX, {
      getToken: async () => ({ token: TOKEN, expiresOn: new Date(), fromCache: false }),
    }),
    (e: Error & { code: string; details: { params?: object; serverReply?: string } }) => {
      assert.equal(e.code, "MAILBOX_ACCESS_DENIED");
      assert.equal(e.details.serverReply, "-ERR [AUTH] Authentication failed.");
      assert.deepEqual(e.details.params, {
        respCode: "AUTH",
        saslStatus: "401",
        saslSchemes: "bearer",
        saslScope: "https://outlook.office365.com/",
      });
      return true;
    },
  );
  assert.equal(server.received.at(-1), "");
});

test("XOAUTH2 missing from CAPA is XOAUTH2_NOT_OFFERED without sending AUTH", async () => {
  server = await startScriptedServer("+OK hi", (line, c) => {
    c.send(line === "CAPA" ? "+OK\r\nUSER\r\nSASL PLAIN\r\n.\r\n" : "-ERR no\r\n");
  });
  const c = await connect();
  await assert.rejects(c.authenticateXoauth2(MAILBOX, TOKEN), { code: "XOAUTH2_NOT_OFFERED" });
  assert.deepEqual(server.received, ["CAPA"]);
});

test("server closing mid-session is CONNECTION_CLOSED; junk is PROTOCOL_ERROR", async () => {
  server = await startScriptedServer(EXO.greeting, (line, c) => {
    if (line === "CAPA") c.send(EXO.capa);
    else if (line === "NOOP") c.send("* garbage\r\n");
    else c.end();
  });
  const c1 = await connect();
  await assert.rejects(c1.session.command({ verb: "USER", args: "x", shape: "single" }), { code: "CONNECTION_CLOSED" });
  const c2 = await connect();
  c2.session.state = "TRANSACTION";
  await assert.rejects(c2.noop(), { code: "PROTOCOL_ERROR" });
  await assert.rejects(c2.noop(), { code: "PROTOCOL_ERROR" });
});

test("an unsolicited line is PROTOCOL_ERROR, and commands not allowed in the state are refused", async () => {
  server = await startScriptedServer(EXO.greeting, (line, c) => {
    if (line === "CAPA") c.send(`${EXO.capa}+OK surprise\r\n`);
  });
  const c = await connect();
  await assert.rejects(c.stat(), { code: "PROTOCOL_ERROR", message: /nobody asked for/ });
  assert.equal(c.session.state, "CLOSED");
});

test("RETR before authentication is refused locally (state table)", async () => {
  server = await startScriptedServer(EXO.greeting, exo(true));
  const c = await connect();
  await assert.rejects(c.retr(1), /not allowed in the AUTHORIZATION state/);
  assert.deepEqual(server.received, ["CAPA"]);
});

test("a silent server is TIMEOUT", async () => {
  server = await startScriptedServer(EXO.greeting, () => {});
  await assert.rejects(
    Pop3Client.connect({ host: "127.0.0.1", port: server.port, tls: "none", timeouts: { commandMs: 100 } }),
    { code: "TIMEOUT" },
  );
});

test("USER/PASS: password redacted in the trace; -ERR is MAILBOX_ACCESS_DENIED", async () => {
  server = await startScriptedServer(EXO.greeting, (line, c) => {
    if (line === "CAPA") c.send(EXO.capa);
    else if (line.startsWith("USER ")) c.send("+OK\r\n");
    else c.send("-ERR Logon failure: unknown user name or bad password.\r\n");
  });
  const trace: string[] = [];
  const c = await connect((e) => trace.push(`${e.dir.toUpperCase()}: ${e.line}`));
  await assert.rejects(c.login("u@x", "hunter2-secret"), { code: "MAILBOX_ACCESS_DENIED" });
  assert.ok(trace.includes("C: PASS <redacted>"));
  assert.ok(!trace.some((l) => l.includes("hunter2")));
});

test("random bytes from the server only ever produce XoauthError", async () => {
  const { default: fc } = await import("fast-check");
  const { XoauthError } = await import("../../src/errors.js");
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (junk) => {
      server = await startScriptedServer("+OK hi", (line, c) => {
        if (line === "CAPA") {
          c.send("+OK\r\nSASL XOAUTH2\r\n.\r\n");
          c.send(Buffer.from(junk).toString("latin1"));
          setTimeout(() => c.end(), 5);
        }
      });
      try {
        const c = await connect();
        await c.authenticateXoauth2(MAILBOX, TOKEN);
        await c.stat();
        await c.list();
      } catch (e) {
        assert.ok(e instanceof XoauthError, String(e));
      } finally {
        client?.close();
        await server.close();
        server = undefined;
      }
    }),
    { numRuns: 40 },
  );
});
