/** Public types of the SMTP client (nodemailer underneath). */
import type { TlsMode, TokenSource, TraceFn } from "../net/types.js";

export interface SmtpOptions {
  host: string;
  port: number;
  /** `implicit`: SMTPS (465, RFC 8314 §3.3); `starttls`: submission 587 + STARTTLS (RFC 3207). */
  tls: TlsMode;
  /** Extra trusted CA certificates (PEM), in addition to Node's roots. Verification is always on. */
  ca?: string | string[];
  /** TLS server name when it differs from `host`. */
  servername?: string;
  /** The sending mailbox: the XOAUTH2 `user=`. */
  user: string;
  /** The access token, or a provider asked at each login. */
  token: TokenSource;
  /** EHLO name (default: nodemailer's, the local host name). */
  name?: string;
  onTrace?: TraceFn;
  timeouts?: { connectMs?: number; greetingMs?: number; commandMs?: number };
}

export interface SmtpTimings {
  /** TCP (+ TLS for implicit) connect. */
  connectMs?: number;
  /** Connected -> greeting. */
  greetingMs?: number;
  /** STARTTLS sent -> TLS up. */
  starttlsMs?: number;
  /** `AUTH XOAUTH2` sent -> 235. */
  authMs?: number;
}

export interface SmtpLoginResult {
  /** EHLO keywords before authentication (after STARTTLS), e.g. `SIZE`, `8BITMIME`, `AUTH`. */
  extensions: string[];
  /** SASL mechanisms from the EHLO `AUTH` line. */
  authMechanisms: string[];
  /** EHLO keywords when asked again after authentication. */
  postAuthExtensions: string[];
  timings: SmtpTimings;
  /** The server's final reply to the authentication, e.g. `235 2.7.0 Logged in.` */
  authReply: string;
}

export interface SendInput {
  from: string;
  to: string[];
  /** The complete RFC 5322 message, sent as is. */
  raw?: Buffer | string;
  /** Or fields composed by nodemailer. */
  subject?: string;
  text?: string;
}

export interface SendResult {
  messageId: string | undefined;
  /** The server's reply to the end of DATA. */
  response: string;
  accepted: string[];
  rejected: string[];
}
