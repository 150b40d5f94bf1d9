/**
 * The classifiers of every layer read server replies with the Exchange table (src/exchange/contract.ts): a connection
 * limit or a busy server is SERVER_BUSY (temporary, exit 5) everywhere, never MAILBOX_ACCESS_DENIED or
 * PROTOCOL_ERROR; the proxy, fetch and the diagnosis take permanence from one place (isTemporaryCode).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { diagnose } from "../../src/diagnose/index.js";
import { exitCodeOf, isTemporaryCode, XoauthError } from "../../src/errors.js";
import { REPLIES, replyFor } from "../../src/exchange/contract.js";
import { isRetryable } from "../../src/fetch/recovery.js";
import { mapImapError } from "../../src/imap/errors.js";
import { serverError } from "../../src/pop3/commands/reply.js";
import { parseReply } from "../../src/pop3/parser.js";
import { isTemporary } from "../../src/proxy/session.js";
import type { UpstreamLoginRequest } from "../../src/proxy/types.js";
import { authRejected } from "../../src/proxy/upstream/conn.js";
import { classifySmtpReply } from "../../src/smtp/errors.js";
import { err, run } from "../harness/diagnose-fixtures.js";

const DOVECOT = {
  pop3: "-ERR [IN-USE] Maximum number of connections from user+IP exceeded (mail_max_userip_connections=10)",
  imap: "NO [LIMIT] Maximum number of connections from user+IP exceeded (mail_max_userip_connections=10)",
  smtp: "421 4.7.0 Maximum number of connections from user+IP exceeded (mail_max_userip_connections=10)",
} as const;

const all = (d: { summary: string; causes: string[]; fix: string[] }) => [d.summary, ...d.causes, ...d.fix].join("\n");

function upstreamReq(protocol: "pop3" | "imap" | "smtp"): UpstreamLoginRequest {
  return {
    protocol,
    target: { host: "mail.example", port: 993 },
    account: { name: "main", mailbox: "box@example.com" },
  } as unknown as UpstreamLoginRequest;
}

describe("SERVER_BUSY", () => {
  it("is exit 5 and temporary", () => {
    assert.equal(exitCodeOf("SERVER_BUSY"), 5);
    assert.equal(isTemporaryCode("SERVER_BUSY"), true);
  });
});

describe("classifiers use the table", () => {
  it("SMTP: a 4xx reply (connection limit, busy) is SERVER_BUSY, not undefined (-> PROTOCOL_ERROR)", () => {
    assert.equal(classifySmtpReply(DOVECOT.smtp, "AUTH XOAUTH2"), "SERVER_BUSY");
    assert.equal(classifySmtpReply("454 4.7.0 Temporary authentication failure", "AUTH XOAUTH2"), "SERVER_BUSY");
    assert.equal(classifySmtpReply("421 4.3.2 Service not available", "MAIL FROM"), "SERVER_BUSY");
    assert.equal(classifySmtpReply("421 4.3.2 Service not available", "RCPT TO"), "SERVER_BUSY");
    // unchanged: 5.7.139, other 535, 504 at AUTH only, SendAsDenied, the 5xx fallback at AUTH
    assert.equal(
      classifySmtpReply(replyFor("smtp-auth-disabled-tenant", "smtp")[0] as string, "AUTH"),
      "SMTP_AUTH_DISABLED",
    );
    assert.equal(classifySmtpReply("535 5.7.3 Authentication unsuccessful", "AUTH XOAUTH2"), "MAILBOX_ACCESS_DENIED");
    assert.equal(
      classifySmtpReply("504 5.5.4 Unrecognized authentication type", "AUTH XOAUTH2"),
      "XOAUTH2_NOT_OFFERED",
    );
    assert.equal(classifySmtpReply("504 5.5.4 Unrecognized parameter", "MAIL FROM"), undefined);
    assert.equal(classifySmtpReply(replyFor("send-as-denied", "smtp")[0] as string, "DATA"), "SEND_AS_DENIED");
    assert.equal(classifySmtpReply("550 5.7.60 SMTP; Client does not have permissions", "RCPT TO"), "SEND_AS_DENIED");
    assert.equal(classifySmtpReply("554 5.7.0 policy", "AUTH XOAUTH2"), "MAILBOX_ACCESS_DENIED");
    assert.equal(classifySmtpReply("501 5.5.2 syntax", "AUTH XOAUTH2"), undefined);
  });

  it("POP3: -ERR [IN-USE] / [SYS/TEMP] / Server Unavailable are SERVER_BUSY whatever the caller expected", () => {
    for (const line of [DOVECOT.pop3, "-ERR [SYS/TEMP] try later", "-ERR Server Unavailable. 21"]) {
      assert.equal(serverError("AUTH XOAUTH2", parseReply(line), "MAILBOX_ACCESS_DENIED").code, "SERVER_BUSY", line);
    }
    const denied = replyFor("auth-failed", "pop3")[0] as string;
    assert.equal(
      serverError("AUTH XOAUTH2", parseReply(denied), "MAILBOX_ACCESS_DENIED").code,
      "MAILBOX_ACCESS_DENIED",
    );
  });

  it("IMAP: a tagged NO [LIMIT] at AUTHENTICATE is SERVER_BUSY, not MAILBOX_ACCESS_DENIED", () => {
    const ctx = { host: "h", port: 993, user: "u", command: "AUTHENTICATE XOAUTH2" };
    const failed = () => Object.assign(new Error("Authentication failed"), { authenticationFailed: true });
    assert.equal(mapImapError(failed(), { ...ctx, lastTagged: DOVECOT.imap }).code, "SERVER_BUSY");
    assert.equal(
      mapImapError(failed(), { ...ctx, lastTagged: "NO Maximum number of connections from user+IP exceeded" }).code,
      "SERVER_BUSY",
    );
    assert.equal(
      mapImapError(failed(), { ...ctx, lastTagged: "NO AUTHENTICATE failed." }).code,
      "MAILBOX_ACCESS_DENIED",
    );
    const bad = { ...ctx, command: "LIST", lastTagged: "BAD User is authenticated but not connected." };
    assert.equal(mapImapError(new Error("x"), bad).code, "MAILBOX_NOT_CONNECTED");
  });

  it("proxy upstream: the refusal's code comes from the table", () => {
    for (const p of ["pop3", "imap", "smtp"] as const) {
      const line = p === "imap" ? `A1 ${DOVECOT.imap}` : DOVECOT[p];
      assert.equal(authRejected(upstreamReq(p), line).code, "SERVER_BUSY", p);
    }
    const disabled = replyFor("smtp-auth-disabled-mailbox", "smtp")[0] as string;
    assert.equal(authRejected(upstreamReq("smtp"), disabled).code, "SMTP_AUTH_DISABLED");
    assert.equal(authRejected(upstreamReq("imap"), "A1 NO AUTHENTICATE failed.").code, "MAILBOX_ACCESS_DENIED");
  });
});

describe("permanence from one place", () => {
  it("the proxy answers temporary exactly for temporary codes: a bad secret or a missing permission is permanent", () => {
    const t = (code: ConstructorParameters<typeof XoauthError>[0]) => isTemporary(new XoauthError(code, "x"));
    assert.equal(t("SERVER_BUSY"), true);
    assert.equal(t("TOKEN_ENDPOINT_UNREACHABLE"), true);
    assert.equal(t("TIMEOUT"), true);
    assert.equal(t("CLIENT_SECRET_INVALID"), false);
    assert.equal(t("PERMISSION_MISSING"), false);
    assert.equal(t("MAILBOX_ACCESS_DENIED"), false);
    for (const r of REPLIES) assert.equal(t(r.code), r.kind === "temporary", r.id);
  });

  it("fetch reconnects on SERVER_BUSY, not on a refused login", () => {
    assert.equal(isRetryable(new XoauthError("SERVER_BUSY", "x")), true);
    assert.equal(isRetryable(new XoauthError("MAILBOX_ACCESS_DENIED", "x")), false);
  });
});

describe("diagnosis of a busy server", () => {
  for (const [protocol, reply, code] of [
    ["imap", DOVECOT.imap, "SERVER_BUSY"],
    ["pop3", DOVECOT.pop3, "PROTOCOL_ERROR"],
    ["smtp", DOVECOT.smtp, "UNEXPECTED"],
  ] as const) {
    it(`${protocol}: ${code} with a busy reply is SERVER_BUSY, with a wait-and-close fix and no permission fix`, () => {
      const d = diagnose(run({ failAt: "auth", error: err(code, "refused", reply), options: { protocol } }), "en");
      assert.equal(d.code, "SERVER_BUSY");
      for (const line of d.fix) assert.doesNotMatch(line, /^(?:Connect-ExchangeOnline|New-|Add-|Set-|Remove-)/, line);
      assert.match(all(d), /Wait/);
      const de = diagnose(run({ failAt: "auth", error: err(code, "refused", reply), options: { protocol } }), "de");
      assert.match(all(de), /warten/);
    });
  }
});
