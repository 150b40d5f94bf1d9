/** The upstream login decodes the server's XOAUTH2 JSON error continuation into the diagnosis details (POP3 + SMTP). */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { XoauthError } from "../../src/errors.js";
import { createUpstreamLogin } from "../../src/proxy/upstream/index.js";
import { createTestPki, type TestPki } from "../../src/sandbox/pki.js";
import { countingTokens } from "../harness/proxy/test-proxy.js";
import { type ScriptedUpstream, scriptedUpstream } from "../harness/servers/scripted-upstream.js";

const JSON_ERR = Buffer.from('{"status":"401","schemes":"bearer","scope":"https://outlook.office.com/"}').toString(
  "base64",
);

describe("upstream XOAUTH2 error continuation", () => {
  let pki: TestPki;
  const servers: ScriptedUpstream[] = [];
  before(() => {
    pki = createTestPki();
  });
  after(() => {
    for (const s of servers) void s.close();
  });

  async function login(protocol: "pop3" | "smtp", server: ScriptedUpstream): Promise<XoauthError> {
    servers.push(server);
    const up = createUpstreamLogin({ ca: [pki.ca.certPem] });
    const port = server.port;
    const err = await up
      .login({
        protocol,
        target: { host: "127.0.0.1", port, tls: "implicit" },
        account: { name: "a", mailbox: "mb@contoso.com", tokens: countingTokens(async () => "tok.en.value") },
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(err instanceof XoauthError, String(err));
    return err;
  }

  it("POP3: `+ <base64 JSON>` is answered with an empty line; the -ERR carries saslStatus", async () => {
    const seen: string[] = [];
    const server = await scriptedUpstream(pki, "+OK ready\r\n", (l) => {
      seen.push(l);
      if (l === "AUTH XOAUTH2") return "+ \r\n";
      if (l === "") return "-ERR Authentication failure\r\n";
      return `+ ${JSON_ERR}\r\n`;
    });
    const e = await login("pop3", server);
    assert.equal(e.code, "MAILBOX_ACCESS_DENIED");
    assert.equal(e.details.params?.saslStatus, "401");
    assert.equal(e.details.params?.saslScope, "https://outlook.office.com/");
    assert.equal(seen.at(-1), "", "the continuation was answered with an empty line");
  });

  it("SMTP: `334 <base64 JSON>`, then 535 5.7.139 is SMTP_AUTH_DISABLED with saslStatus", async () => {
    const server = await scriptedUpstream(pki, "220 fake ESMTP\r\n", (l) => {
      if (l.startsWith("EHLO")) return "250-fake\r\n250 AUTH XOAUTH2\r\n";
      if (l === "AUTH XOAUTH2") return "334 \r\n";
      if (l === "") return "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled\r\n";
      return `334 ${JSON_ERR}\r\n`;
    });
    const e = await login("smtp", server);
    assert.equal(e.code, "SMTP_AUTH_DISABLED");
    assert.equal(e.details.params?.saslStatus, "401");
  });
});
