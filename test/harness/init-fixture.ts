/** An in-process sandbox tenant plus its files, for driving the built `init` CLI against it. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LocalTenant, startLocalTenant, writeTenantFiles } from "../../src/sandbox/local-tenant.js";

export interface InitFixture {
  tn: LocalTenant;
  dir: string;
  caFile: string;
  secretFile: string;
  /** `init --non-interactive` with the sandbox app (tenant as its domain, client ID, secret file) and its mailbox. */
  initArgs: () => string[];
  /** Flags that point `init` at the tenant (identity platform, CA, POP3S server). */
  connArgs: (protocol?: "pop3" | "imap") => string[];
  /** Flags that point `init --protocol graph` at the tenant (identity platform, CA, the Graph fake's API root). */
  graphArgs: () => string[];
  close(): Promise<void>;
}

export async function startInitFixture(): Promise<InitFixture> {
  const tn = await startLocalTenant();
  const dir = mkdtempSync(join(tmpdir(), "init-test-"));
  const { caFile, secretFile } = writeTenantFiles(tn, join(dir, "sandbox"));
  return {
    tn,
    dir,
    caFile,
    secretFile,
    initArgs: () => [
      "init",
      "--non-interactive",
      "--tenant-id",
      tn.domain,
      "--client-id",
      tn.clientId,
      "--client-secret-file",
      secretFile,
      "--mailbox",
      tn.mailbox,
    ],
    connArgs: (protocol = "pop3") => [
      "--authority-host",
      tn.authorityHost,
      "--ca-file",
      caFile,
      "--host",
      tn.host,
      "--port",
      String(protocol === "pop3" ? tn.ports.pop3s : tn.ports.imaps),
    ],
    graphArgs: () => ["--authority-host", tn.authorityHost, "--ca-file", caFile, "--graph-url", tn.graphUrl],
    async close() {
      await tn.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
