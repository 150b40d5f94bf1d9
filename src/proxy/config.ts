/**
 * The `proxy:` section of the config file (zod). src/config keeps unknown top-level keys, so this schema parses
 * `raw.proxy` on its own; `resolveListeners` fills upstream defaults per cloud and enforces the TLS policy.
 */
import { isIP } from "node:net";
import { createSecureContext } from "node:tls";
import { z } from "zod";
import { CLOUDS, type CloudName } from "../auth/clouds.js";
import { readBoundedFile, readPrivateFile } from "../config/secrets.js";
import { XoauthError } from "../errors.js";
import { t } from "../i18n/index.js";
import type { ServerTlsMode } from "../net/types.js";
import { parsePasswordHash } from "./password.js";

export const ProxyProtocolSchema = z.enum(["pop3", "imap", "smtp"]);
export type ProxyProtocol = z.infer<typeof ProxyProtocolSchema>;
export const LocalTlsSchema = z.enum(["none", "implicit", "starttls"]);
export type LocalTls = z.infer<typeof LocalTlsSchema>;

export const ListenerSchema = z.strictObject({
  name: z.string().min(1).max(64),
  protocol: ProxyProtocolSchema,
  listen: z.strictObject({
    host: z.string().min(1).default("127.0.0.1"),
    port: z.number().int().min(0).max(65535),
  }),
  localTls: LocalTlsSchema.default("none"),
  cert: z.string().min(1).optional().describe("PEM certificate (chain) file for local TLS"),
  key: z.string().min(1).optional().describe("PEM private key file for local TLS"),
  maxConnections: z.number().int().min(1).max(10_000).default(100),
  upstream: z
    .union([
      z
        .literal("graph")
        .describe("SMTP: send each message through Graph sendMail; POP3: serve one mail folder read through Graph"),
      z.strictObject({
        host: z.string().min(1).optional(),
        port: z.number().int().min(1).max(65535).optional(),
        tls: z.enum(["implicit", "starttls"]).optional(),
      }),
    ])
    .default({}),
  folder: z
    .string()
    .min(1)
    .max(1024)
    .optional()
    .describe("POP3 listeners with upstream: graph: the folder served (well-known name or path; default inbox)"),
  deleteTo: z
    .string()
    .min(1)
    .max(1024)
    .optional()
    .describe("POP3 listeners with upstream: graph: where DELE moves messages at QUIT (default deleteditems)"),
});
export type ListenerConfig = z.infer<typeof ListenerSchema>;

export const ProxyUserSchema = z.strictObject({
  username: z.string().min(1).max(256),
  passwordHash: z.string().min(1),
  account: z.string().min(1).describe("Name of an account (tenant, client, secret, mailbox) in `accounts`"),
  sendAs: z
    .array(
      z
        .string()
        .min(3)
        .max(256)
        .regex(/^[^\s<>@]+@[^\s<>@]+$/, "an e-mail address"),
    )
    .max(100)
    .optional()
    .describe("Graph SMTP listeners: MAIL FROM addresses besides the mailbox (the mailbox needs Send As on them)"),
});
export type ProxyUserConfig = z.infer<typeof ProxyUserSchema>;

export const ProxySectionSchema = z.strictObject({
  cloud: z.enum(["global", "usgov", "china"]).optional(),
  authFailureDelayMs: z.number().int().min(0).max(30_000).default(1000),
  listeners: z.array(ListenerSchema).min(1),
  users: z.array(ProxyUserSchema).min(1),
});
export type ProxySection = z.infer<typeof ProxySectionSchema>;

export interface UpstreamTarget {
  host: string;
  port: number;
  tls: ServerTlsMode;
  /**
   * `upstream: graph`: no mail server login (host/port unused). SMTP: each message goes through Graph sendMail; POP3:
   * the proxy serves `folder` read through Graph and moves deleted messages to `deleteTo`.
   */
  graph?: true;
  folder?: string;
  deleteTo?: string;
}

/** A listener with every default filled in. */
export interface ResolvedListener extends Omit<ListenerConfig, "upstream"> {
  upstream: UpstreamTarget;
}

/** Microsoft's endpoints for each protocol (POP3 outlook.office365.com:995, IMAP :993, SMTP smtp.office365.com:587 STARTTLS: docs/exchange-behaviour.md sections 4 and 6). */
export function defaultUpstream(protocol: ProxyProtocol, cloud: CloudName = "global"): UpstreamTarget {
  const c = CLOUDS[cloud];
  if (protocol === "pop3") return { host: c.pop3Host, port: 995, tls: "implicit" };
  if (protocol === "imap") return { host: c.imapHost, port: 993, tls: "implicit" };
  return { host: c.smtpHost, port: 587, tls: "starttls" };
}

export function isLoopback(host: string): boolean {
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1" || host === "::ffff:127.0.0.1";
}

function bad(msg: string): XoauthError {
  return new XoauthError("CONFIG_INVALID", msg);
}

/** `listeners[1] (smtp-lan).localTls` for an issue path; names the listener or user when the data has one. */
function issuePath(data: unknown, path: PropertyKey[]): string {
  let out = "proxy";
  let node: unknown = data;
  for (const p of path) {
    node = node && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[p] : undefined;
    if (typeof p === "number") {
      const o = node as { name?: unknown; username?: unknown } | undefined;
      const label = typeof o?.name === "string" ? o.name : typeof o?.username === "string" ? o.username : undefined;
      out += `[${p}]${label ? ` (${label})` : ""}`;
    } else {
      out += `.${String(p)}`;
    }
  }
  return out;
}

/** Parses the `proxy:` section; throws CONFIG_INVALID naming the offending field. */
export function parseProxySection(data: unknown): ProxySection {
  if (data === undefined || data === null) {
    throw bad("The config file has no proxy: section (listeners and users); see docs/proxy.md.");
  }
  const r = ProxySectionSchema.safeParse(data);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${issuePath(data, i.path)}: ${i.message}`).join("; ");
    throw bad(`The proxy section of the config is invalid: ${issues}`);
  }
  return r.data;
}

/**
 * Reads each TLS listener's cert and key (bounded) and checks that they form a usable pair, so a missing file or a
 * key that does not match its certificate stops the start with CONFIG_INVALID instead of failing the first client.
 */
export function loadListenerTls(listeners: readonly ResolvedListener[]): Record<string, { cert: string; key: string }> {
  const out: Record<string, { cert: string; key: string }> = {};
  for (const l of listeners) {
    if (l.localTls === "none" || !l.cert || !l.key) continue;
    const where = `proxy.listeners.${l.name}`;
    const pem = {
      cert: readBoundedFile(l.cert, "certificate", `${where}.cert`),
      key: readPrivateFile(l.key, "private key", `${where}.key`), // refused when others can read it
    };
    try {
      createSecureContext(pem);
    } catch (e) {
      throw new XoauthError(
        "CONFIG_INVALID",
        `${where}: the cert ${l.cert} and key ${l.key} are not a usable PEM certificate and matching private key ` +
          `(${(e as Error).message}).`,
        { cause: e, details: { params: { path: l.cert } } },
      );
    }
    out[l.name] = pem;
  }
  return out;
}

/** Fills defaults and enforces policy: no password over the network in clear, unique names, valid hashes. */
export function resolveListeners(section: ProxySection, knownAccounts: ReadonlySet<string>): ResolvedListener[] {
  const names = new Set<string>();
  const out: ResolvedListener[] = [];
  for (const l of section.listeners) {
    if (names.has(l.name)) throw bad(`proxy.listeners: the name "${l.name}" is used twice.`);
    names.add(l.name);
    if (l.localTls === "none" && !isLoopback(l.listen.host)) {
      throw bad(
        `proxy.listeners.${l.name}: listening on ${l.listen.host} without local TLS would send passwords in clear; ` +
          "set localTls: implicit or starttls (with cert and key), or listen on 127.0.0.1.",
      );
    }
    if (l.localTls !== "none" && (!l.cert || !l.key)) {
      throw bad(`proxy.listeners.${l.name}: localTls ${l.localTls} needs cert and key files.`);
    }
    const d = defaultUpstream(l.protocol, section.cloud);
    const pop3Graph = l.upstream === "graph" && l.protocol === "pop3";
    if ((l.folder !== undefined || l.deleteTo !== undefined) && !pop3Graph) {
      throw bad(t("proxy.graph.folderPop3Only", { name: l.name }));
    }
    if (l.upstream === "graph") {
      if (l.protocol === "imap") throw bad(t("proxy.graph.imap", { name: l.name }));
      const { folder, deleteTo, ...rest } = l;
      const pop3 = pop3Graph ? { folder: folder ?? "inbox", deleteTo: deleteTo ?? "deleteditems" } : {};
      out.push({ ...rest, upstream: { ...d, graph: true, ...pop3 } });
      continue;
    }
    const upstream: UpstreamTarget = {
      host: l.upstream.host ?? d.host,
      port: l.upstream.port ?? d.port,
      tls: l.upstream.tls ?? d.tls,
    };
    out.push({ ...l, upstream });
  }
  const users = new Set<string>();
  for (const u of section.users) {
    if (users.has(u.username)) throw bad(`proxy.users: the user name "${u.username}" is used twice.`);
    users.add(u.username);
    try {
      parsePasswordHash(u.passwordHash);
    } catch (e) {
      throw bad(`proxy.users.${u.username}.passwordHash: ${(e as Error).message}`);
    }
    if (!knownAccounts.has(u.account)) {
      const known = [...knownAccounts].join(", ") || "none";
      throw bad(`proxy.users.${u.username}: account "${u.account}" is not defined under accounts (defined: ${known}).`);
    }
  }
  return out;
}
