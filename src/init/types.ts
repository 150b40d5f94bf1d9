/** What `init` collects: the app registration, its credential, the mailbox and how to reach the servers. */
import type { CloudName, MailProtocol } from "../auth/clouds.js";
import type { ServerTlsMode } from "../net/types.js";

export type InitCredential =
  | { kind: "secret"; secret: string }
  | { kind: "certificate"; path: string; password?: string | undefined };

export interface InitAnswers {
  tenantId: string;
  clientId: string;
  credential: InitCredential;
  mailbox: string;
  protocol: MailProtocol;
}

/** Connection settings taken from flags only (never asked): cloud, authority host, CA, proxy, server override. */
export interface InitConnection {
  cloud: CloudName;
  /** Without trailing slash. */
  authorityHost: string;
  /** Set only when the user overrode the cloud's authority host. */
  authorityHostOverride: string | undefined;
  scope: string;
  caFile: string | undefined;
  ca: string[] | undefined;
  proxy: string | undefined;
  noProxy: string | undefined;
  server: { host?: string | undefined; port?: number | undefined; tls?: ServerTlsMode | undefined };
}
