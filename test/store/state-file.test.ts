/** The state file's parser (hand-written, no zod): the shape StateStore writes reads back equal; anything else fails. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseStateFile, type StateFile } from "../../src/store/state-file.js";

const HEAD = {
  format: "xoauth-mail-state",
  version: 1,
  account: "erp-inbox@contoso.com",
  folder: "INBOX",
  updatedAt: "2026-01-01T00:00:00.000Z",
} as const;

const FILES: StateFile[] = [
  { ...HEAD, protocol: "pop3", folder: "", pop3: { delivered: ["a", "b"], deleted: ["a"] } },
  {
    ...HEAD,
    protocol: "imap",
    imap: {
      uidValidity: 7,
      delivered: "1:5,9",
      highestUid: 9,
      fingerprints: ["<x@y> 12"],
      previous: [{ uidValidity: 6, delivered: "1:3", highestUid: 3, setAsideAt: "2025-12-31T00:00:00.000Z" }],
      renumbering: { from: 6, to: 7, known: 1 },
    },
  },
  {
    ...HEAD,
    protocol: "imap",
    imap: { uidValidity: null, delivered: "", highestUid: 0, fingerprints: [], previous: [] },
  },
  { ...HEAD, protocol: "graph", graph: { folderId: "F", deltaLink: "https://g/d", delivered: ["m1"], owed: [] } },
  { ...HEAD, protocol: "graph", graph: { delivered: [], owed: [] } },
];

test("every shape the store writes reads back equal", () => {
  for (const f of FILES) assert.deepEqual(parseStateFile(JSON.parse(JSON.stringify(f))), f);
});

test("unknown fields are dropped, at every level", () => {
  const f = structuredClone(FILES[1]) as StateFile & Record<string, unknown>;
  const extra = { ...f, later: 1, imap: { ...f.imap, later: 2, renumbering: { from: 6, to: 7, later: 3 } } };
  assert.deepEqual(parseStateFile(extra), { ...f, imap: { ...f.imap, renumbering: { from: 6, to: 7 } } });
});

test("a field of the wrong type or a missing one is an error naming the field", () => {
  const bad: [unknown, RegExp][] = [
    [null, /expected an object/],
    [[], /expected an object/],
    [{ ...HEAD, version: 2, protocol: "pop3" }, /TypeError: version: expected 1/],
    [{ ...HEAD, format: "other", protocol: "pop3" }, /TypeError: format/],
    [{ ...HEAD, protocol: "smtp" }, /TypeError: protocol/],
    [{ ...HEAD, protocol: "pop3", account: undefined }, /TypeError: account: expected a string/],
    [{ ...HEAD, protocol: "pop3", pop3: { delivered: ["a", 1], deleted: [] } }, /TypeError: pop3\.delivered/],
    [{ ...HEAD, protocol: "pop3", pop3: "x" }, /TypeError: pop3: expected an object/],
    [{ ...FILES[1], imap: { ...FILES[1]?.imap, highestUid: -1 } }, /TypeError: imap\.highestUid: expected an integer/],
    [{ ...FILES[1], imap: { ...FILES[1]?.imap, uidValidity: 1.5 } }, /TypeError: imap\.uidValidity/],
    [{ ...FILES[1], imap: { ...FILES[1]?.imap, previous: [{}] } }, /TypeError: imap\.previous\.0\.uidValidity/],
    [{ ...FILES[1], imap: { ...FILES[1]?.imap, renumbering: { from: 1 } } }, /TypeError: imap\.renumbering\.to/],
    [{ ...FILES[3], graph: { ...FILES[3]?.graph, deltaLink: 5 } }, /TypeError: graph\.deltaLink/],
    [{ ...FILES[3], graph: { delivered: [] } }, /TypeError: graph\.owed/],
  ];
  for (const [json, msg] of bad) assert.throws(() => parseStateFile(json), msg, JSON.stringify(json));
});
