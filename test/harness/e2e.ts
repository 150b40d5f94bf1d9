/**
 * Shared setup of the end-to-end tests that run the BUILT CLI against the identity fake and a mail server that trusts
 * its signing key (the Exchange fake or a real Dovecot): temp dir, test PKI with its CA in `<dir>/ca.pem`, the common
 * login options, and the CLI's --json output parsed. Compile first: `npx tsc -p tsconfig.json`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ExchangeDirectory, ExchangeFake, type ExchangePorts } from "../../src/sandbox/exchange/index.js";
import { type FakeTenant, IdentityFake } from "../../src/sandbox/identity/index.js";
import { createTestPki, type TestPki } from "../../src/sandbox/pki.js";
import type { CliResult } from "./cli.js";
import { type Dovecot, startDovecot } from "./dovecot/dovecot.js";

/** The audience Exchange Online (and the test Dovecot) requires. */
export const EXO_AUDIENCE = "https://outlook.office365.com";

export interface IdentitySetup {
  dir: string;
  pki: TestPki;
  identity: IdentityFake;
  /** `<dir>/ca.pem`: the test CA, for --ca-file. */
  caFile: string;
}

/** A temp dir, a test PKI (CA written to `<dir>/ca.pem`) and a started identity fake serving `tenants`. */
async function startIdentity(prefix: string, tenants: FakeTenant[]): Promise<IdentitySetup> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const pki = createTestPki();
  const caFile = join(dir, "ca.pem");
  writeFileSync(caFile, pki.ca.certPem);
  const identity = new IdentityFake({ pki, tenants });
  try {
    await identity.start();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return { dir, pki, identity, caFile };
}

/** Stops `first` (if started), then the identity fake, then removes the temp dir. */
async function stopAll(setup: IdentitySetup, first?: { stop(): Promise<void> }): Promise<void> {
  try {
    await first?.stop();
    await setup.identity.stop();
  } finally {
    rmSync(setup.dir, { recursive: true, force: true });
  }
}

export interface IdentityAndDovecot extends IdentitySetup {
  dovecot: Dovecot;
  stop(): Promise<void>;
}

/** The identity fake for `tenant` and a real Dovecot that accepts its tokens (issuer of `tenant`, EXO audience). */
export async function startIdentityAndDovecot(
  prefix: string,
  tenant: FakeTenant,
  mailboxes?: string[],
): Promise<IdentityAndDovecot> {
  const setup = await startIdentity(prefix, [tenant]);
  let dovecot: Dovecot;
  try {
    dovecot = await startDovecot({
      pki: setup.pki,
      issuer: setup.identity.issuerFor(tenant.tenantId),
      audience: EXO_AUDIENCE,
      keys: [{ kid: setup.identity.signingKey.kid, publicKeyPem: setup.identity.signingKey.publicKeyPem }],
      ...(mailboxes ? { mailboxes } : {}),
    });
  } catch (err) {
    await stopAll(setup);
    throw err;
  }
  return { ...setup, dovecot, stop: () => stopAll(setup, dovecot) };
}

export interface IdentityAndExchange extends IdentitySetup {
  exchange: ExchangeFake;
  ports: ExchangePorts;
  stop(): Promise<void>;
}

/** The identity fake serving `tenants` and the Exchange fake over `directory`, trusting the identity fake's key. */
export async function startIdentityAndExchange(
  prefix: string,
  tenants: FakeTenant[],
  directory: ExchangeDirectory,
): Promise<IdentityAndExchange> {
  const setup = await startIdentity(prefix, tenants);
  const exchange = new ExchangeFake({
    directory,
    pki: setup.pki,
    identity: { publicKeyPem: setup.identity.signingKey.publicKeyPem },
  });
  let ports: ExchangePorts;
  try {
    ports = await exchange.start();
  } catch (err) {
    await stopAll(setup);
    throw err;
  }
  return { ...setup, exchange, ports, stop: () => stopAll(setup, exchange) };
}

/** The options every command needs to get a token and name the mailbox. */
export function loginArgs(o: {
  identity: IdentityFake;
  caFile: string;
  tenantId: string;
  clientId: string;
  mailbox: string;
}): string[] {
  return [
    "--authority-host",
    o.identity.url,
    "--ca-file",
    o.caFile,
    "--tenant-id",
    o.tenantId,
    "--client-id",
    o.clientId,
    "--mailbox",
    o.mailbox,
  ];
}

/** The CLI's stdout parsed as JSON; if it is not JSON, an error with the exit code, stdout, stderr and `extra`. */
export function cliJson(r: CliResult, extra = ""): Record<string, any> {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}${extra}`);
  }
}
