/**
 * The Microsoft Graph mail client for one mailbox (the GraphClient interface of src/graph/types.ts): URLs and bodies
 * of each call here; the HTTP policy (slots, token, retries, classification) in request.ts; the wire in wire.ts.
 * Every mail request asks for immutable ids (`Prefer: IdType="ImmutableId"`,
 * https://learn.microsoft.com/en-us/graph/outlook-immutable-id), so an id survives moves between folders.
 */
import { XoauthError } from "../errors.js";
import { LIMITS } from "../limits.js";
import { VerifiedAgent } from "../net/https-agent.js";
import { FOLDER_SELECT, odataString, resolveFolderPath } from "./folders.js";
import { parseDeltaPage, parseMessageList } from "./messages.js";
import { type GraphCall, type RequestContext, requestJson, requestNoBody, requestStream } from "./request.js";
import { Semaphore } from "./semaphore.js";
import { sendCalls } from "./send.js";
import { GRAPH_LIMITS, type GraphClient, type GraphClientOptions } from "./types.js";

const IMMUTABLE = 'IdType="ImmutableId"';
const MESSAGE_SELECT = "id,internetMessageId,subject,receivedDateTime,isRead";
/**
 * PidTagMessageSize (PR_MESSAGE_SIZE, 0x0E08, an integer): the store's size of the message, an estimate of its MIME
 * size (https://learn.microsoft.com/en-us/office/client-developer/outlook/mapi/pidtagmessagesize-canonical-property),
 * read as an extended property (https://learn.microsoft.com/en-us/graph/api/singlevaluelegacyextendedproperty-get).
 */
const SIZE_EXPAND = "singleValueExtendedProperties($filter=id eq 'Integer 0x0E08')";

const enc = encodeURIComponent;

/** A query string with `$` keys as Graph writes them and values percent-encoded (spaces as %20, not `+`). */
function query(params: Record<string, string | number>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${enc(String(v))}`)
    .join("&");
}

function httpsBase(baseUrl: string): URL {
  let u: URL;
  try {
    u = new URL(baseUrl.replace(/\/+$/, ""));
  } catch {
    throw new XoauthError("USAGE", `The Graph URL "${baseUrl}" is not a URL.`);
  }
  if (u.protocol !== "https:")
    throw new XoauthError("USAGE", `Refusing to send a token to ${u.origin}: the Graph URL must be https.`);
  return u;
}

function checkConcurrency(n: number | undefined): number {
  const v = n ?? GRAPH_LIMITS.maxConcurrency;
  if (!Number.isInteger(v) || v < 1 || v > GRAPH_LIMITS.maxConcurrency)
    throw new XoauthError(
      "USAGE",
      `Graph allows 1 to ${GRAPH_LIMITS.maxConcurrency} requests at once per mailbox; ${n} is not possible.`,
    );
  return v;
}

const defaultSleep = (signal: AbortSignal | undefined) => (ms: number) =>
  new Promise<void>((resolve, reject) => {
    signal?.throwIfAborted();
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

export function createGraphClient(opts: GraphClientOptions): GraphClient {
  const base = httpsBase(opts.baseUrl);
  const root = `${base.href.replace(/\/+$/, "")}/users/${enc(opts.mailbox)}`;
  const maxConcurrency = checkConcurrency(opts.maxConcurrency);
  const timeoutMs = opts.timeoutMs ?? LIMITS.timeouts.httpMs;
  const agent = new VerifiedAgent({
    ca: opts.ca,
    proxy: opts.proxy,
    noProxy: opts.noProxy,
    maxSockets: maxConcurrency,
    connectTimeoutMs: timeoutMs,
  });
  let requestCount = 0;
  let closed = false;
  const ctx: RequestContext = {
    agent,
    slots: new Semaphore(maxConcurrency),
    mailbox: opts.mailbox,
    tokenProvider: opts.tokenProvider,
    timeoutMs,
    maxRetryWaitMs: opts.maxRetryWaitMs ?? GRAPH_LIMITS.maxRetryWaitMs,
    sleep: opts.sleep ?? defaultSleep(opts.signal),
    trace: opts.trace,
    signal: opts.signal,
    onSend: () => {
      requestCount++;
    },
  };

  const open = (): void => {
    if (closed) throw new XoauthError("USAGE", "This Graph client was closed.");
  };
  /** A mail request: immutable ids, plus any other Prefer value (one header, comma-separated). */
  const mail = (call: Omit<GraphCall, "url"> & { path: string; prefer?: string }): GraphCall => {
    open();
    const { path, prefer, ...rest } = call;
    return {
      ...rest,
      url: path.startsWith("https://") ? path : `${root}${path}`,
      headers: { ...call.headers, prefer: prefer ? `${IMMUTABLE}, ${prefer}` : IMMUTABLE },
    };
  };
  const json = <T>(call: Omit<GraphCall, "url"> & { path: string; prefer?: string }) =>
    requestJson<T>(ctx, mail(call)).then((r) => r.json);
  /** A link Graph gave (nextLink, deltaLink) is only followed to Graph's own origin: it gets the token. */
  const sameOrigin = (link: string, what: string): string => {
    let u: URL | undefined;
    try {
      u = new URL(link);
    } catch {
      u = undefined;
    }
    if (!u || u.origin !== base.origin)
      throw new XoauthError(
        "PROTOCOL_ERROR",
        `Refusing to follow a ${what} to ${u?.origin ?? "a non-URL"}: it is not ${base.origin}, and the request would carry the token.`,
        { details: { params: { mailbox: opts.mailbox } } },
      );
    return u.href;
  };
  const msg = (id: string): string => `/messages/${enc(id)}`;

  return {
    mailbox: opts.mailbox,
    get requestCount() {
      return requestCount;
    },

    resolveFolder(path) {
      return resolveFolderPath(
        {
          wellKnown: (name) =>
            json({ method: "GET", path: `/mailFolders/${enc(name)}?$select=${FOLDER_SELECT}`, expect: [200] }),
          children: async (under, name, next) => {
            const at = (q: string) =>
              next
                ? sameOrigin(next, "nextLink")
                : under
                  ? `/mailFolders/${enc(under)}/childFolders?${q}`
                  : `/mailFolders?${q}`;
            const get = (path: string) =>
              json<{ value?: unknown; "@odata.nextLink"?: unknown }>({ method: "GET", path, expect: [200] });
            const filtered = query({ $filter: `displayName eq ${odataString(name)}`, $select: FOLDER_SELECT });
            // A service that refuses the $filter (400) is asked for the plain listing, matched here by name.
            const page = await get(at(filtered)).catch((e: unknown) => {
              if (next || (e as XoauthError).details?.httpStatus !== 400) throw e;
              return get(at(query({ $select: FOLDER_SELECT, $top: "100" })));
            });
            const value = Array.isArray(page?.value) ? (page.value as object[]) : [];
            const link = page?.["@odata.nextLink"];
            return { value, ...(typeof link === "string" ? { next: link } : {}) };
          },
        },
        path,
        opts.mailbox,
      );
    },

    async deltaPage(folderId, link) {
      const path = link
        ? sameOrigin(link, "delta link")
        : `/mailFolders/${enc(folderId)}/messages/delta?${query({ $select: MESSAGE_SELECT })}`;
      const body = await json<unknown>({
        method: "GET",
        path,
        prefer: `odata.maxpagesize=${GRAPH_LIMITS.deltaPageSize}`,
        expect: [200],
      });
      return parseDeltaPage(body, opts.mailbox);
    },

    async listMessages(folderId, top, how) {
      // No $orderby unless asked: any message proves the listing works (Graph lists the newest first by default), and
      // a service without $orderby support must not fail the test's list step.
      const q = query({
        $top: top,
        $select: MESSAGE_SELECT,
        ...(how?.oldestFirst ? { $orderby: "receivedDateTime asc" } : {}),
        ...(how?.withSize ? { $expand: SIZE_EXPAND } : {}),
      });
      const body = await json<unknown>({
        method: "GET",
        path: `/mailFolders/${enc(folderId)}/messages?${q}`,
        expect: [200],
      });
      return parseMessageList(body, opts.mailbox);
    },

    async openMime(messageId) {
      const call = mail({ method: "GET", path: `${msg(messageId)}/$value`, expect: [200] });
      const { stream, length } = await requestStream(ctx, call, `The MIME of message ${messageId}`);
      return { stream, ...(length !== undefined ? { length } : {}) };
    },

    async move(messageId, destinationFolderId) {
      const r = await json<{ id?: unknown }>({
        method: "POST",
        path: `${msg(messageId)}/move`,
        json: { destinationId: destinationFolderId },
        expect: [200, 201],
      });
      return { id: typeof r?.id === "string" ? r.id : messageId };
    },

    async delete(messageId) {
      await requestNoBody(ctx, mail({ method: "DELETE", path: msg(messageId), expect: [204, 200] }));
    },

    async markRead(messageId) {
      await requestNoBody(
        ctx,
        mail({ method: "PATCH", path: msg(messageId), json: { isRead: true }, expect: [200, 204] }),
      );
    },

    ...sendCalls(ctx, mail, open),

    close() {
      closed = true;
      agent.destroy();
    },
  };
}
