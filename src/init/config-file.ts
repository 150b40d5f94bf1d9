/**
 * Writes what `init` collected: the secret (or certificate password) into its own 0600 file, and the account into the
 * YAML config file (schema of src/config), referencing that file. An existing config keeps its other accounts and
 * comments; the write is atomic (temp file + rename).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Document, parseDocument } from "yaml";
import { ConfigFileSchema } from "../config/schema.js";
import { XoauthError } from "../errors.js";
import type { InitAnswers, InitConnection } from "./types.js";

/** $XDG_CONFIG_HOME/xoauth-mail/config.yaml, else ~/.config/xoauth-mail/config.yaml. */
export { defaultConfigPath } from "../config/paths.js";

export function accountNameProblem(name: string): string | undefined {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)
    ? undefined
    : `Account name "${name}" must be 1-64 of A-Z a-z 0-9 . _ -`;
}

function loadDoc(path: string): Document {
  if (!existsSync(path)) return new Document({});
  const doc = parseDocument(readFileSync(path, "utf8"));
  if (doc.errors.length) {
    throw new XoauthError("CONFIG_INVALID", `Config file ${path} is not valid YAML: ${doc.errors[0]?.message}`);
  }
  return doc;
}

export function accountExists(path: string, name: string): boolean {
  if (!existsSync(path)) return false;
  return loadDoc(path).hasIn(["accounts", name]);
}

function writeSecretFile(path: string, value: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${value}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

export interface WrittenConfig {
  configPath: string;
  secretFile: string | undefined;
}

/** The account object as it goes into the YAML (paths absolute). */
export function accountObject(
  a: InitAnswers,
  c: InitConnection,
  secretFile: string | undefined,
  passwordFile?: string,
) {
  const server = Object.fromEntries(Object.entries(c.server).filter(([, v]) => v !== undefined));
  return {
    tenantId: a.tenantId,
    clientId: a.clientId,
    ...(a.credential.kind === "secret"
      ? { secret: { file: secretFile as string } }
      : { certificate: { path: resolve(a.credential.path), ...(passwordFile ? { passwordFile } : {}) } }),
    ...(c.cloud !== "global" ? { cloud: c.cloud } : {}),
    ...(c.authorityHostOverride ? { authorityHost: c.authorityHostOverride } : {}),
    ...(c.caFile ? { caFile: resolve(c.caFile) } : {}),
    ...(c.proxy ? { proxy: c.proxy } : {}),
    mailbox: a.mailbox,
    protocol: a.protocol,
    // Graph has no `servers` entry (its host comes from graphUrl); src/init/transport.ts refuses --host etc. with it.
    ...(a.protocol === "graph" && c.graphUrlOverride ? { graphUrl: c.graphUrlOverride } : {}),
    ...(a.protocol !== "graph" && Object.keys(server).length ? { servers: { [a.protocol]: server } } : {}),
  };
}

export function writeInitConfig(path: string, name: string, a: InitAnswers, c: InitConnection): WrittenConfig {
  const configPath = resolve(path);
  const dir = dirname(configPath);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const doc = loadDoc(configPath);
  let secretFile: string | undefined;
  let passwordFile: string | undefined;
  if (a.credential.kind === "secret") {
    secretFile = join(dir, `${name}.secret`);
    writeSecretFile(secretFile, a.credential.secret);
  } else if (a.credential.password) {
    passwordFile = join(dir, `${name}.certificate-password`);
    writeSecretFile(passwordFile, a.credential.password);
  }
  if (!doc.contents || !doc.has("accounts")) doc.set("accounts", doc.createNode({}));
  doc.setIn(["accounts", name], doc.createNode(accountObject(a, c, secretFile, passwordFile)));
  if (!doc.has("defaultAccount")) doc.set("defaultAccount", name);
  if (!doc.commentBefore)
    doc.commentBefore = " xoauth-mail config (written by `xoauth-mail init`); secrets live in separate 0600 files.";
  const parsed = ConfigFileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    throw new XoauthError("CONFIG_INVALID", `The config for ${configPath} would be invalid: ${parsed.error.message}`);
  }
  const tmp = `${configPath}.tmp-${process.pid}`;
  writeFileSync(tmp, doc.toString(), { mode: 0o600 });
  renameSync(tmp, configPath);
  return { configPath, secretFile };
}
