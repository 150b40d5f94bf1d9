/**
 * The on-disk JSON shape of a per-account state file (version 1), and its validating parser. Hand-written rather than
 * a zod schema: every fetch reads this one shape, and importing zod cost a fetch run about 60 ms of start-up (issue #16).
 * Like a zod object schema, the parser returns new objects with the known fields only (unknown ones are dropped).
 */

export const PREVIOUS_KEPT = 5;

/** IMAP state set aside at a UIDVALIDITY change. */
export interface PreviousImapState {
  uidValidity: number;
  delivered: string;
  highestUid: number;
  setAsideAt: string;
}

export interface StateFile {
  format: "xoauth-mail-state";
  version: 1;
  account: string;
  protocol: "pop3" | "imap" | "graph";
  folder: string;
  updatedAt: string;
  pop3?: { delivered: string[]; deleted: string[] };
  imap?: {
    uidValidity: number | null;
    /** Delivered UIDs as an RFC 3501 sequence-set: "1:500,502". */
    delivered: string;
    highestUid: number;
    /** Fingerprints (Message-ID + size) of delivered messages: dedupe after a UIDVALIDITY change. */
    fingerprints: string[];
    /** State kept aside at UIDVALIDITY changes, newest last (at most PREVIOUS_KEPT). */
    previous: PreviousImapState[];
    /**
     * Set at a UIDVALIDITY change, cleared by the first pass that went through the whole folder afterwards: until
     * then messages are matched by fingerprint (also in the run after a crash), not downloaded again.
     */
    renumbering?: {
      from: number;
      to: number;
      /** How many of `fingerprints` (the first ones) existed at the change: only those are matched. */
      known?: number;
    };
  };
  graph?: {
    /** The folder's id when the delta link was taken: another id (folder re-created) means a full round. */
    folderId?: string;
    /** The delta link of the last complete round: a shortcut only, the ledger below is what prevents duplicates. */
    deltaLink?: string;
    /** Immutable ids of every delivered message of the folder (the ledger). */
    delivered: string[];
    /** Delivered ids whose server action (--move-to, --delete, --mark-read) is not yet confirmed done. */
    owed: string[];
  };
}

type Json = Record<string, unknown>;

/** Field `key` of `o`, checked by `ok`; `path` names it in the error. */
function field<T>(o: Json, key: string, path: string, what: string, ok: (v: unknown) => v is T): T {
  const v = o[key];
  if (!ok(v)) throw new TypeError(`${path}${key}: expected ${what}`);
  return v;
}

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === "string";
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isObjects = (v: unknown): v is Json[] => Array.isArray(v) && v.every(isObject);

const str = (o: Json, k: string, p: string) => field(o, k, p, "a string", isString);
const count = (o: Json, k: string, p: string) => field(o, k, p, "an integer >= 0", isCount);
const strings = (o: Json, k: string, p: string) => field(o, k, p, "an array of strings", isStrings);
const object = (o: Json, k: string, p: string) => field(o, k, p, "an object", isObject);
/** An optional field: absent (undefined) or checked by `read`. */
const opt = <T>(o: Json, k: string, read: () => T): { [key: string]: T } => (o[k] === undefined ? {} : { [k]: read() });

function previous(o: Json, p: string): PreviousImapState {
  return {
    uidValidity: count(o, "uidValidity", p),
    delivered: str(o, "delivered", p),
    highestUid: count(o, "highestUid", p),
    setAsideAt: str(o, "setAsideAt", p),
  };
}

function imap(o: Json): NonNullable<StateFile["imap"]> {
  const p = "imap.";
  const uidValidity = o.uidValidity === null ? null : count(o, "uidValidity", p);
  return {
    uidValidity,
    delivered: str(o, "delivered", p),
    highestUid: count(o, "highestUid", p),
    fingerprints: strings(o, "fingerprints", p),
    previous: field(o, "previous", p, "an array of objects", isObjects).map((x, i) =>
      previous(x, `${p}previous.${i}.`),
    ),
    ...opt(o, "renumbering", () => {
      const r = object(o, "renumbering", p);
      const rp = `${p}renumbering.`;
      return { from: count(r, "from", rp), to: count(r, "to", rp), ...opt(r, "known", () => count(r, "known", rp)) };
    }),
  };
}

function graph(o: Json): NonNullable<StateFile["graph"]> {
  const p = "graph.";
  return {
    ...opt(o, "folderId", () => str(o, "folderId", p)),
    ...opt(o, "deltaLink", () => str(o, "deltaLink", p)),
    delivered: strings(o, "delivered", p),
    owed: strings(o, "owed", p),
  };
}

/** The state file from its parsed JSON; a TypeError naming the first field that does not fit. */
export function parseStateFile(json: unknown): StateFile {
  if (!isObject(json)) throw new TypeError("expected an object");
  const protocols = ["pop3", "imap", "graph"] as const;
  const file: StateFile = {
    format: field(
      json,
      "format",
      "",
      '"xoauth-mail-state"',
      (v): v is "xoauth-mail-state" => v === "xoauth-mail-state",
    ),
    version: field(json, "version", "", "1", (v): v is 1 => v === 1),
    account: str(json, "account", ""),
    protocol: field(json, "protocol", "", "pop3, imap or graph", (v): v is StateFile["protocol"] =>
      protocols.includes(v as StateFile["protocol"]),
    ),
    folder: str(json, "folder", ""),
    updatedAt: str(json, "updatedAt", ""),
  };
  if (json.pop3 !== undefined) {
    const o = object(json, "pop3", "");
    file.pop3 = { delivered: strings(o, "delivered", "pop3."), deleted: strings(o, "deleted", "pop3.") };
  }
  if (json.imap !== undefined) file.imap = imap(object(json, "imap", ""));
  if (json.graph !== undefined) file.graph = graph(object(json, "graph", ""));
  return file;
}
