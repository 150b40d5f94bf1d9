/** The practical ceiling: our Pop3Client, PLAIN login, pipelined RETR of everything into /dev/null (no store). */

import { BARE_CLIENT } from "../paths.js";
import { mustSucceed, run } from "../proc.js";
import { assertCount, type Peer } from "./types.js";

export function barePeer(): Peer {
  const name = "bare POP3 client -> /dev/null";
  return {
    id: "bare",
    label: name,
    protocol: "pop3",
    note: "src/pop3 Pop3Client, AUTH PLAIN with the Dovecot password, pipelined RETR (window 16), bodies discarded: no disk, no token",
    async run(_env, t) {
      const args = { host: t.host, port: t.port, tls: t.tls, ca: _env.caFile, user: t.mailbox, password: t.password };
      const r = mustSucceed(name, await run(process.execPath, [BARE_CLIENT], { env: { ARGS: JSON.stringify(args) } }));
      assertCount(name, (JSON.parse(r.stdout) as { messages: number }).messages, t.messages);
      return r.ms;
    },
  };
}
