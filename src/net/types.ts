/**
 * The types every mail protocol layer shares — one transcript event, one TLS mode, one token source — so that POP3,
 * IMAP, SMTP, the diagnosis and the proxy speak one vocabulary. Nothing here imports a protocol.
 */
import type { AccessToken, TokenProvider } from "../auth/types.js";

/** One redacted protocol transcript line: `c` sent by us, `s` from the server, `info` a connection event. */
export interface TraceEvent {
  dir: "c" | "s" | "info";
  line: string;
}

export type TraceFn = (event: TraceEvent) => void;

/**
 * `implicit`: TLS from the first byte (RFC 8314 §3.3: 995, 993, 465); `starttls`: plain TCP upgraded by the protocol
 * (POP3 STLS RFC 2595 §4, IMAP STARTTLS RFC 3501 §6.2.1, SMTP STARTTLS RFC 3207 §4); `none`: never TLS (loopback
 * listeners and tests only).
 */
export type TlsMode = "implicit" | "starttls" | "none";

/** The TLS modes of a real mail server, as configured and tested (`config`, `test`, `init`): never `none`. */
export type ServerTlsMode = Exclude<TlsMode, "none">;

/** A token string, a TokenProvider (asked at each authentication), or an async function returning a token. */
export type TokenSource = string | TokenProvider | ((opts?: { forceRefresh?: boolean }) => Promise<string>);

/** The bearer token of a source, asked for at the moment of login (caching and refresh live in the provider). */
export async function resolveToken(src: TokenSource, opts?: { forceRefresh?: boolean }): Promise<string> {
  if (typeof src === "string") return src;
  if (typeof src === "function") return src(opts);
  const t: AccessToken = await src.getToken(opts);
  return t.token;
}
