/** Section 4b: `fetch --all` over 20 accounts of one app, cold token cache: requests seen by the identity fake. */
import { join } from "node:path";
import { accountsYaml, writeConfig } from "../accounts-config.js";
import { type BenchEnv, dropDir } from "../env.js";
import { CLI_BIN } from "../paths.js";
import { countMaildir } from "../peers/store-count.js";
import { mustSucceed, run } from "../proc.js";

export interface TokenResult {
  mailboxes: number;
  tokenRequests: number;
  ms: number;
}

export async function tokensScenario(
  env: BenchEnv,
  mailboxes: string[],
  log: (s: string) => void,
): Promise<TokenResult> {
  const accounts = mailboxes.map((mailbox, i) => ({ name: `acct${i + 1}`, mailbox }));
  const config = writeConfig(env, "accounts.yaml", accountsYaml(env, accounts));
  const root = env.freshDir("all");
  const before = env.fake.tokenRequests;
  const r = mustSucceed(
    "fetch --all",
    await run(
      process.execPath,
      [CLI_BIN, "fetch", "--config", config, "--all", "--maildir", root, "--keep", "--json"],
      {
        env: { XOAUTH_MAIL_CACHE_DIR: join(root, "empty-cache") },
      },
    ),
  );
  const tokenRequests = env.fake.tokenRequests - before;
  for (const a of accounts) {
    const n = countMaildir(join(root, a.name));
    if (n !== 3) throw new Error(`fetch --all: ${a.name} got ${n} messages, expected 3`);
  }
  dropDir(root);
  log(`tokens: ${accounts.length} mailboxes under one app -> ${tokenRequests} token request(s)`);
  return { mailboxes: accounts.length, tokenRequests, ms: r.ms };
}
