/**
 * `upstream: graph` (SMTP listeners): the login needs no mail server. After the local password check the client is
 * told 235 at once, and the proxy serves MAIL/RCPT/DATA itself (graph-relay.ts), sending each message with Graph
 * sendMail as the account's mailbox (src/send/graph-send.ts: MIME byte for byte up to ~3 MB, the draft and upload
 * session path up to 35 MB). The Graph client, and so the first token request, is created only for a message; the
 * proxy keeps one per account (GraphClients).
 * The send path (MIME parsing, the draft and upload code) is loaded with the first message too: a proxy that only
 * relays to a mail server, or has not sent yet, does not carry it in memory.
 * POP3 listeners: graph-pop3.ts.
 */
import { Socket } from "node:net";
import { XoauthError } from "../../errors.js";
import type { GraphClient, GraphClientOptions } from "../../graph/types.js";
import type { UpstreamLoginRequest, UpstreamSession } from "../types.js";
import { serveGraphRelay } from "./graph-relay.js";

export interface GraphUpstreamOptions {
  ca?: string[];
  /** Injected for tests; default createGraphClient (src/graph/client.ts), loaded on first use. */
  createClient?: (opts: GraphClientOptions) => GraphClient | Promise<GraphClient>;
  /** The proxy's one client per account (GraphClients); without it each use opens and closes its own. */
  clients?: GraphClients;
}

/** A Graph client for one use: `release()` when done (closes it, unless it is the account's shared client). */
export interface GraphLease {
  client: GraphClient;
  release(): void;
}

/**
 * One Graph client per account for the whole proxy, shared by its SMTP and POP3 sessions. Microsoft allows an app 4
 * concurrent requests per mailbox (https://learn.microsoft.com/en-us/graph/throttling-limits#outlook-service-limits):
 * one client keeps every session of a mailbox within that (its semaphore), where a client per session let 50 devices
 * of one mailbox run 200 requests at once and be throttled. It also reuses the TLS connections (keep-alive) instead of
 * one handshake and one agent per message, which V8 freed only at a full GC (the proxy's RSS climbed ~4 MB per 100
 * messages between collections). A client that could not be created is not kept: the next use tries again.
 */
export class GraphClients {
  private readonly byAccount = new Map<string, Promise<GraphClient>>();

  constructor(private readonly opts: Omit<GraphUpstreamOptions, "clients"> = {}) {}

  lease(req: UpstreamLoginRequest): Promise<GraphLease> {
    const key = req.account.name;
    let client = this.byAccount.get(key);
    if (!client) {
      client = openGraphClient(req, this.opts);
      this.byAccount.set(key, client);
      client.catch(() => this.byAccount.delete(key));
    }
    return client.then((c) => ({ client: c, release: () => {} }));
  }

  /** Closes every client (the proxy stops). */
  close(): void {
    for (const client of this.byAccount.values())
      client.then(
        (c) => c.close(),
        () => {},
      );
    this.byAccount.clear();
  }
}

/** The account's shared client when the proxy has a pool, else a client of its own that release() closes. */
export async function leaseGraphClient(
  req: UpstreamLoginRequest,
  opts: GraphUpstreamOptions = {},
): Promise<GraphLease> {
  if (opts.clients) return opts.clients.lease(req);
  const client = await openGraphClient(req, opts);
  return { client, release: () => client.close() };
}

async function defaultClient(opts: GraphClientOptions): Promise<GraphClient> {
  const { createGraphClient } = await import("../../graph/client.js");
  return createGraphClient(opts);
}

/** The account's Graph settings; CONFIG_INVALID when it has none. */
function graphOf(req: UpstreamLoginRequest): NonNullable<UpstreamLoginRequest["account"]["graph"]> {
  const { account } = req;
  if (!account.graph) {
    throw new XoauthError(
      "CONFIG_INVALID",
      `The account ${account.name} has no Graph settings for an upstream: graph listener.`,
    );
  }
  return account.graph;
}

/** A Graph client for the account's mailbox (its token provider, the proxy's and the account's extra CAs). */
export async function openGraphClient(
  req: UpstreamLoginRequest,
  opts: GraphUpstreamOptions = {},
): Promise<GraphClient> {
  const graph = graphOf(req);
  const ca = [...(opts.ca ?? []), ...(graph.ca ?? [])];
  return (opts.createClient ?? defaultClient)({
    baseUrl: graph.url,
    mailbox: req.account.mailbox,
    tokenProvider: graph.tokens,
    ...(ca.length ? { ca } : {}),
  });
}

export function graphUpstreamSession(req: UpstreamLoginRequest, opts: GraphUpstreamOptions = {}): UpstreamSession {
  const { account } = req;
  graphOf(req);
  return {
    socket: new Socket(), // never connected: this session has no mail server connection
    leftover: Buffer.alloc(0),
    successText: "235 2.7.0 Authentication successful.",
    serve: (client) =>
      serveGraphRelay(client, {
        mailbox: account.mailbox,
        sendAs: account.sendAs ?? [],
        async send(mime, envelope) {
          const lease = await leaseGraphClient(req, opts);
          try {
            const { sendViaGraph } = await import("../../send/graph-send.js");
            const r = await sendViaGraph(lease.client, { mime, envelope });
            return { requestId: r.requestId, path: r.path, bytes: r.bytes, headerOnly: r.headerOnly };
          } finally {
            lease.release();
          }
        },
      }),
  };
}
