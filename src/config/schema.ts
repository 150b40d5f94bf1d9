/**
 * The config file (`--config PATH`, YAML): named accounts with references to their secrets.
 * The zod objects are exported so other areas (fetch, proxy, ...) can `.extend()` them with their own sections.
 */
import { z } from "zod";

/** A secret is referenced, not inlined: the name of an environment variable or the path of a file. */
export const SecretRefSchema = z.union([
  z.strictObject({ env: z.string().min(1).describe("Name of an environment variable holding the secret") }),
  z.strictObject({
    file: z.string().min(1).describe("Path of a file holding only the secret, readable by its owner alone (chmod 600)"),
  }),
]);
export type SecretRef = z.infer<typeof SecretRefSchema>;

export const CertificateSchema = z.strictObject({
  path: z.string().min(1).describe("PEM file with the certificate and its private key"),
  passwordEnv: z.string().min(1).optional().describe("Environment variable holding the private key's password"),
  passwordFile: z.string().min(1).optional().describe("File holding the private key's password"),
});
export type CertificateConfig = z.infer<typeof CertificateSchema>;

export const TlsModeSchema = z.enum(["implicit", "starttls"]);

export const ServerSchema = z.strictObject({
  host: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  tls: TlsModeSchema.optional().describe("implicit: TLS from the first byte; starttls: upgrade after connecting"),
});
export type ServerConfig = z.infer<typeof ServerSchema>;

export const ProtocolSchema = z.enum(["pop3", "imap", "smtp"]);
export const CloudSchema = z.enum(["global", "usgov", "china"]);

/** One account: an app registration plus the mailbox it works on. Open for extension (unknown keys kept). */
export const AccountSchema = z.looseObject({
  tenantId: z.string().min(1).optional().describe("Directory (tenant) ID: GUID or verified domain"),
  clientId: z.string().min(1).optional().describe("Application (client) ID"),
  secret: SecretRefSchema.optional().describe("Where the client secret is: {env: NAME} or {file: PATH}"),
  clientSecret: z
    .string()
    .min(1)
    .optional()
    .describe("Inline client secret; accepted only when the file is readable by its owner alone"),
  certificate: CertificateSchema.optional(),
  cloud: CloudSchema.optional(),
  authorityHost: z.url().optional(),
  scope: z.string().min(1).optional(),
  caFile: z.string().min(1).optional().describe("PEM CA file trusted in addition to the system roots"),
  proxy: z.url().optional().describe("HTTPS proxy for the token endpoint"),
  mailbox: z.string().min(1).optional().describe("Target mailbox (primary SMTP address)"),
  protocol: ProtocolSchema.optional(),
  servers: z
    .strictObject({ pop3: ServerSchema.optional(), imap: ServerSchema.optional(), smtp: ServerSchema.optional() })
    .optional(),
});
export type AccountConfig = z.infer<typeof AccountSchema>;

/** The whole file. `defaults` is merged under every account; `defaultAccount` is used without `--account`. */
export const ConfigFileSchema = z.looseObject({
  defaultAccount: z.string().min(1).optional(),
  defaults: AccountSchema.optional(),
  accounts: z.record(z.string().min(1), AccountSchema).optional(),
});
export type ConfigFile = z.infer<typeof ConfigFileSchema>;

/** JSON Schema for editors (schema/config.schema.json is this, committed). */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ConfigFileSchema, { target: "draft-2020-12" }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    title: "xoauth-mail configuration",
    ...schema,
  };
}
