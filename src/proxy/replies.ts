/**
 * The proxy's own last line before it closes a client connection, per protocol and reason. IMAP always gets an
 * untagged BYE (RFC 9051 section 7.1.5), SMTP a 421 (RFC 5321 section 3.8), POP3 an -ERR (RFC 2449 section 8 codes).
 */
import type { ProxyProtocol } from "./config.js";

export type CloseReason =
  | "busy"
  | "timeout"
  | "idle"
  | "shutdown"
  | "overlong"
  | "too-many-commands"
  | "upstream-closed";

const REPLIES: Record<ProxyProtocol, Record<CloseReason, string>> = {
  pop3: {
    busy: "-ERR [SYS/TEMP] Too many connections.",
    timeout: "-ERR Login timeout, closing connection.",
    idle: "-ERR Disconnected for inactivity.",
    shutdown: "-ERR [SYS/TEMP] Server shutting down.",
    overlong: "-ERR Line too long.",
    "too-many-commands": "-ERR Too many commands without login.",
    "upstream-closed": "-ERR [SYS/TEMP] The mail server closed the connection.",
  },
  imap: {
    busy: "* BYE Too many connections.",
    timeout: "* BYE Login timeout, closing connection.",
    idle: "* BYE Disconnected for inactivity.",
    shutdown: "* BYE Server shutting down.",
    overlong: "* BYE Line too long.",
    "too-many-commands": "* BYE Too many commands without login.",
    "upstream-closed": "* BYE The mail server closed the connection.",
  },
  smtp: {
    busy: "421 4.7.0 Too many connections, try again later.",
    timeout: "421 4.4.2 Login timeout, closing connection.",
    idle: "421 4.4.2 Idle timeout, closing connection.",
    shutdown: "421 4.3.2 Service shutting down, closing connection.",
    overlong: "500 5.5.2 Line too long.",
    "too-many-commands": "421 4.7.0 Too many commands without login, closing connection.",
    "upstream-closed": "421 4.4.2 The mail server closed the connection.",
  },
};

/** The final line with CRLF. */
export function closingReply(protocol: ProxyProtocol, reason: CloseReason): string {
  return `${REPLIES[protocol][reason]}\r\n`;
}

/** True for a line with which a server ends a session: IMAP `* BYE`, SMTP `421`, POP3 `-ERR`. */
export function isClosingLine(protocol: ProxyProtocol, line: string): boolean {
  if (protocol === "imap") return /^\* BYE\b/i.test(line);
  if (protocol === "smtp") return /^421[ -]/.test(line);
  return line.startsWith("-ERR");
}
