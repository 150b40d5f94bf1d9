/**
 * Delivers one finished MIME message to an envelope, over SMTP submission with XOAUTH2 (sendOne) or through
 * Microsoft Graph (sendViaGraph): what the library's sendMail and its nodemailer transport share. Throws the typed
 * XoauthError of the failure (no diagnosis run: that is `send`'s and `test`'s job).
 */
import { Readable } from "node:stream";
import type { TokenProvider } from "../auth/types.js";
import type { MailServer } from "../diagnose/server.js";
import type { GraphClientOptions } from "../graph/types.js";
import type { TraceFn } from "../net/types.js";
import type { Envelope } from "./message.js";
import { graphSentJson, smtpSentJson } from "./result.js";
import { rawSourceFrom } from "./source.js";
import { SendFailed, sendOne } from "./transport.js";

export interface DeliveryTarget {
  /** The sending mailbox (XOAUTH2 `user=`, Graph's /users/{mailbox}). */
  mailbox: string;
  tokens: TokenProvider;
  ca?: string[] | undefined;
  timeoutMs?: number | undefined;
  onTrace?: TraceFn | undefined;
  /** SMTP submission (when `graph` is not set). */
  server: MailServer;
  /** Microsoft Graph instead of SMTP: the API root, and the HTTPS proxy. */
  graph?: { url: string; proxy?: string | undefined; noProxy?: string | undefined } | undefined;
}

export type SmtpDelivery = ReturnType<typeof smtpSentJson>;
export type GraphDelivery = ReturnType<typeof graphSentJson>;

/** Sends `mime` (bytes or a stream, read once) to `envelope`; resolves with the `send --json` success object. */
export async function deliverMime(
  t: DeliveryTarget,
  mime: Buffer | Readable,
  envelope: Envelope,
): Promise<SmtpDelivery | GraphDelivery> {
  const started = Date.now();
  // The token first: a refused credential is its own typed error (nodemailer would rewrite its code to EAUTH inside
  // the login); the login then takes it from the provider's cache.
  await t.tokens.getToken();
  if (t.graph) {
    // Loaded for Graph sends only (the draft path brings mailparser).
    const [{ createGraphClient }, { sendViaGraph }] = await Promise.all([
      import("../graph/client.js"),
      import("./graph-send.js"),
    ]);
    const opts: GraphClientOptions = {
      baseUrl: t.graph.url,
      mailbox: t.mailbox,
      tokenProvider: t.tokens,
      ...(t.ca ? { ca: t.ca } : {}),
      ...(t.graph.proxy ? { proxy: t.graph.proxy } : {}),
      ...(t.graph.noProxy ? { noProxy: t.graph.noProxy } : {}),
      ...(t.timeoutMs ? { timeoutMs: t.timeoutMs } : {}),
      ...(t.onTrace ? { trace: t.onTrace } : {}),
    };
    const client = createGraphClient(opts);
    try {
      const sent = await sendViaGraph(client, { mime, envelope });
      return graphSentJson(t.mailbox, t.graph.url, envelope, sent, Date.now() - started);
    } finally {
      client.close();
    }
  }
  const stream = Buffer.isBuffer(mime) ? Readable.from([mime]) : mime;
  const source = await rawSourceFrom(stream, "the message");
  const ms = t.timeoutMs;
  try {
    const sent = await sendOne(
      {
        host: t.server.host,
        port: t.server.port,
        tls: t.server.tls,
        user: t.mailbox,
        token: t.tokens,
        ...(t.ca ? { ca: t.ca } : {}),
        ...(t.onTrace ? { onTrace: t.onTrace } : {}),
        ...(ms ? { timeouts: { connectMs: ms, greetingMs: ms, commandMs: ms } } : {}),
      },
      { kind: "raw", source },
      envelope,
    );
    return smtpSentJson(t.mailbox, t.server, sent, Date.now() - started);
  } catch (e) {
    throw e instanceof SendFailed ? e.error : e;
  }
}
