/** The sandbox's Exchange side, matching the identity fake's `defaultSandboxTenant()`. */
import { ExchangeDirectory } from "./directory.js";

export const SANDBOX_MAILBOX = "info@contoso.onmicrosoft.com";

/** The parts of the identity fake's tenant this needs (structural, so the two fakes stay decoupled). */
export interface SandboxTenantLike {
  tenantId: string;
  domains?: string[];
  apps: { clientId: string; servicePrincipalObjectId: string; displayName?: string }[];
}

/** A few plain sample messages (CRLF, one with a line starting with "." to exercise dot-stuffing). */
export function sampleMessages(to = SANDBOX_MAILBOX): Buffer[] {
  const msg = (n: number, subject: string, body: string): Buffer =>
    Buffer.from(
      [
        `From: "Sandbox Sender ${n}" <sender${n}@fabrikam.example>`,
        `To: ${to}`,
        `Subject: ${subject}`,
        `Date: Mon, 0${n} Jan 2024 10:00:00 +0000`,
        `Message-ID: <sample-${n}@fabrikam.example>`,
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        "",
        body,
        "",
      ].join("\r\n"),
    );
  return [
    msg(1, "Welcome to the xoauth-mail sandbox", "Hello,\r\nthis mailbox lives in a local Exchange Online fake."),
    msg(2, "Invoice 2024-001", "Please find the numbers below.\r\n.leading dot line\r\nTotal: 42 EUR"),
    msg(3, "Grüße aus dem Sandkasten", "Umlaute: äöü ß — 8-bit clean.\r\n"),
  ];
}

/**
 * Mailbox `info@contoso.onmicrosoft.com` with sample messages, every app of the tenant registered with
 * New-ServicePrincipal (correct Enterprise Application object id) and granted FullAccess + SendAs.
 */
export function sandboxDirectory(tenant: SandboxTenantLike, opts: { mailbox?: string } = {}): ExchangeDirectory {
  const address = opts.mailbox ?? (tenant.domains?.[0] ? `info@${tenant.domains[0]}` : SANDBOX_MAILBOX);
  const dir = new ExchangeDirectory({ tenantId: tenant.tenantId });
  dir.addMailbox({ address, messages: sampleMessages(address) });
  for (const app of tenant.apps) {
    dir.registerServicePrincipal({
      appId: app.clientId,
      objectId: app.servicePrincipalObjectId,
      ...(app.displayName ? { displayName: app.displayName } : {}),
    });
    dir.grantFullAccess(app.servicePrincipalObjectId, address);
    dir.grantSendAs(app.servicePrincipalObjectId, address);
  }
  return dir;
}
