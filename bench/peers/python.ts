/**
 * Hand-written Python clients: a poplib RETR loop (files without fsync, or with fsync per file) and a per-message
 * imaplib UID FETCH loop (files, no fsync).
 */
import { join } from "node:path";
import { dropDir } from "../env.js";
import { PY_DIR } from "../paths.js";
import { mustSucceed, run } from "../proc.js";
import { countFiles } from "./store-count.js";
import { assertCount, type Peer } from "./types.js";

/** A Python script of bench/py run as a peer: ARGS (JSON env) name the server, the login and `dest`. */
function pythonPeer(p: Omit<Peer, "run">, script: string): Peer {
  return {
    ...p,
    async run(env, t) {
      const dest = env.freshDir(p.id);
      const args = {
        host: t.host,
        port: t.port,
        tls: t.tls,
        ca: env.caFile,
        user: t.mailbox,
        password: t.password,
        dest,
      };
      const r = mustSucceed(
        p.label,
        await run("python3", [join(PY_DIR, script)], { env: { ARGS: JSON.stringify(args) } }),
      );
      assertCount(p.label, countFiles(dest), t.messages);
      dropDir(dest);
      return r.ms;
    },
  };
}

export function poplibPeer(): Peer {
  return pythonPeer(
    {
      id: "poplib",
      label: "Python poplib loop",
      protocol: "pop3",
      note: "USER/PASS with the Dovecot password, STAT, RETR n one at a time (a round trip each), one file per message, no fsync",
    },
    "poplib_fetch.py",
  );
}

/** bench/py/poplib_fsync.py (24 lines): what an admin writes in ten minutes when the mail must survive a crash. */
export function poplibFsyncPeer(): Peer {
  return pythonPeer(
    {
      id: "poplib-fsync",
      label: "Python poplib loop + fsync",
      protocol: "pop3",
      note: "bench/py/poplib_fsync.py: USER/PASS with the Dovecot password, STAT, RETR n one at a time, one file per message, fsync of each file",
    },
    "poplib_fsync.py",
  );
}

export function imaplibPeer(): Peer {
  return pythonPeer(
    {
      id: "imaplib",
      label: "Python imaplib per-message loop",
      protocol: "imap",
      note: "LOGIN with the Dovecot password, UID SEARCH ALL, one UID FETCH BODY.PEEK[] per message, one file each, no fsync",
    },
    "imaplib_fetch.py",
  );
}
