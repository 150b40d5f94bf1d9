/** One-line description of a verified TLS connection for the step output. */
import type net from "node:net";
import type tls from "node:tls";
import { diagUi } from "../text.js";

export function tlsDetail(socket: net.Socket): string {
  const s = socket as tls.TLSSocket;
  if (typeof s.getProtocol !== "function") return "TLS";
  const cert = s.getPeerCertificate?.();
  const cn = cert && typeof cert.subject?.CN === "string" ? cert.subject.CN : undefined;
  const issuer = cert && typeof cert.issuer?.CN === "string" ? cert.issuer.CN : undefined;
  return diagUi("step.detail.tlsCert", { version: s.getProtocol() ?? "TLS", cn: cn ?? "-", issuer: issuer ?? "-" });
}
