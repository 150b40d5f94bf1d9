/** Shared test fixtures for the Exchange fake: keys, token minting, a started fake and a raw line client. */
import { generateKeyPairSync, type KeyObject, randomUUID } from "node:crypto";
import { connect as netConnect, type Socket } from "node:net";
import { type TLSSocket, connect as tlsConnect } from "node:tls";
import { signJwt } from "../../../src/auth/jwt.js";
import { ExchangeFake, type ExchangePorts, sandboxDirectory } from "../../../src/sandbox/exchange/index.js";
import { createTestPki, type TestPki } from "../../../src/sandbox/pki.js";

export const TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad";
export const APP_ID = "4a1aa1d5-c567-49d0-ad0b-cd957a47f842";
export const SP_OID = "6d2b4f8a-1e3c-4a5b-8c7d-9e0f1a2b3c4d";
/** The App Registration's object id: what admins pass to New-ServicePrincipal by mistake. */
export const APP_OBJECT_ID = "1c8b7a3e-5f2d-4e6a-9b0c-7d4e2f1a3b5c";
export const MAILBOX = "info@contoso.onmicrosoft.com";
export const ALL_ROLES = ["POP.AccessAsApp", "IMAP.AccessAsApp", "SMTP.SendAsApp"];

interface Fixtures {
  pki: TestPki;
  keys: { privateKey: KeyObject; publicKey: KeyObject };
  tls: { cert: string; key: string };
}
let shared: Fixtures | undefined;
/** One CA, one signing key and one server certificate per test process (RSA key generation is slow). */
export function fixtures(): Fixtures {
  if (!shared) {
    const pki = createTestPki();
    const sc = pki.issueServerCert(["127.0.0.1", "::1", "localhost"]);
    shared = {
      pki,
      keys: generateKeyPairSync("rsa", { modulusLength: 2048 }),
      tls: { cert: sc.certPem, key: sc.keyPem },
    };
  }
  return shared;
}

export function mintToken(over: Record<string, unknown> = {}, key?: KeyObject): string {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    aud: "https://outlook.office365.com",
    iss: `https://sts.windows.net/${TENANT}/`,
    iat: now - 10,
    nbf: now - 10,
    exp: now + 3600,
    tid: TENANT,
    appid: APP_ID,
    appidacr: "1",
    idtyp: "app",
    oid: SP_OID,
    sub: SP_OID,
    roles: ALL_ROLES,
    ...over,
  };
  for (const [k, v] of Object.entries(over)) if (v === undefined) delete claims[k];
  return signJwt({ alg: "RS256", kid: "test" }, claims, key ?? fixtures().keys.privateKey);
}

export function xoauth2(user: string, token: string): string {
  return Buffer.from(`user=${user}\x01auth=Bearer ${token}\x01\x01`).toString("base64");
}

export async function startFake(): Promise<{ fake: ExchangeFake; ports: ExchangePorts }> {
  const { tls, keys } = fixtures();
  const directory = sandboxDirectory({
    tenantId: TENANT,
    domains: ["contoso.onmicrosoft.com"],
    apps: [{ clientId: APP_ID, servicePrincipalObjectId: SP_OID }],
  });
  const fake = new ExchangeFake({
    directory,
    tls,
    identity: { publicKeyPem: keys.publicKey.export({ type: "spki", format: "pem" }).toString() },
    hostName: "AM0PR01MB1234.eurprd01.prod.outlook.com",
  });
  return { fake, ports: await fake.start() };
}

/** A raw line client over TLS or plain TCP. */
export class RawClient {
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;

  constructor(public socket: Socket | TLSSocket) {
    this.listen(socket);
  }

  private listen(s: Socket): void {
    s.on("data", (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    s.on("close", () => {
      this.closed = true;
      this.wake();
    });
    s.on("error", () => {});
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  static tls(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = tlsConnect({ host: "127.0.0.1", port, ca: fixtures().pki.ca.certPem }, () => resolve(new RawClient(s)));
      s.once("error", reject);
    });
  }

  static plain(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = netConnect({ host: "127.0.0.1", port }, () => resolve(new RawClient(s)));
      s.once("error", reject);
    });
  }

  /** Upgrades to TLS (STLS / STARTTLS), verifying the server certificate against the test CA. */
  async upgrade(): Promise<void> {
    const plain = this.socket;
    plain.removeAllListeners("data");
    plain.removeAllListeners("close");
    this.buf = Buffer.alloc(0);
    this.socket = await new Promise<TLSSocket>((resolve, reject) => {
      const t = tlsConnect({ socket: plain, ca: fixtures().pki.ca.certPem, servername: "localhost" }, () => resolve(t));
      t.once("error", reject);
    });
    this.listen(this.socket);
  }

  send(line: string): void {
    this.socket.write(`${line}\r\n`);
  }

  async line(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.buf.indexOf("\r\n");
      if (i >= 0) {
        const l = this.buf.subarray(0, i).toString("utf8");
        this.buf = this.buf.subarray(i + 2);
        return l;
      }
      if (this.closed) throw new Error(`connection closed; pending: ${this.buf.toString("latin1")}`);
      if (Date.now() > deadline) throw new Error(`timeout; pending: ${this.buf.toString("latin1")}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Lines up to and including the first one matching `end`. */
  async until(end: RegExp): Promise<string[]> {
    const out: string[] = [];
    for (;;) {
      const l = await this.line();
      out.push(l);
      if (end.test(l)) return out;
    }
  }

  /** Everything until the peer closes. */
  async rest(): Promise<string> {
    while (!this.closed) await new Promise((r) => setTimeout(r, 20));
    return this.buf.toString("latin1");
  }

  close(): void {
    this.socket.destroy();
  }
}

export { randomUUID };
