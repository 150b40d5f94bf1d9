/** Hand-written Python clients: a poplib RETR loop and a per-message imaplib UID FETCH loop (files, no fsync). */
import { join } from "node:path";
import { dropDir } from "../env.js";
import { PY_DIR } from "../paths.js";
import { mustSucceed, run } from "../proc.js";
import { countFiles } from "./store-count.js";
import { assertCount, type Peer } from "./types.js";

export function poplibPeer(): Peer {
  const name = "Python poplib loop";
  return {
    id: "poplib",
    label: name,
    protocol: "pop3",
    note: "USER/PASS with the Dovecot password, STAT, RETR n one at a time (a round trip each), one file per message, no fsync",
    async run(env, t) {
      const dest = env.freshDir("poplib");
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
        name,
        await run("python3", [join(PY_DIR, "poplib_fetch.py")], { env: { ARGS: JSON.stringify(args) } }),
      );
      assertCount(name, countFiles(dest), t.messages);
      dropDir(dest);
      return r.ms;
    },
  };
}

export function imaplibPeer(): Peer {
  const name = "Python imaplib per-message loop";
  return {
    id: "imaplib",
    label: name,
    protocol: "imap",
    note: "LOGIN with the Dovecot password, UID SEARCH ALL, one UID FETCH BODY.PEEK[] per message, one file each, no fsync",
    async run(env, t) {
      const dest = env.freshDir("imaplib");
      const args = { host: t.host, port: t.port, ca: env.caFile, user: t.mailbox, password: t.password, dest };
      const r = mustSucceed(
        name,
        await run("python3", [join(PY_DIR, "imaplib_fetch.py")], { env: { ARGS: JSON.stringify(args) } }),
      );
      assertCount(name, countFiles(dest), t.messages);
      dropDir(dest);
      return r.ms;
    },
  };
}
