/** End to end through the BUILT CLI against the identity + Exchange fakes: mail server refuses. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  expectCode,
  MB_NO_FULLACCESS,
  MB_POP_OFF,
  MB_SMTP_OFF,
  NOT_REGISTERED,
  runTest,
  server,
  useFakes,
  WRONG_OID,
} from "../harness/e2e-fixture.js";

useFakes();

describe("mail server refuses", () => {
  test("MAILBOX_ACCESS_DENIED: service principal not registered; says consent is fine", async () => {
    const r = await runTest(server("pop3"), { client: NOT_REGISTERED.clientId });
    expectCode(r, "MAILBOX_ACCESS_DENIED", 4);
    assert.match(r.json.diagnosis.summary, /Exchange side/);
    const fix = r.json.diagnosis.fix.join("\n");
    assert.ok(
      fix.includes(
        `New-ServicePrincipal -AppId ${NOT_REGISTERED.clientId} -ObjectId ${NOT_REGISTERED.servicePrincipalObjectId}`,
      ),
    );
  });
  test("MAILBOX_ACCESS_DENIED: registered with the App Registration's object id", async () => {
    expectCode(await runTest(server("imap"), { client: WRONG_OID.clientId }), "MAILBOX_ACCESS_DENIED", 4);
  });
  test("MAILBOX_ACCESS_DENIED: no FullAccess (POP3)", async () => {
    expectCode(await runTest(server("pop3"), { mailbox: MB_NO_FULLACCESS }), "MAILBOX_ACCESS_DENIED", 4);
  });
  test("MAILBOX_ACCESS_DENIED: mailbox does not exist", async () => {
    expectCode(
      await runTest(server("pop3"), { mailbox: "nobody@contoso.onmicrosoft.com" }),
      "MAILBOX_ACCESS_DENIED",
      4,
    );
  });
  test("MAILBOX_ACCESS_DENIED: POP disabled on the mailbox", async () => {
    expectCode(await runTest(server("pop3-stls"), { mailbox: MB_POP_OFF }), "MAILBOX_ACCESS_DENIED", 4);
  });
  test("MAILBOX_NOT_CONNECTED: IMAP without FullAccess", async () => {
    expectCode(await runTest(server("imap"), { mailbox: MB_NO_FULLACCESS }), "MAILBOX_NOT_CONNECTED", 4);
  });
  test("SMTP_AUTH_DISABLED: 5.7.139 for the mailbox", async () => {
    expectCode(await runTest(server("smtp"), { mailbox: MB_SMTP_OFF }), "SMTP_AUTH_DISABLED", 4);
  });
});
