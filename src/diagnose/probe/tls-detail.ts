/** One-line description of a verified TLS connection for the step output. */
import type net from "node:net";
import type tls from "node:tls";

export function tlsDetail(socket: net.Socket): string {
  const s = socket as tls.TLSSocket;
  if (typeof s.getProtocol !== "function") return "TLS";
  const cert = s.getPeerCertificate?.();
  const cn = cert && typeof cert.subject?.CN === "string" ? cert.subject.CN : undefined;
  const issuer = cert && typeof cert.issuer?.CN === "string" ? cert.issuer.CN : undefined;
  return `${s.getProtocol() ?? "TLS"}, certificate${cn ? ` ${cn}` : ""}${issuer ? ` (issuer ${issuer})` : ""} trusted, name matches`;
}
