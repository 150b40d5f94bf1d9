/** A peer = one way of downloading a whole mailbox into a fresh local store, run as its own process. */
import type { BenchEnv } from "../env.js";

export type PeerProtocol = "pop3" | "imap" | "graph";

export interface Target {
  host: string;
  /** Implicit-TLS port (POP3S 995-style or IMAPS 993-style) unless `tls` is false; Graph: the HTTPS port. */
  port: number;
  tls: boolean;
  protocol: PeerProtocol;
  /** Graph: the API root (`https://127.0.0.1:PORT/v1.0`), through the relay when there is one. */
  graphUrl?: string;
  /** Graph: the bytes every run must write (the sum of the `$value` lengths). */
  bytes?: number;
  mailbox: string;
  password: string;
  /** How many messages the mailbox holds: every run must deliver exactly this many. */
  messages: number;
}

export interface Peer {
  id: string;
  /** Table label, e.g. "getmail6 6.18.11 (POP3)". */
  label: string;
  protocol: PeerProtocol;
  /** How it logs in and where it writes: printed under the table. */
  note: string;
  /** Slow peers run fewer rounds to keep the default bench near 10 minutes (the table shows rounds per row). */
  maxRounds?: number;
  /** Downloads everything once into a fresh store; returns wall milliseconds (process start to exit). */
  run(env: BenchEnv, target: Target): Promise<number>;
}

export function assertCount(peer: string, got: number, want: number): void {
  if (got !== want) throw new Error(`${peer}: delivered ${got} messages, expected ${want}`);
}
