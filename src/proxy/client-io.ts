/** What a protocol frontend may do with the client connection during the login phase. */
import type { LineReader } from "./line-reader.js";

export interface ClientIo {
  readLine(): Promise<string>;
  readBytes(n: number): Promise<Buffer>;
  write(text: string): void;
  /** The listener offers STARTTLS and the connection is not yet encrypted. */
  readonly canStartTls: boolean;
  /** The listener requires TLS before a password may be sent, and it is not active yet. */
  readonly loginNeedsTls: boolean;
  /** Upgrades the connection (server side of STARTTLS / STLS). The caller has already answered "go ahead". */
  startTls(): Promise<void>;
  /** The current reader (for detaching). */
  readonly reader: LineReader;
}

/** A frontend result: a logged-in upstream, or undefined when the client left. */
export type { UpstreamSession } from "./types.js";
