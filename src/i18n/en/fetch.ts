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
  "fetch.cacheRefused": "the access token is requested on every run, {reason}",
  "fetch.idle.graph": "--idle needs --protocol imap: it does not work with --protocol graph.",
  "fetch.idle.graph.why":
    "Graph announces new mail only through change notifications, which Microsoft delivers to a public HTTPS endpoint; a fetch daemon behind a firewall has none.",
  "fetch.idle.graph.fix":
    "Poll with Graph instead (--protocol graph --every 1m: a delta query costs one request when nothing is new), or use --protocol imap --idle.",
  "fetch.graphOnly": "{flag} works only with --protocol graph, not with {protocol}.",
  "fetch.graphOnly.why":
    "Over {protocol} xoauth-mail can keep a message or delete it (--delete); moving and marking read are Graph actions here.",
  "fetch.graphOnly.fix":
    "Add --protocol graph (the app needs Mail.ReadWrite for {flag}), or use --delete / --keep with {protocol}.",
  "fetch.outage.why":
    "{host}:{port} answered earlier in this run, so host and port are right: the server or the network is down for the moment.",
  "fetch.outage.retry":
    "Nothing to do: the daemon keeps retrying with a growing delay (at most 15 min) and then fetches what arrived meanwhile, exactly once.",
  "fetch.outage.check":
    "If it lasts, test from this machine: nc -vz {host} {port}   (Windows: Test-NetConnection {host} -Port {port})",
};
