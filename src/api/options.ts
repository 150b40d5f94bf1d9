/**
 * The library's options: plain objects, validated here at the boundary (zod), with errors that name the field
 * (`options.tenantId: must be a GUID or a domain ...`). No CLI notions: no flags, no environment, no config file.
 * `toProviderSettings` is the one small mapping to what the token provider (src/auth) needs.
 */
import { z } from "zod";
import { CLOUDS, type Cloud, type CloudName } from "../auth/clouds.js";
import { isGuid } from "../auth/guid.js";
import type { AppCredential, ProviderSettings } from "../auth/types.js";
import { closest } from "../config/closest.js";
import { issuePath } from "../config/issues.js";
import { pemCertificates, readBoundedFile } from "../config/secrets.js";
import { checkTenantId } from "../config/tenant.js";
import { XoauthError } from "../errors.js";
import { markSecret } from "../log/redact.js";

/** The app's certificate credential: its private key with the certificate (PEM), or with the certificate's thumbprint. */
export interface CertificateOptions {
  /** PEM private key (PKCS#8, PKCS#1 or SEC1; encrypted with `password`). Secret. */
  privateKey: string;
  /** The certificate PEM (the `x5c` header is sent; the SHA-256 thumbprint is computed). */
  certificate?: string;
  /** Or the thumbprint as the Entra admin center shows it (SHA-1, 40 hex digits) or SHA-256 (64 hex digits). */
  thumbprint?: string;
  password?: string;
}

/** Who asks for tokens: the app registration and how to reach the identity platform. */
export interface AuthOptions {
  /** Directory (tenant) ID: a GUID, or a verified domain such as `contoso.onmicrosoft.com`. */
  tenantId: string;
  /** Application (client) ID (a GUID). */
  clientId: string;
  /** A client secret's value (not its ID). Give this or `certificate`. Secret. */
  clientSecret?: string;
  certificate?: CertificateOptions;
  /** National cloud (default `global`): authority host, mail hosts, scopes, Graph URL. */
  cloud?: CloudName;
  /** Identity platform origin, e.g. `https://login.microsoftonline.com` (default: the cloud's). */
  authorityHost?: string;
  /** Extra trusted CA certificates (PEM text), in addition to Node's roots; verification always stays on. */
  ca?: string | string[];
  /** A PEM file of extra trusted CA certificates (added to `ca`). */
  caFile?: string;
  /** HTTPS proxy URL for the token endpoint and Graph (`http://user:pass@proxy:3128`), and the hosts it skips. */
  proxy?: string;
  noProxy?: string;
  /** Token cache: memory of this provider only (default), `{ dir }` for a 0600 file there too, `false` for none. */
  cache?: false | { dir: string };
}

const httpsUrl = (what: string) =>
  z.string().refine((v) => {
    try {
      return new URL(v).protocol === "https:";
    } catch {
      return false;
    }
  }, `must be an https:// URL (${what})`);

export const authShape = {
  tenantId: z.string().superRefine((v, ctx) => {
    try {
      checkTenantId(v.trim());
    } catch (e) {
      ctx.addIssue({ code: "custom", message: `must be a GUID or a domain (${(e as Error).message})` });
    }
  }),
  clientId: z.string().refine(isGuid, "must be a GUID (the Application (client) ID of the app registration)"),
  clientSecret: z.string().min(1, "must not be empty").optional(),
  certificate: z
    .strictObject({
      privateKey: z.string().min(1, "must be a PEM private key"),
      certificate: z.string().min(1).optional(),
      thumbprint: z.string().min(1).optional(),
      password: z.string().optional(),
    })
    .refine((c) => c.certificate !== undefined || c.thumbprint !== undefined, {
      message: "needs `certificate` (PEM) or `thumbprint` next to `privateKey`",
    })
    .optional(),
  cloud: z.enum(["global", "usgov", "china"]).optional(),
  authorityHost: httpsUrl("the identity platform's origin").optional(),
  ca: z.union([z.string(), z.array(z.string())]).optional(),
  caFile: z.string().min(1).optional(),
  proxy: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// proxy URL" }).optional(),
  noProxy: z.string().optional(),
  cache: z.union([z.literal(false), z.strictObject({ dir: z.string().min(1) })]).optional(),
};

export const AUTH_KEYS = Object.keys(authShape) as (keyof AuthOptions)[];

function credentialCheck(o: { clientSecret?: unknown; certificate?: unknown }, ctx: z.RefinementCtx): void {
  const n = Number(o.clientSecret !== undefined) + Number(o.certificate !== undefined);
  if (n !== 1) {
    ctx.addIssue({
      code: "custom",
      path: [n === 0 ? "clientSecret" : "certificate"],
      message: n === 0 ? "give clientSecret or certificate" : "give either clientSecret or certificate, not both",
    });
  }
}

export const AuthOptionsSchema = z.strictObject(authShape).superRefine(credentialCheck);

/** Zod issues as one sentence per field, each naming it from `options.` (an unknown key gets the closest valid one). */
export function optionsError(error: z.ZodError, known: readonly string[], root = "options"): XoauthError {
  const parts = error.issues.flatMap((i) => {
    const at = `${root}${i.path.length ? `.${issuePath(i.path)}` : ""}`.replace(/\.\[/g, "[");
    if (i.code === "unrecognized_keys") {
      return i.keys.map((k) => {
        const near = i.path.length === 0 ? closest(k, known) : undefined;
        return `${at}.${k}: is not an option${near ? ` (did you mean ${near}?)` : ""}`;
      });
    }
    return [`${at}: ${i.message}`];
  });
  return new XoauthError("USAGE", parts.join("; "), { details: { params: { issues: parts.join("; ") } } });
}

/** Parses `value` with `schema`; throws USAGE naming every bad field. */
export function validate<T>(schema: z.ZodType<T>, value: unknown, root = "options"): T {
  if (value === null || typeof value !== "object") {
    throw new XoauthError("USAGE", `${root}: must be an object`);
  }
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  throw optionsError(r.error, shape ? Object.keys(shape) : AUTH_KEYS);
}

export interface ResolvedAuth {
  cloud: Cloud;
  authorityHost: string;
  credential: AppCredential;
  ca: string[] | undefined;
  proxy: string | undefined;
  noProxy: string | undefined;
}

/** Validated options -> the cloud, the credential and the trust and proxy settings (secrets marked). */
export function resolveAuth(o: AuthOptions): ResolvedAuth {
  const cloud = CLOUDS[o.cloud ?? "global"];
  let credential: AppCredential;
  if (o.clientSecret !== undefined) {
    markSecret(o.clientSecret);
    credential = { kind: "secret", secret: o.clientSecret };
  } else {
    const c = o.certificate as CertificateOptions;
    markSecret(c.privateKey);
    markSecret(c.password);
    credential = c.certificate
      ? {
          kind: "certificate",
          pem: `${c.certificate}\n${c.privateKey}`,
          password: c.password,
          path: "options.certificate",
        }
      : {
          kind: "certificate-key",
          privateKey: c.privateKey,
          password: c.password,
          thumbprint: c.thumbprint as string,
          path: "options.certificate",
        };
  }
  const ca = [...(typeof o.ca === "string" ? [o.ca] : (o.ca ?? []))].flatMap((p) => pemCertificates(p));
  if (o.caFile) ca.push(...pemCertificates(readBoundedFile(o.caFile, "CA", "options.caFile")));
  if (o.proxy) markSecret(new URL(o.proxy).password || undefined);
  return {
    cloud,
    authorityHost: (o.authorityHost ? new URL(o.authorityHost).origin : cloud.authorityHost).replace(/\/+$/, ""),
    credential,
    ca: ca.length ? ca : undefined,
    proxy: o.proxy,
    noProxy: o.noProxy,
  };
}

/** The small mapping to the token provider's settings for one scope (src/auth/provider.ts). */
export function toProviderSettings(
  o: Pick<AuthOptions, "tenantId" | "clientId" | "cache">,
  a: ResolvedAuth,
  scope: string,
): ProviderSettings {
  return {
    tenantId: o.tenantId.trim(),
    clientId: o.clientId.trim(),
    credential: a.credential,
    authorityHost: a.authorityHost,
    scope,
    ca: a.ca,
    proxy: a.proxy,
    noProxy: a.noProxy,
    noCache: o.cache === false,
  };
}
