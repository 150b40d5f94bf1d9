/**
 * The config file (`--config PATH`, YAML): named accounts with references to their secrets.
 * Every object is strict: a key not declared here is an error naming the key and the closest valid one (a typo such
 * as `protocl:` must not fall back to a default). A new key of another area (fetch, proxy, ...) is declared here.
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
  path: z
    .string()
    .min(1)
    .describe("PEM file with the certificate and its private key, readable by its owner alone (chmod 600)"),
  passwordEnv: z.string().min(1).optional().describe("Environment variable holding the private key's password"),
  passwordFile: z
    .string()
    .min(1)
    .optional()
    .describe("File holding the private key's password, readable by its owner alone (chmod 600)"),
});
export type CertificateConfig = z.infer<typeof CertificateSchema>;

export const TlsModeSchema = z.enum(["implicit", "starttls"]);

export const ServerSchema = z.strictObject({
  host: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  tls: TlsModeSchema.optional().describe("implicit: TLS from the first byte; starttls: upgrade after connecting"),
});
export type ServerConfig = z.infer<typeof ServerSchema>;

export const ProtocolSchema = z
  .enum(["pop3", "imap", "smtp", "graph"])
  .describe("pop3, imap, smtp, or graph (the Microsoft Graph mail API)");
export const CloudSchema = z.enum(["global", "usgov", "china"]);

/** One account: an app registration plus the mailbox it works on (`maildir` and `folder` are read by fetch). */
export const AccountSchema = z.strictObject({
  tenantId: z.string().min(1).optional().describe("Directory (tenant) ID: GUID or verified domain"),
  clientId: z.string().min(1).optional().describe("Application (client) ID"),
  secret: SecretRefSchema.optional().describe("Where the client secret is: {env: NAME} or {file: PATH}"),
  clientSecret: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Inline client secret; accepted only when the config file is readable by its owner alone (not on Windows)",
    ),
  certificate: CertificateSchema.optional(),
  cloud: CloudSchema.optional(),
  authorityHost: z.url().optional(),
  scope: z
    .string()
    .min(1)
    .optional()
    .describe("Token scope for the account's protocol (default per cloud: Exchange Online's, or Graph's for graph)"),
  caFile: z.string().min(1).optional().describe("PEM CA file trusted in addition to the system roots"),
  proxy: z
    .url()
    .optional()
    .describe("HTTPS proxy for the token endpoint; with a password in it, the config file must be owner-only"),
  graphUrl: z
    .url()
    .optional()
    .describe(
      "Microsoft Graph API root with its version (default per cloud, e.g. https://graph.microsoft.com/v1.0); https only",
    ),
  mailbox: z.string().min(1).optional().describe("Target mailbox (primary SMTP address)"),
  protocol: ProtocolSchema.optional(),
  servers: z
    .strictObject({ pop3: ServerSchema.optional(), imap: ServerSchema.optional(), smtp: ServerSchema.optional() })
    .optional(),
  maildir: z.string().min(1).optional().describe("Maildir that `fetch` delivers into (--maildir overrides)"),
  folder: z.string().min(1).optional().describe("IMAP folder that `fetch` reads (--folder overrides; default INBOX)"),
});
export type AccountConfig = z.infer<typeof AccountSchema>;

/** The whole file. `defaults` is merged under every account; `defaultAccount` is used without `--account`. */
export const ConfigFileSchema = z.strictObject({
  defaultAccount: z.string().min(1).optional(),
  defaults: AccountSchema.optional(),
  accounts: z.record(z.string().min(1), AccountSchema).optional(),
  proxy: z
    .unknown()
    .optional()
    .describe("The proxy's listeners and users, checked by `xoauth-mail proxy` (see docs/proxy.md)"),
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
