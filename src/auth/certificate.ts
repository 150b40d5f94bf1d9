/** Certificate credentials: PEM with certificate + private key -> what msal needs (SHA-256 thumbprint, key, x5c). */
import { createHash, createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import { XoauthError } from "../errors.js";
import { markSecret } from "../log/redact.js";

export interface CertificateCredential {
  /** Hex SHA-256 of the DER certificate (msal turns it into the `x5t#S256` header; PS256 is then used). */
  thumbprintSha256: string;
  /** Unencrypted PKCS#8 PEM. Secret. */
  privateKey: string;
  /** The certificate chain PEM (for the `x5c` header). */
  x5c: string;
  notAfter: Date;
}

const KEY_RE =
  /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;

/** The first private key PEM of `pem`, decrypted with `password` when needed. Throws CONFIG_INVALID naming `path`. */
function readPrivateKey(pem: string, password: string | undefined, path: string): KeyObject {
  const keyPem = KEY_RE.exec(pem)?.[0];
  if (!keyPem) throw new XoauthError("CONFIG_INVALID", `${path} holds no private key (PEM).`);
  try {
    return createPrivateKey(password ? { key: keyPem, passphrase: password } : { key: keyPem });
  } catch (e) {
    const encrypted = /ENCRYPTED|Proc-Type: 4,ENCRYPTED/.test(keyPem);
    throw new XoauthError(
      "CONFIG_INVALID",
      encrypted
        ? `${path}: the private key is encrypted and ${password ? "the password is wrong" : "no password was given"}; set --certificate-password or AZURE_CLIENT_CERTIFICATE_PASSWORD.`
        : `${path}: the private key cannot be read (${(e as Error).message}).`,
      { cause: e },
    );
  }
}

function pkcs8(key: KeyObject): string {
  const privateKey = key.export({ type: "pkcs8", format: "pem" }).toString();
  markSecret(privateKey);
  return privateKey;
}

export function parseCertificatePem(
  pem: string,
  password: string | undefined,
  path = "certificate",
): CertificateCredential {
  const certs = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const first = certs[0];
  if (!first || !KEY_RE.test(pem)) {
    throw new XoauthError("CONFIG_INVALID", `${path} must hold the certificate and its private key (PEM).`);
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(first);
  } catch (e) {
    throw new XoauthError("CONFIG_INVALID", `${path}: the certificate cannot be parsed (${(e as Error).message}).`, {
      cause: e,
    });
  }
  const key = readPrivateKey(pem, password, path);
  if (!x509.checkPrivateKey(key)) {
    throw new XoauthError("CONFIG_INVALID", `${path}: the private key does not belong to the certificate.`);
  }
  return {
    thumbprintSha256: createHash("sha256").update(x509.raw).digest("hex"),
    privateKey: pkcs8(key),
    x5c: certs.join("\n"),
    notAfter: new Date(x509.validTo),
  };
}

/**
 * A private key with the certificate's thumbprint (no certificate at hand): what msal signs the client assertion
 * with. A 64-digit hex thumbprint is SHA-256 (header `x5t#S256`), a 40-digit one SHA-1 (header `x5t`, as the
 * Entra admin center shows it: App registrations > <app> > Certificates & secrets > Thumbprint).
 */
export function parseKeyWithThumbprint(
  keyPem: string,
  password: string | undefined,
  thumbprint: string,
  path = "certificate",
): { privateKey: string; thumbprint?: string; thumbprintSha256?: string } {
  const hex = thumbprint.replace(/[\s:]/g, "").toLowerCase();
  if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(hex)) {
    throw new XoauthError(
      "CONFIG_INVALID",
      `${path}.thumbprint: must be the certificate's SHA-1 (40 hex digits) or SHA-256 (64 hex digits) thumbprint.`,
    );
  }
  const privateKey = pkcs8(readPrivateKey(keyPem, password, `${path}.privateKey`));
  return hex.length === 64 ? { privateKey, thumbprintSha256: hex } : { privateKey, thumbprint: hex };
}
