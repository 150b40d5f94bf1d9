/**
 * What `send` does before connecting: checks the message choice (a raw .eml or composed fields), the recipients,
 * the mailbox and the From address, resolves the settings (through the caller, at the point where their errors
 * come), the SMTP server and whether Graph sends it. Errors are USAGE with the flag names the CLI uses.
 */
import type { Settings } from "../config/settings.js";
import { scopeFor } from "../config/settings.js";
import { type MailServer, resolveServer } from "../diagnose/server.js";
import { XoauthError } from "../errors.js";
import { t } from "../i18n/index.js";
import { parseAddress, parseAddressList } from "./address.js";
import { checkComposeFiles, type Envelope, type OutgoingMessage } from "./message.js";
import { openRawSource } from "./source.js";

/** One send as asked for: the message file (`-` = stdin) or the fields to compose, recipients, server overrides. */
export interface SendRequest {
  protocol?: "smtp" | "graph" | undefined;
  from?: string | undefined;
  to?: string[] | undefined;
  cc?: string[] | undefined;
  bcc?: string[] | undefined;
  subject?: string | undefined;
  body?: string | undefined;
  bodyFile?: string | undefined;
  attach?: string[] | undefined;
  host?: string | undefined;
  port?: string | undefined;
  tls?: string | undefined;
}

export interface PreparedSend {
  settings: Settings;
  mailbox: string;
  server: MailServer;
  envelope: Envelope;
  message: OutgoingMessage;
  /** --timeout in milliseconds. */
  timeoutMs?: number;
  /** --protocol graph: the API root and the token scope. */
  graph?: { url: string; scope: string };
}

/** Graph or SMTP: --protocol, else the account's `protocol: graph`, else SMTP (a pop3/imap account still sends by SMTP). */
function sendsByGraph(flags: SendRequest, settings: Settings): boolean {
  return (flags.protocol ?? (settings.protocol === "graph" ? "graph" : "smtp")) === "graph";
}

export async function prepareSend(
  flags: SendRequest,
  file: string | undefined,
  resolveSettings: () => Promise<Settings>,
  timeoutMs?: number,
): Promise<PreparedSend> {
  const composing = [flags.subject, flags.body, flags.bodyFile].some((v) => v !== undefined) || !!flags.attach?.length;
  if (file !== undefined && composing) {
    throw new XoauthError("USAGE", t("send.usage.fileAndCompose", { file }));
  }
  if (file === undefined && !composing) {
    throw new XoauthError("USAGE", t("send.usage.noMessage"));
  }
  if (flags.body !== undefined && flags.bodyFile !== undefined) {
    throw new XoauthError("USAGE", t("send.usage.bodyTwice"));
  }
  const to = parseAddressList(flags.to, "--to");
  const cc = parseAddressList(flags.cc, "--cc");
  const bcc = parseAddressList(flags.bcc, "--bcc");
  const all = [...new Set([...to, ...cc, ...bcc])];
  if (all.length === 0) throw new XoauthError("USAGE", t("send.usage.noRecipient"));
  const settings = await resolveSettings();
  const mailbox = settings.mailbox;
  if (!mailbox) {
    throw new XoauthError("USAGE", t("send.usage.noMailbox"));
  }
  parseAddress(mailbox, "--mailbox");
  const from = flags.from === undefined ? mailbox : parseAddress(flags.from, "--from");
  const server = resolveServer(
    "smtp",
    settings.cloud,
    { host: flags.host, port: flags.port, tls: flags.tls },
    settings.servers.smtp,
  );
  let message: OutgoingMessage;
  if (file !== undefined) {
    message = { kind: "raw", source: await openRawSource(file) };
  } else {
    const fields = {
      from,
      to,
      cc,
      subject: flags.subject ?? "",
      ...(flags.body !== undefined ? { body: flags.body } : {}),
      ...(flags.bodyFile !== undefined ? { bodyFile: flags.bodyFile } : {}),
      attachments: flags.attach ?? [],
    };
    checkComposeFiles(fields);
    message = { kind: "compose", fields };
  }
  const timeout = timeoutMs !== undefined ? { timeoutMs } : {};
  // The API root and scope as `test --protocol graph` has them (--graph-url > env > config > cloud; Graph's scope).
  const graph = sendsByGraph(flags, settings)
    ? { graph: { url: settings.graphUrl, scope: scopeFor(settings, "graph") } }
    : {};
  return { settings, mailbox, server, envelope: { from, to: all }, message, ...timeout, ...graph };
}

/** The options step's detail: sender, recipient count and what is sent. */
export function optionsDetail(p: PreparedSend): string {
  const m = p.message;
  const message =
    m.kind === "raw"
      ? t("step.detail.message.raw", { source: m.source.name })
      : t("step.detail.message.compose", { attachments: m.fields.attachments.length });
  return t("step.detail.sendOptions", { from: p.envelope.from, count: p.envelope.to.length, message });
}
