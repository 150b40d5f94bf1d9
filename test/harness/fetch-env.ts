/**
 * Test environment for fetch end-to-end tests: the test world (./world.ts: the identity fake + a real Dovecot that
 * trusts the fake's signing key, one CA for both), a secret file, and argument lists for the BUILT CLI.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { IdentityFake } from "../../src/sandbox/identity/index.js";
import { type CliResult, runCli } from "./cli.js";
import type { Dovecot } from "./dovecot/dovecot.js";
import { startWorld } from "./world.js";

export const MAILBOX = "erp-inbox@contoso.com";

export interface FetchEnv {
  fake: IdentityFake;
  dc: Dovecot;
  dir: string;
  caFile: string;
  secretFile: string;
  tenantId: string;
  clientId: string;
  /** Base CLI args for `fetch` against Dovecot over `protocol` (implicit TLS). */
  args(protocol: "pop3" | "imap", maildir: string, extra?: string[]): string[];
  cli(args: string[], opts?: { timeoutMs?: number; env?: Record<string, string>; entry?: string }): Promise<CliResult>;
  stop(): Promise<void>;
}

export async function startFetchEnv(mailboxes: string[] = [MAILBOX]): Promise<FetchEnv> {
  const world = await startWorld({ prefix: "xoauth-fetch-", dovecot: { mailboxes } });
  const { identity: fake, dovecot: dc, dir, caFile, tenant, app } = world;
  const secretFile = join(dir, "secret.txt");
  writeFileSync(secretFile, `${app.secrets[0]?.value}\n`, { mode: 0o600 });
  const env: FetchEnv = {
    fake,
    dc,
    dir,
    caFile,
    secretFile,
    tenantId: tenant.tenantId,
    clientId: app.clientId,
    args(protocol, maildir, extra = []) {
      return [
        "fetch",
        "--authority-host",
        fake.url,
        "--ca-file",
        caFile,
        "--tenant-id",
        tenant.tenantId,
        "--client-id",
        app.clientId,
        "--client-secret-file",
        secretFile,
        "--mailbox",
        MAILBOX,
        "--host",
        "127.0.0.1",
        "--port",
        String(protocol === "pop3" ? dc.ports.pop3s : dc.ports.imaps),
        "--protocol",
        protocol,
        "--maildir",
        maildir,
        ...extra,
      ];
    },
    cli(args, opts = {}) {
      return runCli(args, {
        timeoutMs: opts.timeoutMs ?? 30_000,
        ...(opts.entry ? { entry: opts.entry } : {}),
        env: { XOAUTH_MAIL_CACHE_DIR: join(dir, "cache"), ...opts.env },
      });
    },
    stop: world.stop,
  };
  return env;
}

export function sha256(b: Buffer): string {
  return createHash("sha256").update(b).digest("hex");
}

/** sha256 of every file in new/ and cur/ of a Maildir (a list: duplicates show up twice). */
export function deliveredHashes(maildir: string): string[] {
  const out: string[] = [];
  for (const sub of ["new", "cur"]) {
    let names: string[] = [];
    try {
      names = readdirSync(join(maildir, sub));
    } catch {
      continue;
    }
    for (const n of names) out.push(sha256(readFileSync(join(maildir, sub, n))));
  }
  return out.sort();
}

export function tmpFiles(maildir: string): string[] {
  try {
    return readdirSync(join(maildir, "tmp"));
  } catch {
    return [];
  }
}
