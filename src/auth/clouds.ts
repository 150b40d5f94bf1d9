/** National clouds: authority host, mail hosts and token scope (docs/exchange-behaviour.md section 6). */
export type CloudName = "global" | "usgov" | "china";

export interface Cloud {
  name: CloudName;
  authorityHost: string;
  pop3Host: string;
  imapHost: string;
  smtpHost: string;
  scope: string;
  /** Microsoft Graph: API root (with version) and the token scope for it (docs/graph.md, "Hosts per cloud"). */
  graphUrl: string;
  graphScope: string;
}

export const CLOUDS: Record<CloudName, Cloud> = {
  global: {
    name: "global",
    authorityHost: "https://login.microsoftonline.com",
    pop3Host: "outlook.office365.com",
    imapHost: "outlook.office365.com",
    smtpHost: "smtp.office365.com",
    scope: "https://outlook.office365.com/.default",
    graphUrl: "https://graph.microsoft.com/v1.0",
    graphScope: "https://graph.microsoft.com/.default",
  },
  usgov: {
    name: "usgov",
    authorityHost: "https://login.microsoftonline.us",
    pop3Host: "outlook.office365.us",
    imapHost: "outlook.office365.us",
    smtpHost: "smtp.office365.us",
    scope: "https://outlook.office365.us/.default",
    graphUrl: "https://graph.microsoft.us/v1.0",
    graphScope: "https://graph.microsoft.us/.default",
  },
  china: {
    name: "china",
    authorityHost: "https://login.partner.microsoftonline.cn",
    pop3Host: "partner.outlook.cn",
    imapHost: "partner.outlook.cn",
    smtpHost: "smtp.partner.outlook.cn",
    scope: "https://partner.outlook.cn/.default",
    graphUrl: "https://microsoftgraph.chinacloudapi.cn/v1.0",
    graphScope: "https://microsoftgraph.chinacloudapi.cn/.default",
  },
};

/** Audiences that mean "this token is for Exchange Online" (`aud` of Exchange tokens: docs/exchange-behaviour.md section 2). */
export const EXCHANGE_AUDIENCES: readonly string[] = [
  "https://outlook.office.com",
  "https://outlook.office365.com",
  "https://ps.outlook.com",
  "00000002-0000-0ff1-ce00-000000000000",
  "https://outlook.office365.us",
  "https://outlook.office.us",
  "https://partner.outlook.cn",
];

/** Audiences that mean "wrong scope: this token is for Microsoft Graph". */
export const GRAPH_AUDIENCES: readonly string[] = [
  "https://graph.microsoft.com",
  "00000003-0000-0000-c000-000000000000",
  "https://graph.microsoft.us",
  "https://microsoftgraph.chinacloudapi.cn",
];

export function isExchangeAudience(aud: string | undefined, extra: readonly string[] = []): boolean {
  if (!aud) return false;
  const norm = aud.replace(/\/+$/, "").toLowerCase();
  return [...EXCHANGE_AUDIENCES, ...extra].some((a) => a.toLowerCase() === norm);
}

export type MailProtocol = "pop3" | "imap" | "smtp";

/** The application permission (app role) each protocol needs. */
export const ROLE_FOR_PROTOCOL: Record<MailProtocol, string> = {
  pop3: "POP.AccessAsApp",
  imap: "IMAP.AccessAsApp",
  smtp: "SMTP.SendAsApp",
};

/** What a run talks to: one of the mail protocols, or the Microsoft Graph mail API. */
export type Transport = MailProtocol | "graph";

export const TRANSPORTS: readonly Transport[] = ["pop3", "imap", "smtp", "graph"];

/** How output names a transport (`test` headers, diagnoses, `demo`). */
export const TRANSPORT_NAME: Record<Transport, string> = { pop3: "POP3", imap: "IMAP", smtp: "SMTP", graph: "Graph" };

/**
 * Microsoft Graph's mail application permissions (app roles in the token's `roles` claim after admin consent):
 * learn.microsoft.com/graph/permissions-reference. Reading needs one of the read roles (Mail.ReadBasic gives no
 * bodies: fetch needs Mail.Read or Mail.ReadWrite), sending needs Mail.Send.
 */
export const GRAPH_READ_ROLES: readonly string[] = ["Mail.Read", "Mail.ReadWrite", "Mail.ReadBasic"];
export const GRAPH_SEND_ROLE = "Mail.Send";

export function isGraphAudience(aud: string | undefined): boolean {
  if (!aud) return false;
  const norm = aud.replace(/\/+$/, "").toLowerCase();
  return GRAPH_AUDIENCES.some((a) => a.toLowerCase() === norm);
}

/** The token scope a transport needs by default in a cloud: Graph's, or Exchange Online's for POP3/IMAP/SMTP. */
export function defaultScopeFor(cloud: Cloud, transport: Transport): string {
  return transport === "graph" ? cloud.graphScope : cloud.scope;
}
