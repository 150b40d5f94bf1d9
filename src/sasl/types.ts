/** SASL (RFC 4422) client mechanisms as pure step functions: no sockets, no I/O. */

/** What a client mechanism may need; each mechanism uses its own subset. Secret fields are never logged. */
export interface SaslCredentials {
  /** Authentication identity (XOAUTH2: the mailbox address). */
  user: string;
  /** OAuth 2.0 access token (XOAUTH2). Secret. */
  token?: string;
  /** Password (PLAIN, LOGIN). Secret. */
  password?: string;
  /** Authorization identity (PLAIN), usually empty. */
  authzid?: string;
}

/** One client-side SASL exchange (RFC 4422 §3). All values are base64 as they travel on the wire. */
export interface SaslClientMechanism {
  /** The registered mechanism name, e.g. `XOAUTH2`. */
  readonly name: string;
  /** The initial response (RFC 4422 §3.3), or undefined when the mechanism has none. */
  start(): string | undefined;
  /** The response to a server challenge (base64 in, base64 out; "" is an empty response). */
  step(challenge: string): string;
}

export type SaslMechanismFactory = (creds: SaslCredentials) => SaslClientMechanism;

/** One step of a server-side exchange (RFC 4422 §3): the next challenge (base64, "" for an empty one), or the end. */
export type SaslServerStep =
  | { done: false; challenge: string }
  | { done: true; user: string; password: string }
  | { done: true; user: string; token: string }
  | { done: true; error: "malformed" };

/** One server-side SASL exchange as a pure step function (proxy, sandbox fakes). */
export interface SaslServerMechanism {
  /**
   * How an empty initial response (`=`) reads: true when it asks for the first challenge (PLAIN, XOAUTH2: an empty
   * message means nothing), false when it is the first response itself (LOGIN: an empty user name; curl sends
   * `AUTH LOGIN =` for `-u :password` and then the password, which must not be taken for a user name).
   */
  readonly emptyInitialAsksChallenge: boolean;
  /** The first challenge, sent when the client gave no initial response. */
  start(): string;
  /** The result of the client's response (base64 as on the wire). */
  step(response: string): SaslServerStep;
}
