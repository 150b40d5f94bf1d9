/** A YAML config with N accounts under ONE app registration (same tenant, client ID, secret file). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchEnv } from "./env.js";

export interface AccountEntry {
  name: string;
  mailbox: string;
}

export function accountsYaml(env: BenchEnv, accounts: AccountEntry[]): string {
  const lines = ["accounts:"];
  for (const a of accounts) {
    lines.push(
      `  ${a.name}:`,
      `    tenantId: ${env.tenantId}`,
      `    clientId: ${env.clientId}`,
      `    secret: { file: ${env.secretFile} }`,
      `    authorityHost: ${env.fake.url}`,
      `    caFile: ${env.caFile}`,
      `    mailbox: ${a.mailbox}`,
      "    protocol: pop3",
      "    servers:",
      `      pop3: { host: 127.0.0.1, port: ${env.dc.ports.pop3s}, tls: implicit }`,
      `      imap: { host: 127.0.0.1, port: ${env.dc.ports.imaps}, tls: implicit }`,
    );
  }
  return `${lines.join("\n")}\n`;
}

export function writeConfig(env: BenchEnv, name: string, yaml: string): string {
  const file = join(env.dir, name);
  writeFileSync(file, yaml, { mode: 0o600 });
  return file;
}
