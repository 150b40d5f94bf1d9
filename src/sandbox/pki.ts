/**
 * Test PKI for the sandbox and the test suite: one CA, server certs (SANs for DNS names and IPs) and client
 * certs (for certificate credentials). Keys come from node:crypto (fast); X.509 is built with node-forge.
 */
import { createHash, generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import forge from "node-forge";

export interface Pem {
  certPem: string;
  keyPem: string;
}

export interface ClientCert extends Pem {
  /** base64url SHA-256 of the DER certificate (JWT header `x5t#S256`). */
  x5tS256: string;
  /** base64url SHA-1 of the DER certificate (JWT header `x5t`). */
  x5t: string;
  /** Certificate followed by its private key, as one PEM file (for `--certificate`). */
  combinedPem: string;
}

export interface TestPki {
  ca: Pem;
  /** A TLS server certificate for the given DNS names and IP addresses (default 127.0.0.1, ::1, localhost). */
  issueServerCert(hosts?: string[], opts?: { notAfter?: Date; notBefore?: Date }): Pem;
  /** A client certificate (digitalSignature, clientAuth) for app certificate credentials. */
  issueClientCert(commonName: string, opts?: { notAfter?: Date; notBefore?: Date }): ClientCert;
}

export const DEFAULT_SERVER_HOSTS: readonly string[] = ["127.0.0.1", "::1", "localhost"];

const DAY_MS = 24 * 60 * 60 * 1000;

function newKeyPair(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; keyPem: string } {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const fPriv = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const fPub = forge.pki.setRsaPublicKey(fPriv.n, fPriv.e);
  return { privateKey: fPriv, publicKey: fPub, keyPem };
}

function serial(): string {
  // Positive 16-byte serial (leading nibble < 8 keeps the DER INTEGER positive).
  const b = randomBytes(16);
  b[0] = (b[0] ?? 0) & 0x7f;
  return b.toString("hex");
}

function baseCert(
  publicKey: forge.pki.rsa.PublicKey,
  notBefore: Date,
  notAfter: Date,
  subjectCn: string,
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject([{ name: "commonName", value: subjectCn }]);
  return cert;
}

function derOf(certPem: string): Buffer {
  const cert = forge.pki.certificateFromPem(certPem);
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes();
  return Buffer.from(der, "binary");
}

/** base64url SHA-256 and SHA-1 thumbprints of a PEM certificate's DER encoding. */
export function certThumbprints(certPem: string): { x5tS256: string; x5t: string } {
  const der = derOf(certPem);
  return {
    x5tS256: createHash("sha256").update(der).digest("base64url"),
    x5t: createHash("sha1").update(der).digest("base64url"),
  };
}

export function createTestPki(opts: { commonName?: string } = {}): TestPki {
  const caCn = opts.commonName ?? "xoauth-mail sandbox test CA";
  const caKeys = newKeyPair();
  const now = Date.now();
  const caCert = baseCert(caKeys.publicKey, new Date(now - DAY_MS), new Date(now + 3650 * DAY_MS), caCn);
  caCert.setIssuer(caCert.subject.attributes);
  caCert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  caCert.sign(caKeys.privateKey, forge.md.sha256.create());
  const ca: Pem = { certPem: forge.pki.certificateToPem(caCert), keyPem: caKeys.keyPem };

  function signByCa(cert: forge.pki.Certificate): string {
    cert.setIssuer(caCert.subject.attributes);
    cert.sign(caKeys.privateKey, forge.md.sha256.create());
    return forge.pki.certificateToPem(cert);
  }

  return {
    ca,
    issueServerCert(hosts: string[] = [...DEFAULT_SERVER_HOSTS], o: { notAfter?: Date; notBefore?: Date } = {}): Pem {
      if (hosts.length === 0) throw new Error("issueServerCert: at least one host is required");
      const keys = newKeyPair();
      const t = Date.now();
      const notBefore = o.notBefore ?? new Date(t - DAY_MS);
      const cert = baseCert(keys.publicKey, notBefore, o.notAfter ?? new Date(t + 825 * DAY_MS), hosts[0] as string);
      const altNames = hosts.map((h) => (isIP(h) ? { type: 7, ip: h } : { type: 2, value: h }));
      cert.setExtensions([
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
        { name: "extKeyUsage", serverAuth: true },
        { name: "subjectAltName", altNames },
      ]);
      return { certPem: signByCa(cert), keyPem: keys.keyPem };
    },
    issueClientCert(commonName: string, o: { notAfter?: Date; notBefore?: Date } = {}): ClientCert {
      const keys = newKeyPair();
      const t = Date.now();
      const cert = baseCert(
        keys.publicKey,
        o.notBefore ?? new Date(t - DAY_MS),
        o.notAfter ?? new Date(t + 365 * DAY_MS),
        commonName,
      );
      cert.setExtensions([
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, critical: true },
        { name: "extKeyUsage", clientAuth: true },
      ]);
      const certPem = signByCa(cert);
      return { certPem, keyPem: keys.keyPem, combinedPem: certPem + keys.keyPem, ...certThumbprints(certPem) };
    },
  };
}

/** Writes the CA certificate as `ca.pem` into `dir` (created if missing). */
export function writePkiFiles(pki: TestPki, dir: string): { caFile: string } {
  mkdirSync(dir, { recursive: true });
  const caFile = join(dir, "ca.pem");
  writeFileSync(caFile, pki.ca.certPem, { mode: 0o644 });
  return { caFile };
}
