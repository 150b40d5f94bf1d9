import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { describe, test } from "node:test";
import type { AccessToken } from "../../src/auth/types.js";
import { XoauthError } from "../../src/errors.js";
import "../../src/i18n/catalogs.js";
import { runGraphSend } from "../../src/send/graph-run.js";
import type { OutgoingMessage } from "../../src/send/message.js";
import type { RawSource } from "../../src/send/source.js";
import { mintToken } from "../harness/sandbox/exchange-fake.js";
import { SendDouble } from "./graph-double.js";

const token: AccessToken = {
  // A Graph token (aud graph.microsoft.com, Mail.Send): the claims step checks it as `test --protocol graph` does.
  token: mintToken({ aud: "https://graph.microsoft.com", roles: ["Mail.Send"] }),
  expiresOn: new Date(Date.now() + 3_600_000),
  fromCache: false,
};

function raw(text: string): OutgoingMessage {
  const source: RawSource = {
    stream: Readable.from([Buffer.from(text)]),
    messageId: undefined,
    name: "m.eml",
    error: () => undefined,
  };
  return { kind: "raw", source };
}

function base(g: SendDouble, message: OutgoingMessage) {
  return {
    mailbox: "sender@contoso.com",
    envelope: { from: "sender@contoso.com", to: ["ops@contoso.com"] },
    message,
    graphUrl: "https://graph.microsoft.com/v1.0",
    cloud: "global" as const,
    tenantId: "contoso.onmicrosoft.com",
    getToken: async () => token,
    createClient: () => g,
  };
}

describe("send --protocol graph run", () => {
  test("accepted: steps token and send, 202 with the request id", async () => {
    const g = new SendDouble();
    const r = await runGraphSend(base(g, raw("From: sender@contoso.com\r\nTo: ops@contoso.com\r\n\r\nhi\r\n")));
    assert.equal(r.ok, true);
    assert.deepEqual(
      r.steps.map((s) => [s.id, s.ok]),
      [
        ["token", true],
        ["claims", true],
        ["send", true],
      ],
    );
    assert.match(r.steps[2]?.detail ?? "", /202 Accepted \(mime, request-id req-1\)/);
    assert.equal(r.sent?.path, "mime");
  });

  test("a composed message goes as MIME with Bcc recipients as a Bcc line", async () => {
    const g = new SendDouble();
    const message: OutgoingMessage = {
      kind: "compose",
      fields: {
        from: "sender@contoso.com",
        to: ["ops@contoso.com"],
        cc: [],
        subject: "Hi",
        body: "text",
        attachments: [],
      },
    };
    const input = {
      ...base(g, message),
      envelope: { from: "sender@contoso.com", to: ["ops@contoso.com", "hidden@contoso.com"] },
    };
    const r = await runGraphSend(input);
    assert.equal(r.ok, true);
    const mime = (g.calls[0] as { mime: Buffer }).mime.toString();
    assert.match(mime, /^Bcc: hidden@contoso\.com\r\n/);
    assert.match(mime, /\r\nSubject: Hi\r\n/);
  });

  test("Send As refused: SEND_AS_DENIED naming the From address and the mailbox as trustee", async () => {
    const g = new SendDouble();
    g.failOn = {
      op: "sendMime",
      error: new XoauthError("SEND_AS_DENIED", "Graph refused to send as the From address."),
    };
    const r = await runGraphSend(base(g, raw("From: other@contoso.com\r\nTo: ops@contoso.com\r\n\r\nhi\r\n")));
    assert.equal(r.ok, false);
    assert.equal(r.diagnosis?.code, "SEND_AS_DENIED");
    assert.match(r.diagnosis?.summary ?? "", /as other@contoso\.com from the mailbox sender@contoso\.com/);
    assert.ok(
      r.diagnosis?.fix.includes(
        "Grant it: Add-RecipientPermission -Identity other@contoso.com -Trustee sender@contoso.com -AccessRights SendAs -Confirm:$false",
      ),
    );
    assert.deepEqual(
      r.steps.map((s) => [s.id, s.ok]),
      [
        ["token", true],
        ["claims", true],
        ["send", false],
      ],
    );
  });

  test("too large: MESSAGE_TOO_LARGE from the catalog, no request", async () => {
    const g = new SendDouble();
    const big = `From: sender@contoso.com\r\nTo: ops@contoso.com\r\n\r\n${"x".repeat(36 * 1024 * 1024)}`;
    const r = await runGraphSend(base(g, raw(big)));
    assert.equal(r.diagnosis?.code, "MESSAGE_TOO_LARGE");
    assert.match(r.diagnosis?.summary ?? "", /nothing was sent/);
    assert.ok(r.diagnosis?.fix.some((f) => f.includes("Get-Mailbox -Identity sender@contoso.com")));
    assert.deepEqual(g.calls, []);
  });
});
