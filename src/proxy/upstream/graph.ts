/**
 * `upstream: graph` (SMTP listeners): the login needs no mail server. After the local password check the client is
 * told 235 at once, and the proxy serves MAIL/RCPT/DATA itself (graph-relay.ts), sending each message with Graph
 * sendMail as the account's mailbox (src/send/graph-send.ts: MIME byte for byte up to ~3 MB, the draft and upload
 * session path up to 35 MB). The Graph client, and so the first token request, is created only for a message.
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
export function openGraphClient(req: UpstreamLoginRequest, opts: GraphUpstreamOptions = {}): Promise<GraphClient> {
  const graph = graphOf(req);
  const ca = [...(opts.ca ?? []), ...(graph.ca ?? [])];
  return Promise.resolve(
    (opts.createClient ?? defaultClient)({
      baseUrl: graph.url,
      mailbox: req.account.mailbox,
      tokenProvider: graph.tokens,
      ...(ca.length ? { ca } : {}),
    }),
  );
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
          const c = await openGraphClient(req, opts);
          try {
            const { sendViaGraph } = await import("../../send/graph-send.js");
            const r = await sendViaGraph(c, { mime, envelope });
            return { requestId: r.requestId, path: r.path, bytes: r.bytes, headerOnly: r.headerOnly };
          } finally {
            c.close();
          }
        },
      }),
  };
}
