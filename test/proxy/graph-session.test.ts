/**
 * The graph SMTP session's own protocol (no Graph request needed): commands pipelined with AUTH are answered in order,
 * the transaction rules (MAIL before RCPT, RCPT before DATA, null sender refused), and the proxy's shutdown ends an
 * idle session with 421 and a close log line.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ProxyLogRecord } from "../../src/proxy/log.js";
import { type ProxyServer, startProxy } from "../../src/proxy/server.js";
import { createUpstreamLogin } from "../../src/proxy/upstream/index.js";
import { rawConnect } from "../harness/proxy/raw-client.js";
import { countingTokens, LOCAL_PASSWORD, localHash, testListener, waitForLog } from "../harness/proxy/test-proxy.js";

const MB = "scans@contoso.example";

describe("proxy SMTP listener with upstream: graph: the session itself", () => {
  let proxy: ProxyServer;
  let port: number;
  const logs: ProxyLogRecord[] = [];
  const tokens = countingTokens(async () => "never-used");

  before(async () => {
    const l = testListener("scanner", "smtp");
    proxy = await startProxy({
      listeners: [{ ...l, upstream: { ...l.upstream, graph: true } }],
      users: [
        {
          username: "u",
          passwordHash: await localHash(),
          account: {
            name: "main",
            mailbox: MB,
            tokens,
            graph: { url: "https://127.0.0.1:1/v1.0", tokens },
            sendAs: ["NoReply@contoso.example"],
          },
        },
      ],
      upstream: createUpstreamLogin(),
      logger: (r) => logs.push(r),
      authFailureDelayMs: 0,
    });
    port = proxy.listeners[0]?.port ?? 0;
  });
  after(() => proxy.close(0));

  const auth = Buffer.from(`\0u\0${LOCAL_PASSWORD}`).toString("base64");

  it("pipelined after AUTH: every command answered in order; transaction rules; sendAs case-insensitive", async () => {
    const c = await rawConnect(port);
    await c.waitFor(/^220 /m);
    c.send(
      [
        "EHLO scanner",
        `AUTH PLAIN ${auth}`,
        "RCPT TO:<a@b.example>",
        "DATA",
        "MAIL FROM:<>",
        "MAIL FROM:<noreply@contoso.example> SIZE=999999999",
        "MAIL FROM:<noreply@contoso.example> SIZE=100",
        "MAIL FROM:<noreply@contoso.example>",
        "DATA",
        "RSET",
        "AUTH PLAIN x",
        "EHLO again",
        "QUIT",
        "",
      ].join("\r\n"),
    );
    const all = await c.closed();
    const codes = all
      .split("\r\n")
      .filter((l) => /^\d{3} /.test(l))
      .map((l) => l.slice(0, 9));
    assert.deepEqual(codes, [
      "220 xoaut",
      "250 AUTH ",
      "235 2.7.0",
      "503 5.5.1",
      "503 5.5.1",
      "550 5.7.1",
      "552 5.3.4",
      "250 2.1.0",
      "503 5.5.1",
      "554 5.5.1",
      "250 2.0.0",
      "503 5.5.1",
      "250 SIZE ",
      "221 2.0.0",
    ]);
    assert.equal(tokens.calls, 0);
  });

  it("the proxy's shutdown ends an idle graph session with 421 and logs outcome=shutdown", async () => {
    const c = await rawConnect(port);
    await c.waitFor(/^220 /m);
    c.send(`EHLO scanner\r\nAUTH PLAIN ${auth}\r\nNOOP\r\n`);
    await c.waitFor(/^250 2\.0\.0 OK\r\n/m);
    await proxy.close(0);
    const all = await c.closed();
    assert.match(all, /\r\n421 4\.3\.2 [^\r\n]*\r\n$/);
    await waitForLog(logs, (r) => r.event === "close" && r.outcome === "shutdown" && r.user === "u");
  });
});
