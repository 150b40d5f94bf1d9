/**
 * The bench world (test/harness/world.ts): test PKI, the identity fake (token endpoint), one real Dovecot trusting
 * both, the sandbox's Microsoft Graph fake (its own mailboxes: bench/graph-setup.ts), a work dir readable by the unprivileged peers, and a password for every bench mailbox (so password-only peers read the SAME
 * Maildir that xoauth-mail reads with XOAUTH2).
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
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
  trashDir = join(dir, "trash");
  mkdirSync(trashDir, { recursive: true });
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

/**
 * Stores of timed runs are set aside here, not deleted, until the bench ends (the environment's directory goes with
 * everything in it). This machine's root file system is ext4 without a journal, where creating a file scans past
 * every inode of its block group freed in the last 60 s (360 s while that part of the inode table is not written
 * back): `recently_deleted()` in the kernel's `find_inode_bit()`, active only without a journal; RECENTCY_MIN and
 * RECENTCY_DIRTY in fs/ext4/ialloc.c, 5 and 30 s before Linux 5.7 (commit "ext4: increase wait time needed before
 * reuse of deleted inode numbers", 2020). Deleting 800 or 2,000 files between rounds made the next client's creates
 * pay that scan (0.2-0.4 s for 800 small messages, for whichever client came next), and deleting a section's stores
 * when it ended made every create of the next sections pay it (`perf`: 50% of a create loop's CPU in
 * `recently_deleted`, 0.3-0.6 ms per file).
 */
let trashDir: string | undefined;
let trashed = 0;
/** {@link trashed} at the last {@link settleDisk}. */
let settledAt = 0;

/** Takes a destination store out of the way between rounds: moved to the trash, deleted when the bench ends. */
export function dropDir(d: string): void {
  if (trashDir) {
    try {
      renameSync(d, join(trashDir, String(++trashed)));
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
      // another file system (EXDEV): delete it now
    }
  }
  rmSync(d, { recursive: true, force: true });
}

/**
 * End of a section: writes the file system back (`sync`) and waits 6 s for the device (mounted with online discard)
 * to finish, so the next section's clients start on a settled disk. Nothing is deleted before the bench ends (see
 * {@link trashDir}). `always`: also when no store was set aside in the section (after the mailboxes were filled:
 * 200 MB written).
 */
export async function settleDisk(log: (s: string) => void, always = false): Promise<void> {
  if (!always && trashed === settledAt) return;
  settledAt = trashed;
  const t0 = Date.now();
  execFileSync("sync");
  await new Promise((r) => setTimeout(r, 6000));
  log(`  (disk settled: sync, 6 s wait: ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}
