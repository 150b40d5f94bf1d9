/** One-line descriptions of a TLS connection for the step output: a verified one, or what is wrong with a refused one. */
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

/** OpenSSL verify results (Node `err.code`) -> the text key saying what is wrong with the certificate. */
const PROBLEM_KEY: Record<string, string> = {
  CERT_HAS_EXPIRED: "tls.problem.expired",
  CERT_NOT_YET_VALID: "tls.problem.notYetValid",
  DEPTH_ZERO_SELF_SIGNED_CERT: "tls.problem.selfSigned",
  SELF_SIGNED_CERT_IN_CHAIN: "tls.problem.selfSignedChain",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "tls.problem.unknownIssuer",
  UNABLE_TO_GET_ISSUER_CERT: "tls.problem.unknownIssuer",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "tls.problem.unknownIssuer",
  CERT_UNTRUSTED: "tls.problem.unknownIssuer",
  CERT_SIGNATURE_FAILURE: "tls.problem.signature",
  CERT_REVOKED: "tls.problem.revoked",
};

interface NodeTlsError {
  code?: unknown;
  /** nodemailer replaces `code` with its own (ETLS) and keeps Node's here. */
  originalCode?: unknown;
  /** ERR_TLS_CERT_ALTNAME_INVALID: the name we asked for, and the certificate the server sent. */
  host?: unknown;
  cert?: { subjectaltname?: unknown; subject?: { CN?: unknown } };
  details?: { params?: { host?: unknown } };
  cause?: unknown;
}

/** The names a certificate holds: its subjectAltName entries, else its subject CN. */
function certNames(cert: NodeTlsError["cert"]): string | undefined {
  if (typeof cert?.subjectaltname === "string" && cert.subjectaltname) return cert.subjectaltname;
  return typeof cert?.subject?.CN === "string" ? `CN=${cert.subject.CN}` : undefined;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);

interface CertFailure {
  /** Node's code: an OpenSSL verify result or ERR_TLS_CERT_ALTNAME_INVALID. */
  code: string;
  host: string | undefined;
  names: string | undefined;
}

/** The certificate failure in `err`'s cause chain (wrappers may copy its code without its fields), if any. */
export function certFailure(err: unknown): CertFailure | undefined {
  let code: string | undefined;
  let host: string | undefined;
  let names: string | undefined;
  let e = err as NodeTlsError | undefined;
  for (let i = 0; i < 6 && e && typeof e === "object"; i++, e = e.cause as NodeTlsError | undefined) {
    for (const c of [str(e.originalCode), str(e.code)]) {
      if (!code && c && (c === "ERR_TLS_CERT_ALTNAME_INVALID" || PROBLEM_KEY[c])) code = c;
    }
    host ??= str(e.host) ?? str(e.details?.params?.host);
    names ??= certNames(e.cert);
  }
  return code ? { code, host, names } : undefined;
}

/**
 * What is wrong with the certificate a refused TLS connection presented: expired, self-signed, unknown CA, or which
 * name was expected and which were found; undefined when `err` is not a certificate failure.
 */
export function certProblem(err: unknown): string | undefined {
  const f = certFailure(err);
  if (!f) return undefined;
  if (f.code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return f.names
      ? diagUi("tls.problem.name", { host: f.host ?? "-", names: f.names })
      : diagUi("tls.problem.nameUnknown", { host: f.host ?? "-" });
  }
  const key = PROBLEM_KEY[f.code];
  return key ? diagUi(key, { code: f.code }) : undefined;
}
