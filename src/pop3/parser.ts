/** Pure POP3 reply parsers (RFC 1939, RFC 2449 CAPA and response codes, RFC 3206, RFC 5034): no sockets. */
import { XoauthError } from "../errors.js";

/** A status line: `+OK` / `-ERR` with an optional `[RESP-CODE]` (RFC 2449 §8), or a SASL `+ ` continuation. */
export interface Pop3Reply {
  kind: "ok" | "err" | "continue";
  /** Response code without brackets, upper-cased, e.g. `AUTH`, `SYS/TEMP`, `IN-USE` (RFC 2449 §8, RFC 3206). */
  respCode?: string;
  /** The text after the status indicator and response code (for `continue`: the base64 challenge). */
  text: string;
  /** The line as received (no line ending). */
  raw: string;
}

/** Typed CAPA result (RFC 2449 §6). */
export interface Capabilities {
  /** SASL mechanisms, upper-cased (RFC 5034 §6). */
  sasl: string[];
  pipelining: boolean;
  top: boolean;
  uidl: boolean;
  user: boolean;
  stls: boolean;
  respCodes: boolean;
  implementation?: string;
  /** EXPIRE policy: days, "NEVER", or undefined when not advertised (RFC 2449 §6.7). */
  expire?: string;
  /** LOGIN-DELAY seconds (RFC 2449 §6.5). */
  loginDelay?: number;
  /** Every capability line as sent. */
  raw: string[];
}

export interface ListEntry {
  n: number;
  size: number;
}

export interface UidlEntry {
  n: number;
  uid: string;
}

export interface Stat {
  count: number;
  size: number;
}

function protocolError(message: string, line: string): XoauthError {
  return new XoauthError("PROTOCOL_ERROR", message, { details: { serverReply: line.slice(0, 200) } });
}

const RESP_CODE_RE = /^\[([^\]\s]{1,64})\](?:\s+|$)/;

/** Parses a status line or SASL continuation (RFC 1939 §3, RFC 5034 §4); anything else is PROTOCOL_ERROR. */
export function parseReply(line: string): Pop3Reply {
  let kind: Pop3Reply["kind"];
  let rest: string;
  if (/^\+OK(?:\s|$)/i.test(line)) {
    kind = "ok";
    rest = line.slice(3);
  } else if (/^-ERR(?:\s|$)/i.test(line)) {
    kind = "err";
    rest = line.slice(4);
  } else if (line === "+" || line.startsWith("+ ")) {
    return { kind: "continue", text: line.slice(2).trim(), raw: line };
  } else {
    throw protocolError("The server sent a line that is not a POP3 status reply.", line);
  }
  rest = rest.replace(/^\s+/, "");
  const m = RESP_CODE_RE.exec(rest);
  if (m?.[1]) {
    return { kind, respCode: m[1].toUpperCase(), text: rest.slice(m[0].length), raw: line };
  }
  return { kind, text: rest, raw: line };
}

/** Turns CAPA lines (without the status line and terminator) into typed capabilities (RFC 2449 §5-6). */
export function parseCapa(lines: readonly string[]): Capabilities {
  const caps: Capabilities = {
    sasl: [],
    pipelining: false,
    top: false,
    uidl: false,
    user: false,
    stls: false,
    respCodes: false,
    raw: [...lines],
  };
  for (const line of lines) {
    const [name = "", ...args] = line.trim().split(/\s+/);
    switch (name.toUpperCase()) {
      case "SASL":
        caps.sasl.push(...args.map((a) => a.toUpperCase()));
        break;
      case "PIPELINING":
        caps.pipelining = true;
        break;
      case "TOP":
        caps.top = true;
        break;
      case "UIDL":
        caps.uidl = true;
        break;
      case "USER":
        caps.user = true;
        break;
      case "STLS":
        caps.stls = true;
        break;
      case "RESP-CODES":
        caps.respCodes = true;
        break;
      case "IMPLEMENTATION":
        caps.implementation = args.join(" ");
        break;
      case "EXPIRE":
        if (args[0]) caps.expire = args[0].toUpperCase();
        break;
      case "LOGIN-DELAY": {
        const d = Number(args[0]);
        if (Number.isSafeInteger(d) && d >= 0) caps.loginDelay = d;
        break;
      }
    }
  }
  return caps;
}

const UINT = /^\d{1,15}$/;

function uint(s: string | undefined, what: string, line: string): number {
  if (s === undefined || !UINT.test(s)) throw protocolError(`The server sent a malformed ${what}.`, line);
  return Number(s);
}

/** `n size` from a LIST line or a single-message LIST reply (RFC 1939 §5 LIST). */
export function parseListLine(line: string): ListEntry {
  const [n, size] = line.trim().split(/\s+/);
  return { n: uint(n, "LIST line", line), size: uint(size, "LIST line", line) };
}

/** `n uid` from a UIDL line (RFC 1939 §7 UIDL): uid is 1-70 characters 0x21-0x7E. */
export function parseUidlLine(line: string): UidlEntry {
  const [n, uid] = line.trim().split(/\s+/);
  if (uid === undefined || !/^[\x21-\x7e]{1,70}$/.test(uid)) {
    throw protocolError("The server sent a malformed UIDL line.", line);
  }
  return { n: uint(n, "UIDL line", line), uid };
}

/** `count size` from the STAT reply text (RFC 1939 §5 STAT). */
export function parseStat(text: string): Stat {
  const [count, size] = text.trim().split(/\s+/);
  return { count: uint(count, "STAT reply", text), size: uint(size, "STAT reply", text) };
}
