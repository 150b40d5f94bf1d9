/**
 * `GraphFake`: an HTTPS server on 127.0.0.1 that answers like Microsoft Graph's mail API for app-only clients
 * (`/v1.0/users/{id}/...`), over the same mailboxes as the POP3/IMAP/SMTP fakes, with Graph's token checks,
 * permissions (roles, RBAC for Applications, Application Access Policies), MailboxConcurrency (4 requests in flight
 * per app and mailbox, https://learn.microsoft.com/en-us/graph/throttling-limits#outlook-service-limits) and the
 * error answers of src/exchange/graph-replies.ts.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { ExchangeDirectory } from "../exchange/directory.js";
import type { IdentityTrust } from "../exchange/token-check.js";
import type { TestPki } from "../pki.js";
import { authorizeMailbox, checkGraphToken } from "./access.js";
import { DeltaEngine } from "./delta.js";
import { type GraphCall, newCall, sendError } from "./http.js";
import { matchRoute } from "./routes.js";
import type { GraphFaults, GraphSentMessage, GraphState, UploadSession } from "./state.js";
import { GraphStore } from "./store.js";
import { isUploadPath, putRange } from "./upload.js";

export interface GraphFakeOptions {
  directory: ExchangeDirectory;
  /** Issues the server certificate (127.0.0.1, ::1, localhost). Or pass `tls`. */
  pki?: TestPki;
  tls?: { cert: string; key: string };
  /** The identity fake's signing key and trusted tenants (as for the Exchange fake). */
  identity: IdentityTrust;
  /** Accepted `aud` values (default Graph's, every cloud: src/auth/clouds.ts GRAPH_AUDIENCES). */
  audiences?: readonly string[];
  host?: string;
  port?: number;
}

export interface GraphRequestRecord {
  at: Date;
  method: string;
  path: string;
  status: number;
  requestId: string;
  clientRequestId: string;
}

const MAX_RECORDS = 10_000;

export class GraphFake {
  readonly directory: ExchangeDirectory;
  readonly store: GraphStore;
  readonly delta = new DeltaEngine();
  readonly sent: GraphSentMessage[] = [];
  readonly faults: GraphFaults = { queue: [], latencyMs: 0, maxConcurrency: 4, throttleRetryAfterSec: 1 };
  /** Every answered request (bounded), for tests. */
  readonly requests: GraphRequestRecord[] = [];
  /** Most requests in flight seen at once per app and mailbox (for client concurrency tests). */
  readonly peakInFlight = new Map<string, number>();
  readonly certPem: string;
  private readonly uploads = new Map<string, UploadSession>();
  private readonly inFlight = new Map<string, number>();
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private state: GraphState | undefined;
  #url = "";

  constructor(private readonly opts: GraphFakeOptions) {
    this.directory = opts.directory;
    this.store = new GraphStore(opts.directory);
    const tls =
      opts.tls ??
      (() => {
        if (!opts.pki) throw new Error("GraphFake: pass pki or tls");
        const pem = opts.pki.issueServerCert(["127.0.0.1", "::1", "localhost"]);
        return { cert: pem.certPem, key: pem.keyPem };
      })();
    this.certPem = tls.cert;
    this.server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
    this.server.on("connection", (s: Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
  }

  /** `https://127.0.0.1:PORT`, valid after start(). */
  get origin(): string {
    if (!this.#url) throw new Error("GraphFake: call start() first");
    return this.#url;
  }

  /** The API root for clients (`--graph-url`): `https://127.0.0.1:PORT/v1.0`. */
  get url(): string {
    return `${this.origin}/v1.0`;
  }

  async start(): Promise<string> {
    if (this.#url) return this.url;
    const host = this.opts.host ?? "127.0.0.1";
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.opts.port ?? 0, host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    const { port } = this.server.address() as AddressInfo;
    this.#url = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
    this.state = {
      directory: this.directory,
      store: this.store,
      delta: this.delta,
      faults: this.faults,
      sent: this.sent,
      uploads: this.uploads,
      origin: this.#url,
    };
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
    this.#url = "";
  }

  /** The next `times` requests (past the token and mailbox checks) get this answer. */
  failNext(reply: GraphFaults["queue"][number]["reply"] = "throttled", times = 1, retryAfterSec = 1): void {
    for (let i = 0; i < times; i++) this.faults.queue.push({ reply, retryAfterSec });
  }

  /** Forgets every sync state: delta and next links answer 410 SyncStateNotFound. Returns how many were dropped. */
  expireSyncStates(): number {
    return this.delta.expireAll();
  }

  /** The next `times` delta-link requests answer with changes already delivered once (a replayed page). */
  replayDelta(times = 1): void {
    this.delta.replayTimes += times;
  }

  /**
   * Bulk seeding: `count` messages into a folder, each built by `make(i)` and stored without a copy (2,000 messages
   * of 100 KB are 200 MB held once).
   */
  seed(mailbox: string, count: number, make: (i: number) => Buffer, folder = "INBOX"): void {
    const mb = this.directory.findMailbox(mailbox);
    if (!mb) throw new Error(`GraphFake.seed: no mailbox ${mailbox}`);
    this.store.createFolder(mb, folder);
    for (let i = 0; i < count; i++) this.directory.deliver(mb.address, make(i), folder, [], true);
  }

  /** Creates a folder (IMAP path, e.g. `INBOX/Invoices` or `Processed`) in a mailbox; returns its Graph id. */
  addFolder(mailbox: string, path: string): string {
    const mb = this.directory.findMailbox(mailbox);
    if (!mb) throw new Error(`GraphFake.addFolder: no mailbox ${mailbox}`);
    return this.store.folderIdOf(mb, this.store.createFolder(mb, path));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { latencyMs } = this.faults;
    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
    const call = newCall(req, res, this.#url);
    res.on("finish", () => this.record(call));
    try {
      await this.route(call);
    } catch {
      if (!res.headersSent) sendError(call, "service-unavailable", {}, { retryAfterSec: 1 });
      else res.destroy();
    }
  }

  private async route(call: GraphCall): Promise<void> {
    const st = this.state as GraphState;
    if (isUploadPath(call.url.pathname)) return putRange(call, st);
    const segs = call.url.pathname
      .split("/")
      .filter((s) => s.length > 0)
      .map(decodeSegment);
    if (segs[0] !== "v1.0") return sendError(call, "bad-request-segment", { segment: segs[0] ?? "" });
    const token = checkGraphToken(
      call.req.headers.authorization,
      this.directory,
      this.opts.identity,
      this.opts.audiences,
    );
    if (!token.ok) return sendError(call, token.reply);
    if (segs[1]?.toLowerCase() === "me") return sendError(call, "me-app-only");
    if (segs[1]?.toLowerCase() !== "users" || !segs[2])
      return sendError(call, "bad-request-segment", { segment: segs[1] ?? "" });
    const user = segs[2];
    const m = matchRoute(call.req.method ?? "GET", segs.slice(3));
    if (!m.route) return sendError(call, "bad-request-segment", { segment: m.segment || user });
    const d = authorizeMailbox(this.directory, token.claims, user, m.route.op);
    if (!d.ok) return sendError(call, d.reply, d.params);
    const key = `${String(token.claims.appid).toLowerCase()}|${d.mailbox.address.toLowerCase()}`;
    const n = this.inFlight.get(key) ?? 0;
    if (n >= this.faults.maxConcurrency)
      return sendError(call, "throttled", {}, { retryAfterSec: this.faults.throttleRetryAfterSec });
    this.inFlight.set(key, n + 1);
    this.peakInFlight.set(key, Math.max(this.peakInFlight.get(key) ?? 0, n + 1));
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left > 0) this.inFlight.set(key, left);
      else this.inFlight.delete(key);
    };
    call.res.on("close", release);
    call.res.on("finish", release);
    if (this.faults.hold) await this.faults.hold;
    const forced = this.faults.queue.shift();
    if (forced) return sendError(call, forced.reply, {}, { retryAfterSec: forced.retryAfterSec });
    this.store.ensureFolders(d.mailbox);
    await m.route.run({ call, st, mb: d.mailbox, user, claims: token.claims, params: m.params }, m.params);
  }

  private record(c: GraphCall): void {
    if (this.requests.length >= MAX_RECORDS) this.requests.shift();
    this.requests.push({
      at: new Date(),
      method: c.req.method ?? "",
      path: c.url.pathname,
      status: c.res.statusCode,
      requestId: c.requestId,
      clientRequestId: c.clientRequestId,
    });
  }
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
