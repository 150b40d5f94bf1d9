/**
 * Servers with certificates a client must refuse (self-signed, expired, issued for another name), which count every
 * byte of application data that reaches them after the TLS handshake: a client that sends its secret anyway shows
 * up as `received() > 0`. Implicit TLS, or a plaintext STARTTLS prelude for SMTP / IMAP / POP3 first.
 */
import { generateKeyPairSync } from "node:crypto";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import net from "node:net";
import tls from "node:tls";
import forge from "node-forge";
import { createTestPki, type Pem, type TestPki } from "../../../src/sandbox/pki.js";

export type BadCert = "self-signed" | "unknown-ca" | "expired" | "wrong-name";
export const BAD_CERTS: readonly BadCert[] = ["self-signed", "unknown-ca", "expired", "wrong-name"];

/** The error code each bad certificate must produce. */
export const EXPECTED_CODE: Record<BadCert, string> = {
  "self-signed": "TLS_UNTRUSTED",
  "unknown-ca": "TLS_UNTRUSTED",
  expired: "TLS_UNTRUSTED",
  "wrong-name": "TLS_HOSTNAME_MISMATCH",
};

const DAY_MS = 24 * 60 * 60 * 1000;

/** A self-signed server certificate for 127.0.0.1 (its own issuer, not a CA). */
function selfSigned(): Pem {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = "01";
  cert.validity.notBefore = new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + DAY_MS);
  const name = [{ name: "commonName", value: "127.0.0.1" }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "extKeyUsage", serverAuth: true },
    { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] },
  ]);
  cert.sign(key, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}

/** Expired and wrong-name certificates come from `pki` (whose CA the client trusts); the others from strangers. */
export function badCerts(pki: TestPki): Record<BadCert, Pem> {
  const now = Date.now();
  return {
    "self-signed": selfSigned(),
    "unknown-ca": createTestPki({ commonName: "unknown CA" }).issueServerCert(),
    expired: pki.issueServerCert(undefined, {
      notBefore: new Date(now - 10 * DAY_MS),
      notAfter: new Date(now - DAY_MS),
    }),
    "wrong-name": pki.issueServerCert(["mail.example.org"]),
  };
}

export type Prelude = "implicit" | "smtp" | "imap" | "pop3";

export interface RecordingServer {
  port: number;
  /** Bytes of application data received after a TLS handshake (0 = nothing was sent over the bad TLS). */
  received(): number;
  close(): Promise<void>;
}

/** The plaintext part up to the STARTTLS / STLS go-ahead; resolves when the client may start TLS. */
function prelude(kind: Exclude<Prelude, "implicit">, s: net.Socket): Promise<void> {
  const script: Record<typeof kind, { greeting: string; answer: (line: string) => string | "go" }> = {
    smtp: {
      greeting: "220 hostile ESMTP\r\n",
      answer: (l) =>
        /^(EHLO|HELO)/i.test(l) ? "250-hostile\r\n250 STARTTLS\r\n" : /^STARTTLS/i.test(l) ? "go" : "502 no\r\n",
    },
    imap: {
      greeting: "* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=XOAUTH2] hostile\r\n",
      answer: (l) => {
        const [tag = "*", cmd = ""] = l.split(" ");
        if (/^STARTTLS$/i.test(cmd)) return "go";
        if (/^CAPABILITY$/i.test(cmd)) return `* CAPABILITY IMAP4rev1 STARTTLS AUTH=XOAUTH2\r\n${tag} OK done\r\n`;
        return `${tag} BAD no\r\n`;
      },
    },
    pop3: {
      greeting: "+OK hostile\r\n",
      answer: (l) =>
        /^CAPA/i.test(l) ? "+OK\r\nSTLS\r\nSASL XOAUTH2\r\n.\r\n" : /^STLS/i.test(l) ? "go" : "-ERR no\r\n",
    },
  };
  const { greeting, answer } = script[kind];
  return new Promise((resolve) => {
    let buf = "";
    const onData = (d: Buffer): void => {
      buf += d.toString("latin1");
      for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
        const line = buf.slice(0, i).replace(/\r$/, "");
        buf = buf.slice(i + 1);
        const a = answer(line);
        if (a !== "go") {
          s.write(a);
          continue;
        }
        s.off("data", onData);
        s.write(
          kind === "imap" ? `${line.split(" ")[0]} OK begin TLS\r\n` : kind === "smtp" ? "220 go\r\n" : "+OK go\r\n",
        );
        resolve();
        return;
      }
    };
    s.on("data", onData);
    s.write(greeting);
  });
}

/**
 * A server presenting `pem` (implicit TLS, or after a STARTTLS prelude) that counts what arrives encrypted. With
 * `speak: "pop3"` it greets and answers CAPA over the TLS (a trusted upstream on which a client gets to AUTH).
 */
export async function recordingTlsServer(
  pem: Pem,
  kind: Prelude,
  opts: { speak?: "pop3" } = {},
): Promise<RecordingServer> {
  let received = 0;
  const sockets = new Set<net.Socket>();
  const context = tls.createSecureContext({ cert: pem.certPem, key: pem.keyPem });
  const secure = (s: net.Socket): void => {
    const t = new tls.TLSSocket(s, { isServer: true, secureContext: context });
    sockets.add(t);
    t.on("error", () => {});
    t.on("data", (d: Buffer) => {
      received += d.length;
    });
    if (opts.speak === "pop3") void prelude("pop3", t);
  };
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on("error", () => {});
    if (kind === "implicit") secure(s);
    else void prelude(kind, s).then(() => secure(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as net.AddressInfo).port,
    received: () => received,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A plain HTTP CONNECT proxy (RFC 9110 §9.3.6) on loopback that tunnels to 127.0.0.1. */
export async function connectProxy(): Promise<{ url: string; tunnels(): number; close(): Promise<void> }> {
  let tunnels = 0;
  const proxy: HttpServer = createHttpServer();
  const sockets = new Set<net.Socket>();
  proxy.on("connect", (req, client: net.Socket, head: Buffer) => {
    const port = Number(String(req.url).split(":").pop());
    const up = net.connect(port, "127.0.0.1", () => {
      tunnels++;
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length) up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    for (const s of [up, client]) {
      sockets.add(s);
      s.on("error", () => {});
    }
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`,
    tunnels: () => tunnels,
    close: async () => {
      for (const s of sockets) s.destroy();
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
    },
  };
}
