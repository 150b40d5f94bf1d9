/** IMAP session over imapflow: XOAUTH2 login (RFC 3501 §6.2.2 AUTHENTICATE), LIST, EXAMINE, LOGOUT. */
import { rootCertificates } from "node:tls";
import type { TokenProvider } from "../auth/types.js";
import { XoauthError } from "../errors.js";
import { LIMITS } from "../limits.js";
import { markSecret } from "../log/redact.js";
import { packageVersion } from "../version.js";
import { isLimitError, mapImapError, NOT_CONNECTED_RE } from "./errors.js";
import { ImapFlow } from "./imapflow.js";
import { createImapObserver, type ImapObserver } from "./trace.js";
import type { ImapConnectOptions, ImapExamineResult, ImapMailboxInfo, ImapSession, ImapTimings } from "./types.js";

/** The project README (package.json has no repository URL; the npm page shows the README). */
const SUPPORT_URL = "https://www.npmjs.com/package/xoauth-mail";

/** RFC 2971 ID sent when the server offers it: this tool, not the imapflow library. */
export const CLIENT_INFO = {
  name: "xoauth-mail",
  version: packageVersion(),
  vendor: "xoauth-mail",
  "support-url": SUPPORT_URL,
};

async function resolveToken(token: TokenProvider | string): Promise<string> {
  const t = typeof token === "string" ? token : (await token.getToken()).token;
  markSecret(t);
  return t;
}

function caList(ca: string | string[] | undefined): string[] | undefined {
  if (!ca) return undefined;
  return [...rootCertificates, ...(Array.isArray(ca) ? ca : [ca])];
}

function timingsOf(obs: ImapObserver, started: number): ImapTimings {
  const d = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined ? b - a : undefined);
  return {
    connectMs: d(started, obs.connectedAt),
    greetingMs: d(obs.connectedAt, obs.greetingAt),
    starttlsMs: obs.starttlsAt !== undefined ? d(obs.greetingAt, obs.starttlsAt) : undefined,
    authMs: d(obs.authSentAt, obs.authDoneAt),
  };
}

/**
 * imapflow prefers OAUTHBEARER whenever offered; Exchange speaks XOAUTH2, and `test` must prove exactly that.
 * Just before authenticating (greeting and STARTTLS done), require AUTH=XOAUTH2 and hide OAUTHBEARER.
 */
function forceXoauth2(client: ImapFlow, opts: ImapConnectOptions): void {
  const c = client as unknown as { authenticate: () => Promise<boolean>; capabilities: Map<string, unknown> };
  const original = c.authenticate.bind(client);
  c.authenticate = async () => {
    if (!c.capabilities.has("AUTH=XOAUTH2")) {
      const capa = [...c.capabilities.keys()].join(" ");
      throw new XoauthError("XOAUTH2_NOT_OFFERED", `${opts.host}:${opts.port} does not offer AUTH=XOAUTH2.`, {
        details: {
          command: "CAPABILITY",
          serverReply: `CAPABILITY ${capa}`,
          params: { host: opts.host, port: String(opts.port), mailbox: opts.user },
        },
      });
    }
    c.capabilities.delete("AUTH=OAUTHBEARER");
    return original();
  };
}

/** Connects, upgrades (STARTTLS) when asked, and logs in with XOAUTH2. Failures are typed XoauthErrors. */
export async function connectImap(opts: ImapConnectOptions): Promise<ImapSession> {
  const token = await resolveToken(opts.token);
  const obs = createImapObserver(opts.onTrace);
  const started = Date.now();
  const client = new ImapFlow({
    host: opts.host,
    port: opts.port,
    secure: opts.tls === "implicit",
    doSTARTTLS: opts.tls === "starttls",
    servername: opts.servername,
    tls: { rejectUnauthorized: true, ca: caList(opts.ca), minVersion: "TLSv1.2" },
    auth: { user: opts.user, accessToken: token },
    logger: obs.logger,
    disableCompression: true,
    disableAutoEnable: true,
    disableAutoIdle: true,
    connectionTimeout: opts.timeouts?.connectMs ?? LIMITS.timeouts.connectMs,
    greetingTimeout: opts.timeouts?.greetingMs ?? LIMITS.timeouts.greetingMs,
    socketTimeout: opts.timeouts?.commandMs ?? LIMITS.timeouts.commandMs,
    maxLineLength: LIMITS.maxLineBytes,
    maxLiteralSize: LIMITS.maxImapLiteralBytes,
    // One response = framing lines + its literals; leave room for the marker lines of a literal at the limit.
    maxResponseSize: LIMITS.maxImapLiteralBytes + LIMITS.maxMultilineReplyBytes,
    clientInfo: CLIENT_INFO,
  } as ConstructorParameters<typeof ImapFlow>[0]);
  // imapflow reports fatal stream errors (LiteralTooLarge, ...) as events and fails the pending command with a bare
  // "connection closed"; keep the first one so the command reports the real cause.
  let fatal: unknown;
  client.on("error", (err: unknown) => {
    fatal ??= err;
  });
  const cause = (err: unknown) => (fatal !== undefined && isLimitError(fatal) ? fatal : err);
  forceXoauth2(client, opts);

  const ctx = (command: string) => ({
    host: opts.host,
    port: opts.port,
    user: opts.user,
    command,
    lastTagged: obs.lastTagged,
    capabilities: obs.preAuthCapabilities.length ? obs.preAuthCapabilities : [...client.capabilities.keys()],
    greeted: obs.greetingAt !== undefined,
  });

  try {
    await client.connect();
  } catch (err) {
    client.close();
    const command = obs.authSentAt !== undefined ? "AUTHENTICATE XOAUTH2" : obs.greetingAt ? "CAPABILITY" : "connect";
    throw mapImapError(cause(err), ctx(command));
  }

  /** Runs one command; a `BAD User is authenticated but not connected.` reply becomes MAILBOX_NOT_CONNECTED. */
  async function run<T>(command: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw mapImapError(cause(err), ctx(command));
    }
  }

  let closed = false;
  return {
    preAuthCapabilities: obs.preAuthCapabilities,
    capabilities: [...client.capabilities.keys()],
    timings: timingsOf(obs, started),
    client,
    async listMailboxes(): Promise<ImapMailboxInfo[]> {
      const list = await run("LIST", () => client.list());
      return list.map((m) => ({
        path: m.path,
        delimiter: m.delimiter,
        ...(m.specialUse ? { specialUse: m.specialUse } : {}),
      }));
    },
    async examineInbox(): Promise<ImapExamineResult> {
      const mb = await run("EXAMINE INBOX", () => client.mailboxOpen("INBOX", { readOnly: true }));
      if (!mb) {
        const reply = obs.lastTagged ?? "";
        if (NOT_CONNECTED_RE.test(reply)) throw mapImapError({ response: reply }, ctx("EXAMINE INBOX"));
        throw new XoauthError("PROTOCOL_ERROR", `EXAMINE INBOX failed on ${opts.host}:${opts.port}.`, {
          details: { command: "EXAMINE INBOX", serverReply: reply },
        });
      }
      return { exists: mb.exists, uidValidity: Number(mb.uidValidity), uidNext: mb.uidNext };
    },
    async logout(): Promise<void> {
      if (closed) return;
      closed = true;
      await run("LOGOUT", () => client.logout());
    },
    close(): void {
      if (closed) return;
      closed = true;
      client.close();
    },
  };
}
