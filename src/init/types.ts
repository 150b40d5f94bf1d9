/** What `init` collects: the app registration, its credential, the mailbox and how to reach the servers. */
import type { CloudName, Transport } from "../auth/clouds.js";
import type { ServerTlsMode } from "../net/types.js";

export type InitCredential =
  | { kind: "secret"; secret: string }
  | { kind: "certificate"; path: string; password?: string | undefined };

export interface InitAnswers {
  tenantId: string;
  clientId: string;
  credential: InitCredential;
  mailbox: string;
  /** POP3, IMAP, SMTP (XOAUTH2 against Exchange Online) or graph (the Microsoft Graph mail API). */
  protocol: Transport;
}

/**
 * Connection settings taken from flags only (never asked): cloud, authority host, CA, proxy, server override, Graph
 * API root.
 */
export interface InitConnection {
  cloud: CloudName;
  /** Without trailing slash. */
  authorityHost: string;
  /** Set only when the user overrode the cloud's authority host. */
  authorityHostOverride: string | undefined;
  /** Exchange Online's scope of the cloud (tenant discovery; POP3/IMAP/SMTP); graph runs use the cloud's Graph scope. */
  scope: string;
  /** Microsoft Graph API root (no trailing slash): --graph-url, else the cloud's. */
  graphUrl: string;
  /** Set only when the user gave --graph-url (then written to the config as `graphUrl`). */
  graphUrlOverride: string | undefined;
  caFile: string | undefined;
  ca: string[] | undefined;
  proxy: string | undefined;
  noProxy: string | undefined;
  server: { host?: string | undefined; port?: number | undefined; tls?: ServerTlsMode | undefined };
}
