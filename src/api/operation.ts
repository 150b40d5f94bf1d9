/**
 * The options every mailbox operation (testMailbox, fetchMailbox, sendMail, createTransport) shares: the app's
 * options or a `tokenProvider` from createTokenProvider() (to share its cached tokens), the mailbox, the server.
 */
import { z } from "zod";
import type { Cloud, MailProtocol } from "../auth/clouds.js";
import { parseGraphUrl } from "../config/settings.js";
import { graphEndpoint } from "../diagnose/probe/graph.js";
import { type MailServer, resolveServer } from "../diagnose/server.js";
import { isAddress } from "../send/address.js";
import { AUTH_KEYS, type AuthOptions, AuthOptionsSchema, optionsError, type ResolvedAuth } from "./options.js";
import { buildTokenProvider, type MailTokenProvider, optionalAuthShape, providerState } from "./token-provider.js";

/** Either the app's options (a provider is made for this call) or a provider to share. */
export type Credentials = AuthOptions | { tokenProvider: MailTokenProvider };

/** Where the mailbox is reached: its address and, to override the cloud's defaults, the server or the Graph URL. */
export interface MailboxTarget {
  /** The mailbox address (the XOAUTH2 `user=`, Graph's /users/{mailbox}). */
  mailbox: string;
  /** Mail server host (default: the cloud's, e.g. outlook.office365.com / smtp.office365.com). */
  host?: string;
  /** Port (default 995 / 993 implicit TLS, 587 STARTTLS; 110/143/587/25 imply starttls). */
  port?: number;
  tls?: "implicit" | "starttls";
  /** Microsoft Graph API root with version (default: the cloud's, https://graph.microsoft.com/v1.0). */
  graphUrl?: string;
  /** Per-phase timeout in milliseconds (connect, greeting, command; Graph requests). */
  timeoutMs?: number;
}

export const targetShape = {
  mailbox: z.string().refine(isAddress, "must be an email address (the mailbox)"),
  host: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  tls: z.enum(["implicit", "starttls"]).optional(),
  graphUrl: z.string().optional(),
  timeoutMs: z.number().int().positive().optional(),
};

export interface Operation<T> {
  /** The validated operation options (without the auth ones). */
  op: T;
  provider: MailTokenProvider;
  auth: ResolvedAuth;
  tenantId: string;
  clientId: string;
}

/** Validates `options` against the operation's shape plus the credentials, and gives the provider to use. */
export function parseOperation<T>(shape: z.ZodRawShape, options: unknown, known: readonly string[] = []): Operation<T> {
  const schema = z.strictObject({ ...optionalAuthShape, tokenProvider: z.unknown().optional(), ...shape });
  if (options === null || typeof options !== "object") throw optionsError(new z.ZodError([]), []);
  const r = schema.safeParse(options);
  const keys = [...Object.keys(shape), ...AUTH_KEYS, "tokenProvider", ...known];
  if (!r.success) throw optionsError(r.error, keys);
  const all = r.data as Record<string, unknown>;
  const authPart = Object.fromEntries(AUTH_KEYS.filter((k) => all[k] !== undefined).map((k) => [k, all[k]]));
  const op = Object.fromEntries(Object.entries(all).filter(([k]) => !(AUTH_KEYS as string[]).includes(k))) as T;
  if (all.tokenProvider !== undefined) {
    const state = providerState(all.tokenProvider);
    const issues: z.core.$ZodIssue[] = [];
    if (!state) {
      issues.push({
        code: "custom",
        path: ["tokenProvider"],
        message: "must come from createTokenProvider()",
        input: 0,
      });
    }
    for (const k of Object.keys(authPart)) {
      issues.push({ code: "custom", path: [k], message: "give either tokenProvider or the app's options", input: 0 });
    }
    if (issues.length || !state) throw optionsError(new z.ZodError(issues), keys);
    const provider = all.tokenProvider as MailTokenProvider;
    return { op, provider, auth: state.auth, tenantId: state.options.tenantId, clientId: state.options.clientId };
  }
  const a = AuthOptionsSchema.safeParse(authPart);
  if (!a.success) throw optionsError(a.error, keys);
  const provider = buildTokenProvider(a.data as AuthOptions);
  const state = providerState(provider);
  return {
    op,
    provider,
    auth: state?.auth as ResolvedAuth,
    tenantId: a.data.tenantId,
    clientId: a.data.clientId,
  };
}

/** The mail server of a protocol: the options, else the cloud's host and port. */
export function serverOf(protocol: MailProtocol, cloud: Cloud, t: MailboxTarget): MailServer {
  return resolveServer(protocol, cloud, { host: t.host, port: t.port, tls: t.tls });
}

/** The Graph API root (validated like --graph-url) and its host and port. */
export function graphOf(cloud: Cloud, t: MailboxTarget): { url: string; server: MailServer } {
  const url = t.graphUrl ? parseGraphUrl(t.graphUrl, "options.graphUrl") : cloud.graphUrl;
  return { url, server: { ...graphEndpoint(url), tls: "implicit" } };
}
