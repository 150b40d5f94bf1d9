/** Mail server endpoint per protocol: explicit flags > config account > cloud defaults (hosts and ports: docs/exchange-behaviour.md sections 4, 6). */
import type { Cloud, MailProtocol } from "../auth/clouds.js";
import { XoauthError } from "../errors.js";
import type { ServerTlsMode } from "../net/types.js";

export interface MailServer {
  host: string;
  port: number;
  tls: ServerTlsMode;
}

const DEFAULT_TLS: Record<MailProtocol, ServerTlsMode> = { pop3: "implicit", imap: "implicit", smtp: "starttls" };
const PORTS: Record<MailProtocol, Record<ServerTlsMode, number>> = {
  pop3: { implicit: 995, starttls: 110 },
  imap: { implicit: 993, starttls: 143 },
  smtp: { implicit: 465, starttls: 587 },
};
const STARTTLS_PORTS = new Set([110, 143, 587, 25]);
const IMPLICIT_PORTS = new Set([995, 993, 465]);

export interface ServerOverrides {
  host?: string | undefined;
  port?: number | string | undefined;
  tls?: string | undefined;
}

export function resolveServer(
  protocol: MailProtocol,
  cloud: Cloud,
  ...layers: (ServerOverrides | undefined)[]
): MailServer {
  const pick = <K extends keyof ServerOverrides>(k: K): ServerOverrides[K] => {
    for (const l of layers) if (l?.[k] !== undefined && l[k] !== "") return l[k];
    return undefined;
  };
  const host = pick("host") ?? { pop3: cloud.pop3Host, imap: cloud.imapHost, smtp: cloud.smtpHost }[protocol];
  const rawPort = pick("port");
  const port = rawPort === undefined ? undefined : Number(rawPort);
  if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
    throw new XoauthError("USAGE", `--port "${rawPort}" is not a port number (1-65535).`);
  }
  const rawTls = pick("tls");
  if (rawTls !== undefined && rawTls !== "implicit" && rawTls !== "starttls") {
    throw new XoauthError("USAGE", `--tls "${rawTls}" is not one of implicit, starttls.`);
  }
  const tls: ServerTlsMode =
    (rawTls as ServerTlsMode | undefined) ??
    (port !== undefined && STARTTLS_PORTS.has(port)
      ? "starttls"
      : port !== undefined && IMPLICIT_PORTS.has(port)
        ? "implicit"
        : DEFAULT_TLS[protocol]);
  return { host, port: port ?? PORTS[protocol][tls], tls };
}
