/** A line-oriented upstream connection during the proxy's XOAUTH2 login (bounded lines, per-command timeout). */
import type { Socket } from "node:net";
import type { AccessToken } from "../../auth/types.js";
import { XoauthError } from "../../errors.js";
import { classifyReply } from "../../exchange/contract.js";
import { LIMITS } from "../../limits.js";
import { upgradeToTls } from "../../net/connect.js";
import { LineReader } from "../../net/line-reader.js";
import { buildXoauth2, parseXoauth2Error, type Xoauth2ErrorContinuation } from "../../sasl/xoauth2.js";
import type { UpstreamLoginRequest } from "../types.js";
import { untilAborted } from "./cancel.js";

export class UpstreamConn {
  private reader: LineReader;

  constructor(
    public socket: Socket,
    private readonly req: UpstreamLoginRequest,
    private readonly ca: string[] | undefined,
  ) {
    this.reader = new LineReader(socket, LIMITS.maxLineBytes);
  }

  get where(): string {
    return `${this.req.target.host}:${this.req.target.port}`;
  }

  send(line: string): void {
    this.socket.write(`${line}\r\n`);
  }

  async readLine(timeoutMs: number = LIMITS.timeouts.commandMs): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new XoauthError("TIMEOUT", `The mail server ${this.where} did not answer in time.`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.reader.readLine(), timeout]);
    } catch (e) {
      if (e instanceof XoauthError && e.code === "CONNECTION_CLOSED") {
        throw new XoauthError("CONNECTION_CLOSED", `The mail server ${this.where} closed the connection during login.`);
      }
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Client side of STARTTLS after the server said go ahead; verified against the system roots plus `ca`. */
  async startTls(): Promise<void> {
    this.reader.detach();
    this.socket = await upgradeToTls(this.socket, {
      host: this.req.target.host,
      port: this.req.target.port,
      ...(this.ca ? { ca: this.ca } : {}),
    });
    this.reader = new LineReader(this.socket, LIMITS.maxLineBytes);
  }

  detach(): Buffer {
    return this.reader.detach();
  }

  protocolError(what: string, reply: string): XoauthError {
    return new XoauthError("PROTOCOL_ERROR", `Unexpected reply from ${this.where} ${what}.`, {
      details: { serverReply: reply.slice(0, 300) },
    });
  }
}

/**
 * The base64 XOAUTH2 initial response (`user=<mailbox>^Aauth=Bearer <token>^A^A`, Microsoft's "Authenticate an
 * IMAP, POP or SMTP connection using OAuth") for the account's mailbox, marked secret. The wait for the token ends
 * when the login is cancelled.
 */
export async function xoauth2Response(req: UpstreamLoginRequest): Promise<string> {
  return buildXoauth2(req.account.mailbox, await upstreamToken(req));
}

/** The bearer token for this login (see tokenFor); the wait ends when the login is cancelled. */
export async function upstreamToken(req: UpstreamLoginRequest): Promise<string> {
  return (await untilAborted(tokenFor(req), req.signal)).token;
}

/**
 * Exchange ends an IMAP session when the token used at login expires (`* BYE Session invalidated -
 * AccessTokenExpired`, reported in public getmail6 and imapsync issue threads; tokens live 60-90 minutes), so an IMAP
 * login takes a new token when the cached one has less than LIMITS.proxyMinImapTokenLifetimeMs left: the session then
 * lasts at least that long. A token the endpoint has just issued is used as it is (a short-lived token stays short).
 * POP3 and SMTP sessions are short.
 */
export async function tokenFor(req: UpstreamLoginRequest): Promise<AccessToken> {
  const t = await req.account.tokens.getToken();
  if (req.protocol !== "imap" || !t.fromCache) return t;
  if (t.expiresOn.getTime() - Date.now() >= LIMITS.proxyMinImapTokenLifetimeMs) return t;
  return req.account.tokens.getToken({ forceRefresh: true });
}

/**
 * The server's base64 JSON error continuation (`+ eyJ...`, `334 eyJ...`), decoded; the caller answers it with an
 * empty line and reads the final failure.
 */
export function saslErrorOf(continuationText: string): Xoauth2ErrorContinuation | undefined {
  return parseXoauth2Error(continuationText.trim());
}

/**
 * An upstream refusal of our XOAUTH2 login, with the server's reply (and SASL error status) for diagnosis. The code
 * comes from the Exchange behaviour table (src/exchange/contract.ts): SMTP_AUTH_DISABLED for 5.7.139, SERVER_BUSY
 * for a connection limit or a busy server (temporary), else MAILBOX_ACCESS_DENIED.
 */
export function authRejected(req: UpstreamLoginRequest, reply: string, sasl?: Xoauth2ErrorContinuation): XoauthError {
  const row = reply
    .split(" | ")
    .map((line) => classifyReply(req.protocol, "auth", line))
    .find((r) => r !== undefined);
  const code = row?.code ?? "MAILBOX_ACCESS_DENIED";
  const what = row?.kind === "temporary" ? "refused the XOAUTH2 login for now" : "refused the XOAUTH2 login";
  return new XoauthError(
    code,
    `The mail server ${req.target.host}:${req.target.port} ${what} for ${req.account.mailbox}.`,
    {
      details: {
        command: "AUTH XOAUTH2",
        serverReply: reply.slice(0, 300),
        params: {
          mailbox: req.account.mailbox,
          ...(sasl ? { saslStatus: sasl.status, saslSchemes: sasl.schemes, saslScope: sasl.scope } : {}),
        },
      },
    },
  );
}
