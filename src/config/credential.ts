/**
 * Picks the app credential: flags > environment > config file. At one level, a secret and a certificate together
 * are a usage error for flags; for the environment the secret wins (as in the Azure SDK's EnvironmentCredential).
 */
import type { CredentialSetting } from "../auth/types.js";
import { XoauthError } from "../errors.js";
import { markSecret } from "../log/redact.js";
import type { AuthFlags } from "./flags.js";
import type { LoadedConfig } from "./load.js";
import { missingValue } from "./missing.js";
import type { AccountConfig } from "./schema.js";
import { readPrivateFile, readSecretEnv, readSecretFile } from "./secrets.js";

export type { CredentialSetting } from "../auth/types.js";

export const CLI_SECRET_WARNING =
  "--client-secret puts the secret on the command line, where other users of this machine can see it (ps, /proc). Prefer --client-secret-file PATH or AZURE_CLIENT_SECRET.";

function certificate(
  path: string,
  password: string | undefined,
  source: "flag" | "env" | "config",
  flag: string,
): CredentialSetting {
  const pem = readPrivateFile(path, "certificate", flag);
  if (!/-----BEGIN CERTIFICATE-----/.test(pem)) {
    throw new XoauthError("CONFIG_INVALID", `The certificate file ${path} (${flag}) holds no PEM certificate.`);
  }
  if (!/-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(pem)) {
    throw new XoauthError(
      "CONFIG_INVALID",
      `The certificate file ${path} (${flag}) holds no private key; it needs the certificate and its private key in one PEM file.`,
    );
  }
  markSecret(password);
  return password ? { kind: "certificate", pem, password, path, source } : { kind: "certificate", pem, path, source };
}

function fromFlags(flags: AuthFlags, warn: (m: string) => void): CredentialSetting | undefined {
  const given = [flags.clientSecret, flags.clientSecretFile, flags.certificate].filter((v) => v).length;
  if (given > 1) {
    throw new XoauthError(
      "USAGE",
      "Give only one credential: --client-secret-file, --client-secret or --certificate (with --certificate-password).",
    );
  }
  if (flags.clientSecretFile) {
    return {
      kind: "secret",
      secret: readSecretFile(flags.clientSecretFile, "client secret", "--client-secret-file"),
      source: "flag-file",
    };
  }
  if (flags.clientSecret) {
    markSecret(flags.clientSecret);
    warn(CLI_SECRET_WARNING);
    return { kind: "secret", secret: flags.clientSecret, source: "flag" };
  }
  if (flags.certificate) {
    return certificate(flags.certificate, flags.certificatePassword, "flag", "--certificate");
  }
  return undefined;
}

function fromEnv(flags: AuthFlags, env: NodeJS.ProcessEnv): CredentialSetting | undefined {
  if (env.AZURE_CLIENT_SECRET) {
    markSecret(env.AZURE_CLIENT_SECRET);
    return { kind: "secret", secret: env.AZURE_CLIENT_SECRET, source: "env" };
  }
  if (env.AZURE_CLIENT_CERTIFICATE_PATH) {
    const password = flags.certificatePassword || env.AZURE_CLIENT_CERTIFICATE_PASSWORD || undefined;
    return certificate(env.AZURE_CLIENT_CERTIFICATE_PATH, password, "env", "AZURE_CLIENT_CERTIFICATE_PATH");
  }
  return undefined;
}

function fromConfig(
  flags: AuthFlags,
  env: NodeJS.ProcessEnv,
  account: AccountConfig,
  loaded: LoadedConfig | undefined,
): CredentialSetting | undefined {
  const where = loaded ? `config file ${loaded.path}` : "config file";
  const kinds = [account.secret, account.clientSecret, account.certificate].filter((v) => v).length;
  if (kinds > 1) {
    throw new XoauthError(
      "CONFIG_INVALID",
      `The account in ${where} sets more than one of secret, clientSecret, certificate; keep one.`,
    );
  }
  if (account.secret && "env" in account.secret) {
    return {
      kind: "secret",
      secret: readSecretEnv(env, account.secret.env, "client secret", `secret.env in ${where}`),
      source: "config-env",
    };
  }
  if (account.secret && "file" in account.secret) {
    return {
      kind: "secret",
      secret: readSecretFile(account.secret.file, "client secret", `secret.file in ${where}`),
      source: "config-file",
    };
  }
  if (account.clientSecret) {
    // Only in a file its owner alone can read: loadConfigFile refused it otherwise.
    markSecret(account.clientSecret);
    return { kind: "secret", secret: account.clientSecret, source: "config-inline" };
  }
  if (account.certificate) {
    const c = account.certificate;
    const password =
      flags.certificatePassword ||
      (c.passwordEnv
        ? readSecretEnv(env, c.passwordEnv, "certificate password", `certificate.passwordEnv in ${where}`)
        : undefined) ||
      (c.passwordFile
        ? readSecretFile(c.passwordFile, "certificate password", `certificate.passwordFile in ${where}`)
        : undefined);
    return certificate(c.path, password, "config", `certificate.path in ${where}`);
  }
  return undefined;
}

export function resolveCredential(
  flags: AuthFlags,
  env: NodeJS.ProcessEnv,
  account: AccountConfig,
  loaded: LoadedConfig | undefined,
  warn: (m: string) => void,
  accountName?: string,
): CredentialSetting {
  const cred = fromFlags(flags, warn) ?? fromEnv(flags, env) ?? fromConfig(flags, env, account, loaded);
  if (cred) return cred;
  throw missingValue({ env, loaded, accountName }, "config.credential.missing");
}
