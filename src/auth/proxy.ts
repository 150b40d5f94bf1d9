/** HTTPS proxy support for the token endpoint: NO_PROXY matching and a CONNECT tunnel (RFC 9110 section 9.3.6). */
import http from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import type { SecureContext } from "node:tls";
import { XoauthError } from "../errors.js";
import { t } from "../i18n/index.js";
import { mapNetworkError } from "../net/errors.js";

/** The proxy URL without credentials, for messages. */
export function proxyDisplay(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}

/** A failure to reach the proxy itself names the proxy (not the token endpoint) and points at the proxy settings. */
export function proxyConnectError(err: unknown, proxy: URL, target: string): XoauthError {
  const port = Number(proxy.port) || (proxy.protocol === "https:" ? 443 : 80);
  const mapped = mapNetworkError(err, "token-endpoint", proxy.hostname.replace(/^\[|\]$/g, ""), port);
  const shown = proxyDisplay(proxy);
  return new XoauthError(mapped.code, `Cannot reach the HTTPS proxy ${shown} (for ${target}): ${mapped.message}`, {
    cause: err,
    why: t("auth.proxy.why", { proxy: shown }),
    fix: [t("auth.proxy.fix", { proxy: shown })],
    details: { params: { ...mapped.details.params, proxy: shown } },
  });
}

/** True when `host` matches the NO_PROXY list (comma/space separated; `*`, exact names, `.suffix` / `suffix`, ports). */
export function bypassesProxy(host: string, port: number, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === "*") return true;
    let name = entry;
    let entryPort: number | undefined;
    const m = /^(.*?):(\d+)$/.exec(entry);
    if (m && !entry.includes("]") && (m[1] ?? "").split(":").length === 1) {
      name = m[1] ?? "";
      entryPort = Number(m[2]);
    }
    name = name.replace(/^\[|\]$/g, "").replace(/^\*?\./, ".");
    if (entryPort !== undefined && entryPort !== port) continue;
    if (name.startsWith(".")) {
      if (h.endsWith(name) || h === name.slice(1)) return true;
    } else if (h === name || h.endsWith(`.${name}`)) {
      return true;
    }
  }
  return false;
}

/**
 * Opens a CONNECT tunnel through `proxyUrl` to host:port and resolves with the raw socket. `trust` is the shared
 * context (system roots plus extra CAs, src/net/trust.ts) for an https: proxy, undefined for Node's default roots.
 */
export function connectTunnel(
  proxyUrl: string,
  host: string,
  port: number,
  trust: SecureContext | undefined,
  signal: AbortSignal,
): Promise<Socket> {
  const proxy = new URL(proxyUrl);
  const mod = proxy.protocol === "https:" ? https : http;
  const headers: Record<string, string> = { host: `${host}:${port}` };
  if (proxy.username) {
    const cred = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
    headers["proxy-authorization"] = `Basic ${Buffer.from(cred).toString("base64")}`;
  }
  return new Promise((resolve, reject) => {
    const req = mod.request({
      host: proxy.hostname.replace(/^\[|\]$/g, ""),
      port: Number(proxy.port) || (proxy.protocol === "https:" ? 443 : 80),
      method: "CONNECT",
      path: `${host.includes(":") ? `[${host}]` : host}:${port}`,
      headers,
      agent: false,
      signal,
      // An https: proxy sees the proxy credentials: verified like the token endpoint, whatever the environment says.
      ...(proxy.protocol === "https:" ? { rejectUnauthorized: true, ...(trust ? { secureContext: trust } : {}) } : {}),
    });
    req.once("connect", (res, socket) => {
      if (res.statusCode === 200) {
        resolve(socket);
        return;
      }
      socket.destroy();
      reject(
        new XoauthError(
          "TOKEN_ENDPOINT_UNREACHABLE",
          `The proxy ${proxyDisplay(proxy)} refused to open a tunnel to ${host}:${port} (HTTP ${res.statusCode}).`,
          {
            why:
              res.statusCode === 407
                ? "The proxy needs authentication: put user:password into the proxy URL."
                : "The proxy does not allow connections to the identity platform.",
            fix: [t("auth.proxy.fix", { proxy: proxyDisplay(proxy) })],
            details: { params: { host, port: String(port), proxy: proxyDisplay(proxy) } },
          },
        ),
      );
    });
    req.once("error", (e) => reject(proxyConnectError(e, proxy, `${host}:${port}`)));
    req.end();
  });
}
