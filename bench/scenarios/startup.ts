/**
 * `--only startup` (issue #16 item 5): what a user's short runs cost, whole process, as ratios to a bare `node -e 0`
 * of the same run: `--help`, `token` served from the disk cache (what msmtp's passwordeval or mbsync's PassCmd run
 * per connection), and `fetch` finding nothing new in a mailbox of real Dovecot (POP3 and IMAP over TLS, the cron
 * job every minute), each through the CLI as npm installs it (bin/xoauth-mail.js, which runs dist/bundle) and the
 * one-file bundle (`node xoauth-mail.mjs`); `--help` and `token` also through the CLI's modules in dist/src (what
 * bin/ runs without a bundle: the reference for what the bundle gains). `token` runs once with flags and once with a
 * config file (YAML and the schema: what most users have).
 * Environment: PATH, LANG, a fresh HOME and the token cache dir only (no NODE_EXTRA_CA_CERTS); rounds interleaved.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI_MODULES } from "../../test/harness/cli.js";
import { accountsYaml, writeConfig } from "../accounts-config.js";
import type { BenchEnv } from "../env.js";
import { CLI_BIN } from "../paths.js";
import { xoauthArgs, xoauthAuthArgs } from "../peers/xoauth.js";
import { fillMailbox, SEED } from "../setup.js";
import { machineNote, type StartupCase, type StartupRow, timeStartup, WHO } from "../startup-timing.js";
import { summarize } from "../stats.js";
import { BUNDLE_FILE, buildBundleFile } from "./bundle.js";

export const STARTUP_MAILBOX = "startup@bench.test";

/** Messages already fetched (by the warm-up run) when the timed runs find nothing new. */
const MESSAGES = 20;

export interface StartupResult {
  rows: StartupRow[];
  /** Median of the `ms` that `fetch --json` reports itself (token, connect, login, listing), per fetch row id. */
  fetchInnerMs: Record<string, number>;
  messages: number;
  machine: string;
}

function expectCachedToken(stdout: string): void {
  if (!/^eyJ[\w-]+\.[\w-]+\.[\w-]*\n$/.test(stdout)) throw new Error(`token printed no token: ${stdout.slice(0, 200)}`);
}

export async function startupScenario(env: BenchEnv, rounds: number, log: (s: string) => void): Promise<StartupResult> {
  await buildBundleFile();
  const box = fillMailbox(
    env,
    STARTUP_MAILBOX,
    Array.from({ length: MESSAGES }, (_, i) => 2048 + 997 * i),
    SEED + 100,
  );
  const home = mkdtempSync(join(tmpdir(), "xoauth-bench-startup-"));
  const maildir = join(home, "Maildir");
  const inner = new Map<string, number[]>();
  const fetchCheck = (id: string) => (stdout: string) => {
    const j = JSON.parse(stdout) as { fetched?: number; ms?: number };
    if (j.fetched !== 0) throw new Error(`${id}: fetch found ${j.fetched} new messages, expected none`);
    if (typeof j.ms === "number") inner.set(id, [...(inner.get(id) ?? []), j.ms]);
  };
  const token = ["token", ...xoauthAuthArgs(env)];
  const config = writeConfig(
    env,
    "startup-config.yaml",
    accountsYaml(env, [{ name: "startup", mailbox: STARTUP_MAILBOX }]),
  );
  const tokenConfig = ["token", "--config", config];
  const fetch = (protocol: "pop3" | "imap") =>
    xoauthArgs(
      env,
      {
        host: "127.0.0.1",
        port: protocol === "pop3" ? env.dc.ports.pop3s : env.dc.ports.imaps,
        protocol,
        mailbox: box.mailbox,
      },
      join(maildir, protocol),
    ).slice(1); // xoauthArgs starts with the unbundled CLI's path
  const n = Math.max(5, rounds * 5);
  const cases: StartupCase[] = [{ id: "node", label: "`node -e 0`", args: ["-e", "0"], rounds: n }];
  for (const [kind, entry] of [
    ["cli", CLI_BIN],
    ["bundle", BUNDLE_FILE],
    ["modules", CLI_MODULES],
  ] as const) {
    const who = WHO[kind];
    cases.push(
      { id: `${kind}-help`, label: `${who} \`--help\``, args: [entry, "--help"], rounds: n },
      { id: `${kind}-token`, label: `${who} \`token\` (disk cache)`, args: [entry, ...token], rounds: n },
      {
        id: `${kind}-token-config`,
        label: `${who} \`token --config\` (disk cache)`,
        args: [entry, ...tokenConfig],
        rounds: n,
      },
    );
    if (kind === "modules") continue;
    cases.push(
      ...(["pop3", "imap"] as const).map((p) => ({
        id: `${kind}-fetch-${p}`,
        label: `${who} \`fetch --protocol ${p}\`, nothing new`,
        args: [entry, ...fetch(p)],
        rounds: n,
        check: fetchCheck(`${kind}-fetch-${p}`),
      })),
    );
  }
  for (const c of cases) if (/-token(-config)?$/.test(c.id)) c.check = expectCachedToken;
  let rows: StartupRow[];
  try {
    rows = await timeStartup(cases, { env: { HOME: home, XOAUTH_MAIL_CACHE_DIR: join(home, "cache") }, cwd: home });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  for (const r of rows) log(`startup: ${r.label} ${r.timing.median.toFixed(0)} ms`);
  const fetchInnerMs = Object.fromEntries([...inner].map(([id, v]) => [id, summarize(v).median]));
  return { rows, fetchInnerMs, messages: box.messages, machine: machineNote() };
}
