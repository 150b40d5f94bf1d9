/**
 * Exchange Online ends an IMAP session when the access token it logged in with expires: the untagged
 * `* BYE Session invalidated - AccessTokenExpired`, then the connection closes; the client has to log in again with
 * a new token. Public reports: a LIST on Exchange Online answered with exactly this BYE
 * (https://github.com/iroco-co/aioimaplib/issues/83), a long FETCH from Office 365 ended with it
 * (https://github.com/joeyates/imap-backup/issues/198), imapsync runs longer than the token's hour stop with
 * AccessTokenExpired (https://github.com/imapsync/imapsync/issues/250). The fake does the same at the token's `exp`.
 * Nothing comparable is documented for POP3 or SMTP sessions; the fake ends neither (POP3 sessions are short).
 */
import { replyFor } from "../../exchange/contract.js";
import type { ServerConn } from "./conn.js";

/** The table's `session-expired` reply (src/exchange/contract.ts). */
export const TOKEN_EXPIRED_BYE = replyFor("session-expired", "imap")[0] as string;

/** setTimeout's longest delay; a token valid longer than that never expires within a session of the fake. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** While a message body is being written, the BYE waits this long and looks again (a literal is never cut). */
const BODY_RETRY_MS = 20;

/** One IMAP connection's token-expiry timer: armed at login, cleared when the connection closes. */
export class SessionExpiry {
  private timer: NodeJS.Timeout | undefined;
  private done = false;

  /** `doing()` names what the session is busy with (`IDLE`, `FETCH`, `waiting`) for the record. */
  constructor(
    private readonly conn: ServerConn,
    private readonly doing: () => string,
    private readonly onExpired: (during: string) => void,
  ) {
    conn.socket.once("close", () => this.clear());
  }

  /** Arms the timer for a token's `exp` claim (seconds since the epoch); no usable claim, no timer. */
  arm(exp: unknown): void {
    this.clear();
    if (typeof exp !== "number" || !Number.isFinite(exp)) return;
    const ms = Math.max(0, exp * 1000 - Date.now());
    if (ms > MAX_TIMER_MS) return;
    this.timer = setTimeout(() => this.end(), ms);
    this.timer.unref?.();
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Sends the BYE and closes the connection: now, or once the message body being written is complete. */
  end(): void {
    this.clear();
    if (this.done || this.conn.closed) return;
    if (this.conn.bodyInFlight) {
      this.timer = setTimeout(() => this.end(), BODY_RETRY_MS);
      return;
    }
    this.done = true;
    this.onExpired(this.doing());
    this.conn.write(`${TOKEN_EXPIRED_BYE}\r\n`);
    this.conn.close();
  }
}
