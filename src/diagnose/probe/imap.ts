/**
 * IMAP probe over connectImap (imapflow): connect + TLS + greeting + AUTHENTICATE XOAUTH2 happen in one call, so the
 * steps are reconstructed from its timings on success and from the typed error on failure; then LIST + EXAMINE INBOX
 * (RFC 3501 §6.3.8, §6.3.2) and LOGOUT.
 */
import type { XoauthError } from "../../errors.js";
import { toXoauthError } from "../../errors.js";
import { connectImap } from "../../imap/session.js";
import type { ImapSession } from "../../imap/types.js";
import type { StepId } from "../types.js";
import type { Probe } from "./types.js";

/** The step a connectImap failure belongs to. */
function failedStep(err: XoauthError): StepId {
  const cmd = err.details.command ?? "connect";
  switch (err.code) {
    case "TLS_UNTRUSTED":
    case "TLS_HOSTNAME_MISMATCH":
      return "tls";
    case "XOAUTH2_NOT_OFFERED":
      return "greeting";
    case "MAILBOX_ACCESS_DENIED":
    case "MAILBOX_NOT_CONNECTED":
      return "auth";
    case "MAIL_SERVER_UNREACHABLE":
      return "connect";
    default:
      if (cmd.startsWith("AUTHENTICATE")) return "auth";
      if (cmd === "CAPABILITY") return "greeting";
      return "connect";
  }
}

const ORDER: StepId[] = ["connect", "tls", "greeting", "auth"];

export const probeImap: Probe = async (o, rec) => {
  const started = Date.now();
  let session: ImapSession;
  try {
    session = await connectImap({
      host: o.host,
      port: o.port,
      tls: o.tls,
      user: o.mailbox,
      token: o.token,
      ...(o.ca ? { ca: o.ca } : {}),
      ...(o.timeoutMs ? { timeouts: { connectMs: o.timeoutMs, greetingMs: o.timeoutMs, commandMs: o.timeoutMs } } : {}),
      ...(o.onTrace ? { onTrace: (e) => e.dir !== "info" && o.onTrace?.(e.dir === "c" ? "C" : "S", e.line) } : {}),
    });
  } catch (e) {
    const err = toXoauthError(e);
    const at = failedStep(err);
    for (const id of ORDER.slice(0, ORDER.indexOf(at))) rec.add(id, true, 0, "");
    throw rec.fail(at, Date.now() - started, err);
  }
  try {
    const t = session.timings;
    const tlsText = o.tls === "implicit" ? "implicit TLS, certificate trusted" : "STARTTLS, certificate trusted";
    rec.add("connect", true, t.connectMs ?? 0, `${o.host}:${o.port}${o.tls === "implicit" ? " (incl. TLS)" : ""}`);
    rec.add("tls", true, t.starttlsMs ?? 0, tlsText);
    const caps = session.preAuthCapabilities.filter((c) => /^AUTH=|^IMAP4|^SASL-IR/i.test(c)).join(" ");
    rec.add("greeting", true, t.greetingMs ?? 0, caps || "capabilities read");
    rec.add("auth", true, t.authMs ?? 0, `XOAUTH2 accepted for ${o.mailbox}`);
    await rec.run(
      "mailbox",
      async () => {
        const boxes = await session.listMailboxes();
        const inbox = await session.examineInbox();
        return { boxes: boxes.length, exists: inbox.exists };
      },
      (r) => `LIST: ${r.boxes} folders; EXAMINE INBOX: ${r.exists} messages`,
    );
    await rec.run(
      "logout",
      () => session.logout(),
      () => "LOGOUT",
    );
  } finally {
    session.close();
  }
};
