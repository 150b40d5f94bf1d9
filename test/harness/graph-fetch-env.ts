/**
 * Test environment for `fetch --protocol graph` end to end: the test world with the Graph fake (./world.ts), a secret
 * file, and argument lists for the BUILT CLI against it. Shared by test/fetch/graph-e2e.test.ts and the crash test.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CliResult, runCli } from "./cli.js";
import { type GraphWorld, startWorld } from "./world.js";

/** The sandbox tenant's mailbox (sandboxDirectory: three sample messages in its Inbox). */
export const GRAPH_MAILBOX = "info@contoso.onmicrosoft.com";

export interface GraphFetchEnv {
  world: GraphWorld;
  /** Base CLI args for `fetch --protocol graph --json` into `maildir`. */
  args(maildir: string, extra?: string[]): string[];
  /** Environment for the CLI child (its own token cache). */
  env: Record<string, string>;
  cli(args: string[]): Promise<CliResult>;
  /** Raw bytes of the messages now in a folder of the mailbox (IMAP path: `INBOX`, `Processed`, `Deleted Items`). */
  folder(path: string): Buffer[];
  stop(): Promise<void>;
}

export async function startGraphFetchEnv(): Promise<GraphFetchEnv> {
  const world = await startWorld({ prefix: "xoauth-graph-fetch-", graph: {} });
  const secretFile = join(world.dir, "secret.txt");
  writeFileSync(secretFile, `${world.app.secrets[0]?.value}\n`, { mode: 0o600 });
  const env = { XOAUTH_MAIL_CACHE_DIR: join(world.dir, "cache") };
  return {
    world,
    env,
    args(maildir, extra = []) {
      return [
        "fetch",
        "--authority-host",
        world.identity.url,
        "--ca-file",
        world.caFile,
        "--tenant-id",
        world.tenant.tenantId,
        "--client-id",
        world.app.clientId,
        "--client-secret-file",
        secretFile,
        "--mailbox",
        GRAPH_MAILBOX,
        "--protocol",
        "graph",
        "--graph-url",
        world.graphUrl,
        "--maildir",
        maildir,
        "--json",
        ...extra,
      ];
    },
    cli: (args) => runCli(args, { env, timeoutMs: 60_000 }),
    folder(path) {
      const mb = world.graph.directory.findMailbox(GRAPH_MAILBOX);
      return (mb?.folders.get(path) ?? []).map((m) => m.raw);
    },
    stop: () => world.stop(),
  };
}
