/**
 * xoauth-mail fetch as users run it: the built CLI, XOAUTH2 with a (cached) app-only token (Graph: a Graph token and
 * `--graph-url`), durable Maildir, --keep.
 */
import { join } from "node:path";
import { dropDir } from "../env.js";
import { CLI_BIN } from "../paths.js";
import { mustSucceed, type RunResult, run } from "../proc.js";
import { countMaildir } from "./store-count.js";
import { assertCount, type Peer, type PeerProtocol } from "./types.js";

/** Where one fetch goes: a POP3/IMAP server, or (protocol graph) the Graph API root `graphUrl`. */
export interface XoauthTarget {
  host: string;
  port: number;
  protocol: PeerProtocol;
  mailbox: string;
  graphUrl?: string;
}

function serverArgs(t: XoauthTarget): string[] {
  if (t.protocol !== "graph") return ["--host", t.host, "--port", String(t.port)];
  if (!t.graphUrl) throw new Error("a Graph target needs graphUrl");
  return ["--graph-url", t.graphUrl];
}

/** The bench app's credentials and the identity fake: what every xoauth-mail command of the bench gets. */
export function xoauthAuthArgs(env: import("../env.js").BenchEnv): string[] {
  return [
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
  ];
}

export function xoauthArgs(env: import("../env.js").BenchEnv, t: XoauthTarget, maildir: string): string[] {
  return [
    CLI_BIN,
    "fetch",
    ...xoauthAuthArgs(env),
    "--mailbox",
    t.mailbox,
    ...serverArgs(t),
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
  t: XoauthTarget,
  maildir: string,
  opts: { nodeArgs?: string[]; sampleRss?: boolean; cacheDir?: string; cwd?: string } = {},
): Promise<RunResult> {
  return run(process.execPath, [...(opts.nodeArgs ?? []), ...xoauthArgs(env, t, maildir)], {
    env: { XOAUTH_MAIL_CACHE_DIR: opts.cacheDir ?? env.cacheDir },
    ...(opts.sampleRss ? { sampleRss: true } : {}),
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
  });
}

const NOTES: Record<PeerProtocol, string> = {
  pop3: "SASL XOAUTH2 with an app-only token from the identity fake (disk cache warm), PIPELINING, Maildir with fsync + state file, --keep",
  imap: "AUTHENTICATE XOAUTH2, batched UID FETCH, Maildir with fsync + state file, --keep",
  graph:
    "--protocol graph: Graph token (disk cache warm), delta query of the inbox (100 per page, immutable ids), up to 4 `$value` downloads in flight (Exchange's MailboxConcurrency), Maildir with fsync + state file and ledger, --keep",
};

export function xoauthPeer(protocol: PeerProtocol): Peer {
  const name = `xoauth-mail fetch (${protocol === "graph" ? "Graph" : protocol.toUpperCase()})`;
  return {
    id: `xoauth-${protocol}`,
    label: name,
    protocol,
    note: NOTES[protocol],
    async run(env, t) {
      const md = join(env.freshDir(`xoauth-${protocol}`), "Maildir");
      const r = mustSucceed(name, await runXoauth(env, t, md));
      const summary = JSON.parse(r.stdout) as { fetched: number; bytes: number };
      assertCount(name, summary.fetched, t.messages);
      if (t.bytes !== undefined && summary.bytes !== t.bytes)
        throw new Error(`${name}: wrote ${summary.bytes} bytes, expected ${t.bytes}`);
      assertCount(name, countMaildir(md), t.messages);
      dropDir(join(md, ".."));
      return r.ms;
    },
  };
}
