/** Per protocol: the token scope, the server the test connects to, and which connection flags fit (src/init/run.ts). */
import { CLOUDS, defaultScopeFor, TRANSPORT_NAME, type Transport } from "../auth/clouds.js";
import { graphEndpoint } from "../diagnose/probe/graph.js";
import { type MailServer, resolveServer } from "../diagnose/server.js";
import { XoauthError } from "../errors.js";
import { t } from "../i18n/index.js";
import type { InitConnection } from "./types.js";

/** The token scope for the chosen protocol: Graph's for graph, Exchange Online's for POP3/IMAP/SMTP (cloud defaults). */
export function scopeOf(c: InitConnection, protocol: Transport): string {
  return protocol === "graph" ? defaultScopeFor(CLOUDS[c.cloud], protocol) : c.scope;
}

/**
 * --host/--port/--tls name a mail server, --graph-url the Graph API root: each only fits its own protocols, and a
 * value that would be silently dropped from the config is refused before anything is asked of the identity platform.
 */
export function checkFlagsFit(protocol: Transport, c: InitConnection): void {
  const server = Object.entries(c.server).filter(([, v]) => v !== undefined);
  if (protocol === "graph" && server.length) throw new XoauthError("USAGE", t("init.graph.serverFlags"));
  if (protocol !== "graph" && c.graphUrlOverride) {
    throw new XoauthError("USAGE", t("init.graph.urlFlag", { protocol: TRANSPORT_NAME[protocol] }));
  }
}

/** Where the test connects: the mail server (flags or cloud default), or the Graph host (always implicit TLS). */
export function testServer(protocol: Transport, c: InitConnection): MailServer {
  if (protocol === "graph") return { ...graphEndpoint(c.graphUrl), tls: "implicit" };
  return resolveServer(protocol, CLOUDS[c.cloud], c.server);
}

export function graphOptions(c: InitConnection): { url: string; proxy?: string; noProxy?: string } {
  return { url: c.graphUrl, ...(c.proxy ? { proxy: c.proxy } : {}), ...(c.noProxy ? { noProxy: c.noProxy } : {}) };
}
