/** English texts for the error codes of `fetch` (hooks, UIDVALIDITY; STORE_ERROR lives in store.ts). */
import type { CodeCatalog, UiCatalog } from "../types.js";

export const fetchCodes: CodeCatalog = {
  EXEC_FAILED: {
    summary: "The --exec command failed for a delivered message.",
    causes: [
      "The processing command exited non-zero ({detail}); with --exec-required the message stays on the server.",
    ],
    fix: [
      "Run the command by hand on the file: sh -c '<your command>' x {file}",
      "Fix it and run fetch again: owed hooks are re-run before anything is deleted.",
    ],
  },
  UIDVALIDITY_CHANGED: {
    summary: "The IMAP server renumbered the folder (UIDVALIDITY changed).",
    causes: ["The mailbox was rebuilt or moved on the server; old UIDs mean nothing any more."],
    fix: ["Nothing to do: fetch sets the old state aside and recognises delivered messages by Message-ID + size."],
  },
};

export const fetchUi: UiCatalog = {
  "fetch.outage.why":
    "{host}:{port} answered earlier in this run, so host and port are right: the server or the network is down for the moment.",
  "fetch.outage.retry":
    "Nothing to do: the daemon keeps retrying with a growing delay (at most 15 min) and then fetches what arrived meanwhile, exactly once.",
  "fetch.outage.check":
    "If it lasts, test from this machine: nc -vz {host} {port}   (Windows: Test-NetConnection {host} -Port {port})",
};
