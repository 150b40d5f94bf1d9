/**
 * The bench world (test/harness/world.ts): test PKI, the identity fake (token endpoint), one real Dovecot trusting
 * both, the sandbox's Microsoft Graph fake (its own mailboxes: bench/graph-setup.ts), a work dir readable by the unprivileged peers, and a password for every bench mailbox (so password-only peers read the SAME
 * Maildir that xoauth-mail reads with XOAUTH2).
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { GraphFake } from "../src/sandbox/graph/index.js";
import type { IdentityFake } from "../src/sandbox/identity/index.js";
import type { Dovecot } from "../test/harness/dovecot/dovecot.js";
import { type DovecotWorld, type GraphWorld, startWorld } from "../test/harness/world.js";
import { onCleanup } from "./cleanup.js";

/** The password every bench mailbox gets in Dovecot's passwd-file (PLAIN logins of the peers). */
export const BENCH_PASSWORD = "bench-password-1";

export interface BenchEnv {
  fake: IdentityFake;
  dc: Dovecot;
  /** The Graph fake (HTTPS on 127.0.0.1, certificate for 127.0.0.1/::1/localhost) and its API root (`--graph-url`). */
  graph: GraphFake;
  graphUrl: string;
  /** Work dir (mode 0755): CA file, secret, configs, destination stores. */
  dir: string;
  caFile: string;
  secretFile: string;
  tenantId: string;
  clientId: string;
  /** Token cache dir shared by the timed xoauth-mail runs (a warm-up run fills it, as for a user's 2nd run). */
  cacheDir: string;
  /** Adds a PLAIN password login for `mailbox` (Dovecot re-reads the passwd-file when it changes). */
  addPasswordUser(mailbox: string): void;
  doveadm(args: string[]): string;
  /** A fresh directory owned by `nobody` (for getmail/fetchmail, which must not run as root). */
  freshDir(name: string, owner?: "root" | "nobody"): string;
}

let seq = 0;

export async function startBenchEnv(): Promise<BenchEnv> {
  // startWorld starts both (its overloads name them one at a time).
  const world = (await startWorld({ prefix: "xoauth-bench-", dovecot: {}, graph: {} })) as DovecotWorld & GraphWorld;
  onCleanup(() => world.stop());
  const { identity: fake, dovecot: dc, graph, graphUrl, dir, caFile, tenant, app } = world;
  chmodSync(dir, 0o755);
  chmodSync(caFile, 0o644);
  const secretFile = join(dir, "secret.txt");
  writeFileSync(secretFile, `${app.secrets[0]?.value}\n`, { mode: 0o600 });
  const conf = join(dc.dir, "dovecot.conf");
  return {
    fake,
    dc,
    graph,
    graphUrl,
    dir,
    caFile,
    secretFile,
    tenantId: tenant.tenantId,
    clientId: app.clientId,
    cacheDir: join(dir, "token-cache"),
    addPasswordUser(mailbox) {
      appendFileSync(join(dc.dir, "passwd"), `${mailbox.toLowerCase()}:{PLAIN}${BENCH_PASSWORD}\n`);
    },
    doveadm(args) {
      return execFileSync("/usr/bin/doveadm", ["-c", conf, ...args], { encoding: "utf8" });
    },
    freshDir(name, owner = "root") {
      const d = join(dir, "out", `${name}-${++seq}`);
      mkdirSync(d, { recursive: true, mode: 0o755 });
      if (owner === "nobody") execFileSync("chown", ["nobody:nogroup", d]);
      return d;
    },
  };
}

/** Removes a destination store between rounds (they add up to GBs otherwise). */
export function dropDir(d: string): void {
  rmSync(d, { recursive: true, force: true });
}
