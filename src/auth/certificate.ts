/** Certificate credentials: PEM with certificate + private key -> what msal needs (SHA-256 thumbprint, key, x5c). */
import { createHash, createPrivateKey, X509Certificate } from "node:crypto";
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

export function parseCertificatePem(
  pem: string,
  password: string | undefined,
  path = "certificate",
): CertificateCredential {
  const certs = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const first = certs[0];
  const keyPem =
    /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.exec(
      pem,
    )?.[0];
  if (!first || !keyPem) {
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
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(password ? { key: keyPem, passphrase: password } : { key: keyPem });
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
  if (!x509.checkPrivateKey(key)) {
    throw new XoauthError("CONFIG_INVALID", `${path}: the private key does not belong to the certificate.`);
  }
  const privateKey = key.export({ type: "pkcs8", format: "pem" }).toString();
  markSecret(privateKey);
  return {
    thumbprintSha256: createHash("sha256").update(x509.raw).digest("hex"),
    privateKey,
    x5c: certs.join("\n"),
    notAfter: new Date(x509.validTo),
  };
}
