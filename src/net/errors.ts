/** Maps Node's socket / DNS / TLS errors to precise typed errors (for the token endpoint and the mail servers). */
import { type ErrorCode, XoauthError } from "../errors.js";

export type Peer = "token-endpoint" | "mail-server";

/**
 * Node TLS error codes meaning "certificate not trusted" (TLS_UNTRUSTED): the OpenSSL X509_V_ERR names Node reports
 * for a failed chain check (https://nodejs.org/api/tls.html#x509-certificate-error-codes), hostname aside.
 */
export const TLS_UNTRUSTED_CODES: ReadonlySet<string> = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_DECRYPT_CERT_SIGNATURE",
  "UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERROR_IN_CERT_NOT_BEFORE_FIELD",
  "ERROR_IN_CERT_NOT_AFTER_FIELD",
  "CERT_REVOKED",
  "CERT_SIGNATURE_FAILURE",
  "CERT_CHAIN_TOO_LONG",
  "PATH_LENGTH_EXCEEDED",
  "INVALID_CA",
  // A certificate not made for a TLS server (e.g. a CA certificate presented as the server's own).
  "INVALID_PURPOSE",
]);

/** Finds the innermost Node error code (undici wraps socket errors in `cause`). */
export function nodeErrorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 5 && e; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && code !== "UND_ERR_SOCKET" && !code.startsWith("UND_ERR_CONNECT")) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A typed error naming the host and port, with the likely cause; anything already typed passes through. */
export function mapNetworkError(err: unknown, peer: Peer, host: string, port: number | string): XoauthError {
  if (err instanceof XoauthError) return err;
  const where = `${host}:${port}`;
  const unreachable: ErrorCode = peer === "token-endpoint" ? "TOKEN_ENDPOINT_UNREACHABLE" : "MAIL_SERVER_UNREACHABLE";
  const code = nodeErrorCode(err);
  const details = { params: { host, port: String(port) } };
  const msg = (err as Error)?.message ?? String(err);
  if (code && TLS_UNTRUSTED_CODES.has(code)) {
    return new XoauthError("TLS_UNTRUSTED", `The TLS certificate of ${where} is not trusted (${code}).`, {
      cause: err,
      details,
    });
  }
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return new XoauthError("TLS_HOSTNAME_MISMATCH", `The TLS certificate of ${where} does not name that host.`, {
      cause: err,
      details,
    });
  }
  switch (code) {
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new XoauthError(unreachable, `Cannot resolve host name ${host} (${code}).`, { cause: err, details });
    case "ECONNREFUSED":
      return new XoauthError(unreachable, `Connection to ${where} refused (nothing listens there).`, {
        cause: err,
        details,
      });
    case "ETIMEDOUT":
    case "UND_ERR_CONNECT_TIMEOUT":
    case "ERR_SOCKET_CONNECTION_TIMEOUT":
      return new XoauthError("TIMEOUT", `Connection to ${where} timed out.`, { cause: err, details });
    case "ECONNRESET":
    case "EPIPE":
      return new XoauthError("CONNECTION_CLOSED", `Connection to ${where} was reset.`, { cause: err, details });
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return new XoauthError(unreachable, `Host ${where} is unreachable (${code}).`, { cause: err, details });
    default:
      return new XoauthError(unreachable, `Cannot connect to ${where}: ${msg}`, { cause: err, details });
  }
}
