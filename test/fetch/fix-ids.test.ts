/**
 * A fetch that fails at the mailbox (here: the service principal lost FullAccess) prints the fix with the real IDs
 * from the token it used (tenant, app, service principal object id), like `test` does, not <oid> placeholders.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import "../../src/i18n/catalogs.js";
import { formatError } from "../../src/cli/output.js";
import { fetchAccount } from "../../src/fetch/engine.js";
import { address, app, exo, options, tenant } from "../harness/exchange-world.js";

it("imap fetch without FullAccess: MAILBOX_NOT_CONNECTED whose fix names the real service principal, tenant and app", async (t) => {
  const sp = app.servicePrincipalObjectId;
  exo.directory.revokeFullAccess(sp, address);
  t.after(() => exo.directory.grantFullAccess(sp, address));
  const s = await fetchAccount(options("imap"));
  assert.equal(s.ok, false);
  assert.equal(s.error?.code, "MAILBOX_NOT_CONNECTED");
  const text = formatError(s.error);
  assert.match(text, new RegExp(`Add-MailboxPermission -Identity ${address} -User ${sp} -AccessRights FullAccess`));
  assert.ok(text.includes(tenant.tenantId), text);
  assert.ok(text.includes(app.clientId), text);
  assert.doesNotMatch(text, /<oid>|<tenantId>|<appid>/);
});
