/**
 * Certificates that must be refused and a minimal scripted mail server that presents them: it greets like POP3, IMAP
 * or SMTP, offers STLS / STARTTLS and upgrades with the given certificate (or speaks TLS from the first byte).
 * Used by the `test` TLS table (test/diagnose/tls-failures.test.ts) and the CLI end-to-end check.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { TLSSocket } from "node:tls";
import forge from "node-forge";
import type { Pem, TestPki } from "../../../src/sandbox/pki.js";

export type CertFault = "wrong-name" | "expired" | "self-signed" | "unknown-ca";
export const CERT_FAULTS: readonly CertFault[] = ["wrong-name", "expired", "self-signed", "unknown-ca"];

const DAY_MS = 24 * 60 * 60 * 1000;

function x509(opts: {
  cn: string;
  hosts: string[];
  notBefore: Date;
  notAfter: Date;
  issuer?: { certPem: string; keyPem: string };
}): Pem {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const priv = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(priv.n, priv.e);
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  cert.serialNumber = serial.toString("hex");
  cert.validity.notBefore = opts.notBefore;
  cert.validity.notAfter = opts.notAfter;
  cert.setSubject([{ name: "commonName", value: opts.cn }]);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    { name: "subjectAltName", altNames: opts.hosts.map((h) => ({ type: 7, ip: h })) },
  ]);
  const issuer = opts.issuer ? forge.pki.certificateFromPem(opts.issuer.certPem) : cert;
  const signer = opts.issuer ? forge.pki.privateKeyFromPem(opts.issuer.keyPem) : priv;
  cert.setIssuer(issuer.subject.attributes);
  cert.sign(signer as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}

/** A server certificate for 127.0.0.1 with one fault; `pki` is the CA the client trusts. */
export function badCert(pki: TestPki, fault: CertFault): Pem {
  const now = Date.now();
  switch (fault) {
    case "wrong-name":
      return pki.issueServerCert(["mail.other.example"]);
    case "expired":
      return x509({
        cn: "127.0.0.1",
        hosts: ["127.0.0.1"],
        notBefore: new Date(now - 400 * DAY_MS),
        notAfter: new Date(now - 30 * DAY_MS),
        issuer: pki.ca,
      });
    case "self-signed":
      return x509({
        cn: "127.0.0.1",
        hosts: ["127.0.0.1"],
        notBefore: new Date(now - DAY_MS),
        notAfter: new Date(now + DAY_MS),
      });
    case "unknown-ca": {
      const caKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
      const keyPem = caKey.export({ type: "pkcs8", format: "pem" }).toString();
      const priv = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
      const ca = forge.pki.createCertificate();
      ca.publicKey = forge.pki.setRsaPublicKey(priv.n, priv.e);
      ca.serialNumber = "01";
      ca.validity.notBefore = new Date(now - DAY_MS);
      ca.validity.notAfter = new Date(now + 10 * DAY_MS);
      ca.setSubject([{ name: "commonName", value: "Corporate Inspection CA" }]);
      ca.setIssuer(ca.subject.attributes);
      ca.setExtensions([
        { name: "basicConstraints", cA: true, critical: true },
        { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
      ]);
      ca.sign(priv, forge.md.sha256.create());
      const issuer = { certPem: forge.pki.certificateToPem(ca), keyPem };
      return x509({
        cn: "127.0.0.1",
        hosts: ["127.0.0.1"],
        notBefore: new Date(now - DAY_MS),
        notAfter: new Date(now + DAY_MS),
        issuer,
      });
    }
  }
}

export type MailProto = "pop3" | "imap" | "smtp";

/** Greeting, and the reply to the capability request and to the upgrade command, per protocol. */
const SCRIPT: Record<MailProto, { greeting: string; answer(line: string): { reply: string; upgrade?: boolean } }> = {
  pop3: {
    greeting: "+OK POP3 ready\r\n",
    answer: (l) =>
      /^CAPA/i.test(l)
        ? { reply: "+OK\r\nSTLS\r\nSASL XOAUTH2\r\nUSER\r\n.\r\n" }
        : /^STLS/i.test(l)
          ? { reply: "+OK Begin TLS\r\n", upgrade: true }
          : { reply: "-ERR no\r\n" },
  },
  imap: {
    greeting: "* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=XOAUTH2 SASL-IR] ready\r\n",
    answer: (l) => {
      const [tag = "*", cmd = ""] = l.split(" ");
      if (/^CAPABILITY$/i.test(cmd)) {
        return { reply: `* CAPABILITY IMAP4rev1 STARTTLS AUTH=XOAUTH2 SASL-IR\r\n${tag} OK done\r\n` };
      }
      if (/^STARTTLS$/i.test(cmd)) return { reply: `${tag} OK Begin TLS\r\n`, upgrade: true };
      if (/^ID$/i.test(cmd)) return { reply: `* ID NIL\r\n${tag} OK done\r\n` };
      return { reply: `${tag} BAD no\r\n` };
    },
  },
  smtp: {
    greeting: "220 mail ESMTP ready\r\n",
    answer: (l) =>
      /^(EHLO|HELO)/i.test(l)
        ? { reply: "250-mail\r\n250-STARTTLS\r\n250 AUTH XOAUTH2\r\n" }
        : /^STARTTLS/i.test(l)
          ? { reply: "220 Go ahead\r\n", upgrade: true }
          : /^QUIT/i.test(l)
            ? { reply: "221 bye\r\n" }
            : { reply: "502 no\r\n" },
  },
};

function wrap(socket: Socket, cert: Pem): TLSSocket {
  const t = new TLSSocket(socket, { isServer: true, cert: cert.certPem, key: cert.keyPem });
  t.on("error", () => t.destroy());
  return t;
}

/** Speaks `proto` until the client asks to upgrade, then presents `cert` (implicit: presents it at once). */
export function scriptedTlsServer(proto: MailProto, implicit: boolean, cert: Pem): Server {
  const script = SCRIPT[proto];
  return createServer((raw) => {
    raw.on("error", () => raw.destroy());
    if (implicit) {
      wrap(raw, cert).write(script.greeting);
      return;
    }
    raw.write(script.greeting);
    let buf = "";
    const onData = (d: Buffer) => {
      buf += d.toString("latin1");
      for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
        const line = buf.slice(0, i).replace(/\r$/, "");
        buf = buf.slice(i + 1);
        const { reply, upgrade } = script.answer(line);
        raw.write(reply);
        if (upgrade) {
          raw.off("data", onData);
          wrap(raw, cert);
          return;
        }
      }
    };
    raw.on("data", onData);
  });
}
