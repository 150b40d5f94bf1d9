/**
 * The bench world: test PKI, the identity fake (token endpoint), one real Dovecot trusting both, a work dir
 * readable by the unprivileged peers, and a password for every bench mailbox (so password-only peers read the SAME
 * Maildir that xoauth-mail reads with XOAUTH2).
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultSandboxTenant, IdentityFake } from "../src/sandbox/identity/index.js";
import { createTestPki } from "../src/sandbox/pki.js";
import { type Dovecot, startDovecot } from "../test/harness/dovecot/dovecot.js";
import { onCleanup } from "./cleanup.js";

/** The password every bench mailbox gets in Dovecot's passwd-file (PLAIN logins of the peers). */
export const BENCH_PASSWORD = "bench-password-1";

export interface BenchEnv {
  fake: IdentityFake;
  dc: Dovecot;
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
  const pki = createTestPki();
  const tenant = defaultSandboxTenant();
  const app = tenant.apps[0] as NonNullable<(typeof tenant.apps)[0]>;
  const fake = new IdentityFake({ pki, tenants: [tenant] });
  await fake.start();
  onCleanup(() => fake.stop());
  const dc = await startDovecot({
    pki,
    issuer: fake.issuerFor(tenant.tenantId),
    audience: "https://outlook.office365.com",
    keys: [fake.signingKey],
  });
  onCleanup(() => dc.stop());
  const dir = mkdtempSync(join(tmpdir(), "xoauth-bench-"));
  chmodSync(dir, 0o755);
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const caFile = join(dir, "ca.pem");
  writeFileSync(caFile, pki.ca.certPem, { mode: 0o644 });
  const secretFile = join(dir, "secret.txt");
  writeFileSync(secretFile, `${app.secrets[0]?.value}\n`, { mode: 0o600 });
  const conf = join(dc.dir, "dovecot.conf");
  return {
    fake,
    dc,
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
