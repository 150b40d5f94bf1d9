/** xoauth-mail fetch as users run it: the built CLI, XOAUTH2 with a (cached) app-only token, durable Maildir, --keep. */
import { join } from "node:path";
import { dropDir } from "../env.js";
import { CLI_BIN } from "../paths.js";
import { mustSucceed, type RunResult, run } from "../proc.js";
import { countMaildir } from "./store-count.js";
import { assertCount, type Peer } from "./types.js";

export function xoauthArgs(
  env: import("../env.js").BenchEnv,
  t: { host: string; port: number; protocol: "pop3" | "imap"; mailbox: string },
  maildir: string,
): string[] {
  return [
    CLI_BIN,
    "fetch",
    "--authority-host",
    env.fake.url,
    "--ca-file",
    env.caFile,
    "--tenant-id",
    env.tenantId,
    "--client-id",
    env.clientId,
    "--client-secret-file",
    env.secretFile,
    "--mailbox",
    t.mailbox,
    "--host",
    t.host,
    "--port",
    String(t.port),
    "--protocol",
    t.protocol,
    "--maildir",
    maildir,
    "--keep",
    "--json",
  ];
}

/** Runs one fetch into `maildir`; `nodeArgs` e.g. ["--cpu-prof"]. */
export function runXoauth(
  env: import("../env.js").BenchEnv,
  t: { host: string; port: number; protocol: "pop3" | "imap"; mailbox: string },
  maildir: string,
  opts: { nodeArgs?: string[]; sampleRss?: boolean; cacheDir?: string; cwd?: string } = {},
): Promise<RunResult> {
  return run(process.execPath, [...(opts.nodeArgs ?? []), ...xoauthArgs(env, t, maildir)], {
    env: { XOAUTH_MAIL_CACHE_DIR: opts.cacheDir ?? env.cacheDir },
    ...(opts.sampleRss ? { sampleRss: true } : {}),
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
  });
}

export function xoauthPeer(protocol: "pop3" | "imap"): Peer {
  const name = `xoauth-mail fetch (${protocol.toUpperCase()})`;
  return {
    id: `xoauth-${protocol}`,
    label: name,
    protocol,
    note:
      protocol === "pop3"
        ? "SASL XOAUTH2 with an app-only token from the identity fake (disk cache warm), PIPELINING, Maildir with fsync + state file, --keep"
        : "AUTHENTICATE XOAUTH2, batched UID FETCH, Maildir with fsync + state file, --keep",
    async run(env, t) {
      const md = join(env.freshDir(`xoauth-${protocol}`), "Maildir");
      const r = mustSucceed(name, await runXoauth(env, t, md));
      const summary = JSON.parse(r.stdout) as { fetched: number };
      assertCount(name, summary.fetched, t.messages);
      assertCount(name, countMaildir(md), t.messages);
      dropDir(join(md, ".."));
      return r.ms;
    },
  };
}
