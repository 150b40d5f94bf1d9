/**
 * For the end-to-end tests that run the BUILT CLI against the test world (./world.ts: the identity fake and a mail
 * server that trusts its signing key): the common login options, and the CLI's --json output parsed.
 */
import type { ExchangeDirectory } from "../../src/sandbox/exchange/index.js";
import type { FakeTenant, IdentityFake } from "../../src/sandbox/identity/index.js";
import type { CliResult } from "./cli.js";
import { type DovecotWorld, type ExchangeWorld, startWorld, type World } from "./world.js";

/** The names of startWorld's results before it existed (tests written on other branches still use them). */
export type IdentitySetup = World;
export type IdentityAndDovecot = DovecotWorld;
export type IdentityAndExchange = ExchangeWorld;

/** `startWorld` with a Dovecot for `tenant` (the signature before startWorld; new tests call startWorld). */
export function startIdentityAndDovecot(
  prefix: string,
  tenant: FakeTenant,
  mailboxes?: string[],
): Promise<DovecotWorld> {
  return startWorld({ prefix, identity: { tenants: [tenant] }, dovecot: mailboxes ? { mailboxes } : {} });
}

/** `startWorld` with the Exchange fake over `directory` (the signature before startWorld; new tests call startWorld). */
export function startIdentityAndExchange(
  prefix: string,
  tenants: FakeTenant[],
  directory: ExchangeDirectory,
): Promise<ExchangeWorld> {
  return startWorld({ prefix, identity: { tenants }, exchange: { directory } });
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
