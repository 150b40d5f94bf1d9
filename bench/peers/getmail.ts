/** getmail6 (Debian package) as `nobody` (it refuses Maildir delivery as root), password login, Maildir destination. */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dropDir } from "../env.js";
import { mustSucceed, run } from "../proc.js";
import { countMaildir } from "./store-count.js";
import { assertCount, type Peer } from "./types.js";

/** Runs that failed on getmail6's own lost-wake-up race and were repeated (reported under the table). */
export let getmailLostWakeups = 0;

export function getmailVersion(): string {
  try {
    return execFileSync("getmail", ["--version"], { encoding: "utf8" })
      .trim()
      .replace(/^getmail\s*/, "");
  } catch {
    return "not installed";
  }
}

export function getmailPeer(protocol: "pop3" | "imap"): Peer {
  const name = `getmail6 ${getmailVersion()} (${protocol.toUpperCase()})`;
  return {
    id: `getmail-${protocol}`,
    label: name,
    protocol,
    maxRounds: 1,
    note:
      protocol === "pop3"
        ? "SimplePOP3SSLRetriever, USER/PASS with the Dovecot password (getmail6 has no XOAUTH2 for POP3), Maildir (fsync per message), read_all, no delete"
        : "SimpleIMAPSSLRetriever, LOGIN with the Dovecot password (XOAUTH2 would only change the login), one fetch per message, Maildir (fsync per message)",
    async run(env, t) {
      const home = env.freshDir(`getmail-${protocol}`, "nobody");
      const md = join(home, "Maildir");
      for (const d of ["", "new", "cur", "tmp"]) mkdirSync(join(md, d), { recursive: true });
      const rc = join(home, "getmailrc");
      writeFileSync(
        rc,
        [
          "[retriever]",
          `type = ${protocol === "pop3" ? "SimplePOP3SSLRetriever" : "SimpleIMAPSSLRetriever"}`,
          `server = ${t.host}`,
          `port = ${t.port}`,
          `username = ${t.mailbox}`,
          `password = ${t.password}`,
          `ca_certs = ${env.caFile}`,
          "timeout = 20",
          "[destination]",
          "type = Maildir",
          `path = ${md}/`,
          "[options]",
          "read_all = true",
          "delete = false",
          "verbose = 0",
          "",
        ].join("\n"),
        { mode: 0o600 },
      );
      execFileSync("chown", ["-R", "nobody:nogroup", home]);
      const once = () =>
        run("getmail", [`--getmaildir=${home}`, `--rcfile=${rc}`], {
          asNobody: true,
          env: { HOME: home },
          timeoutMs: 240_000,
        });
      let r = await once();
      // getmail6's delivery child can exit before the parent waits for it (lost SIGCHLD wake-up): the run aborts
      // after `timeout` seconds, or (IMAP) hangs with a zombie child until our kill. Such a run is counted, not timed, and repeated into a fresh Maildir.
      for (
        let retry = 0;
        r.code !== 0 && (r.code === null || /waiting child pid \d+ timed out/.test(r.stderr)) && retry < 1;
        retry++
      ) {
        getmailLostWakeups++;
        for (const d of ["new", "cur", "tmp"]) dropDir(join(md, d));
        for (const d of ["new", "cur", "tmp"]) mkdirSync(join(md, d));
        execFileSync("chown", ["-R", "nobody:nogroup", home]);
        r = await once();
      }
      mustSucceed(name, r);
      assertCount(name, countMaildir(md), t.messages);
      dropDir(home);
      return r.ms;
    },
  };
}
