/**
 * An Exchange-Online-like fake of the mail side: POP3 (implicit TLS and STLS), IMAP (implicit TLS) and SMTP
 * submission (STARTTLS), in-process on 127.0.0.1, with EXO's authorization model (token-check.ts) and the replies of
 * src/exchange/contract.ts (replies.ts renders them).
 */
import type { KeyObject } from "node:crypto";
import type { AddressInfo, Server, Socket } from "node:net";
import { createSecureContext } from "node:tls";
import type { SMTPServer } from "smtp-server";
import { LIMITS } from "../../limits.js";
import type { TestPki } from "../pki.js";
import type { AuthLogEntry, ExchangeFaults, ExpiryEntry, ServerContext } from "./context.js";
import type { ExchangeDirectory, StoredMessage } from "./directory.js";
import { createImapsServer } from "./imap-server.js";
import { createPop3StlsServer, createPop3sServer } from "./pop3-server.js";
import { createSmtpServer, type SentMessage } from "./smtp-server.js";

export type { AuthLogEntry, ExchangeFaults, ExpiryEntry } from "./context.js";
export * from "./directory.js";
export { TOKEN_EXPIRED_BYE } from "./imap-expiry.js";
export { IMAP_CAPABILITY, IMAP_TEXT } from "./imap-server.js";
export { POP3_TEXT } from "./pop3-server.js";
export { SANDBOX_MAILBOX, type SandboxTenantLike, sampleMessages, sandboxDirectory } from "./sample.js";
export { type SentMessage, SMTP_TEXT } from "./smtp-server.js";
export * from "./token-check.js";

export interface ExchangeFakeOptions {
  directory: ExchangeDirectory;
  /** Issues the server certificate (for 127.0.0.1, ::1, localhost and hostName). Or pass `tls` directly. */
  pki?: TestPki;
  tls?: { cert: string; key: string };
  identity: {
    publicKeyPem: string | KeyObject;
    /** Tenant IDs whose issuer `https://sts.windows.net/{tid}/` is trusted (default: the directory's tenant). */
    tenants?: string[];
    issuers?: string[];
    audiences?: string[];
  };
  /** Shown in replies, e.g. `AM0PR01MB1234.eurprd01.prod.outlook.com` (default `outlook.office365.com`). */
  hostName?: string;
  /** Bind address (default 127.0.0.1). */
  host?: string;
  /** Fixed ports (default 0 = ephemeral for each). */
  ports?: Partial<ExchangePorts>;
}

export interface ExchangePorts {
  pop3s: number;
  /** Plain POP3 offering STLS. */
  pop3: number;
  imaps: number;
  /** SMTP submission with STARTTLS. */
  smtp: number;
}

export class ExchangeFake {
  readonly directory: ExchangeDirectory;
  readonly log: AuthLogEntry[] = [];
  /** IMAP sessions ended with `* BYE Session invalidated - AccessTokenExpired` (imap-expiry.ts). */
  readonly expiries: ExpiryEntry[] = [];
  readonly sent: SentMessage[] = [];
  readonly faults: ExchangeFaults = { failAuthTimes: 0 };
  readonly hostName: string;
  /** PEM of the server certificate in use. */
  readonly certPem: string;
  private readonly ctx: ServerContext;
  private servers: { pop3s?: Server; pop3?: Server; imaps?: Server; smtp?: SMTPServer } = {};
  private ports: ExchangePorts | undefined;

  constructor(private readonly opts: ExchangeFakeOptions) {
    this.directory = opts.directory;
    this.hostName = opts.hostName ?? "outlook.office365.com";
    const tls =
      opts.tls ??
      (() => {
        if (!opts.pki) throw new Error("ExchangeFake: pass pki or tls");
        const pem = opts.pki.issueServerCert(["127.0.0.1", "::1", "localhost", this.hostName]);
        return { cert: pem.certPem, key: pem.keyPem };
      })();
    this.certPem = tls.cert;
    this.ctx = {
      directory: opts.directory,
      trust: { ...opts.identity },
      hostName: this.hostName,
      secureContext: createSecureContext({ cert: tls.cert, key: tls.key }),
      tls,
      faults: this.faults,
      log: this.log,
      expiries: this.expiries,
      loggedIn: new Set(),
      sessions: new Map(),
      maxLine: LIMITS.maxSaslLineBytes,
    };
  }

  /** Starts all four listeners; resolves with their ports. */
  async start(): Promise<ExchangePorts> {
    if (this.ports) return this.ports;
    const host = this.opts.host ?? "127.0.0.1";
    const p = this.opts.ports ?? {};
    const listen = (srv: Server | SMTPServer, port = 0): Promise<number> =>
      new Promise((resolve, reject) => {
        const s = srv as Server;
        s.once("error", reject);
        s.listen(port, host, () => {
          const addr = ((srv as SMTPServer).server ?? s).address() as AddressInfo;
          resolve(addr.port);
        });
      });
    this.servers.pop3s = this.track(createPop3sServer(this.ctx));
    this.servers.pop3 = this.track(createPop3StlsServer(this.ctx));
    this.servers.imaps = this.track(createImapsServer(this.ctx));
    this.servers.smtp = createSmtpServer(this.ctx, this.sent);
    this.ports = {
      pop3s: await listen(this.servers.pop3s, p.pop3s),
      pop3: await listen(this.servers.pop3, p.pop3),
      imaps: await listen(this.servers.imaps, p.imaps),
      smtp: await listen(this.servers.smtp, p.smtp),
    };
    return this.ports;
  }

  /** Stops all listeners and drops open connections. */
  async stop(): Promise<void> {
    const { pop3s, pop3, imaps, smtp } = this.servers;
    this.servers = {};
    this.ports = undefined;
    const closeNet = (s: Server | undefined): Promise<void> =>
      new Promise((r) => {
        if (!s) return r();
        s.close(() => r());
        for (const sock of this.sockets.get(s) ?? []) sock.destroy();
      });
    await Promise.all([
      closeNet(pop3s),
      closeNet(pop3),
      closeNet(imaps),
      smtp ? new Promise<void>((r) => smtp.close(() => r())) : Promise.resolve(),
    ]);
  }

  private readonly sockets = new WeakMap<Server, Set<Socket>>();

  private track(srv: Server): Server {
    const set = new Set<Socket>();
    this.sockets.set(srv, set);
    srv.on("connection", (sock: Socket) => {
      set.add(sock);
      sock.on("close", () => set.delete(sock));
    });
    return srv;
  }

  /**
   * Ends logged-in IMAP sessions as if their token had just expired (BYE, close): all, or those answering `verb`
   * (e.g. `IDLE`). Returns how many. For clients that re-log in before expiry, to see the BYE handled anyway.
   */
  expireSessions(verb?: string): number {
    let n = 0;
    for (const s of [...this.ctx.loggedIn]) {
      if (verb !== undefined && s.busy !== verb) continue;
      s.expire();
      n++;
    }
    return n;
  }

  /** Appends a raw RFC 5322 message to a mailbox folder (IDLE sessions see `* n EXISTS`). */
  addMessage(mailbox: string, raw: Buffer, folder = "INBOX"): StoredMessage {
    return this.directory.deliver(mailbox, raw, folder);
  }
}
