/**
 * IMAP probe over connectImap (imapflow): connect + TLS + greeting + AUTHENTICATE XOAUTH2 happen in one call, so the
 * steps are timed from the transcript events (src/diagnose/probe/phases.ts), also on failure; then LIST + EXAMINE INBOX
 * (RFC 3501 §6.3.8, §6.3.2) and LOGOUT.
 */
import type { XoauthError } from "../../errors.js";
import { toXoauthError } from "../../errors.js";
import { connectImap } from "../../imap/session.js";
import type { ImapSession } from "../../imap/types.js";
import { diagUi } from "../text.js";
import type { StepId } from "../types.js";
import { failedStepStart, PhaseTracker, recordLoginSteps } from "./phases.js";
import { loginDetails } from "./smtp.js";
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

export const probeImap: Probe = async (o, rec) => {
  const phases = new PhaseTracker();
  const t = phases.times;
  const implicit = o.tls === "implicit";
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
      onTrace: (e) => {
        phases.observe(e);
        if (e.dir !== "info") o.onTrace?.(e.dir === "c" ? "C" : "S", e.line);
      },
    });
  } catch (e) {
    const err = toXoauthError(e);
    const at = failedStep(err);
    recordLoginSteps(rec, t, implicit, loginDetails(o.host, o.port, o.tls, t), at);
    throw rec.fail(at, Date.now() - failedStepStart(t, at, implicit), err);
  }
  try {
    const details = loginDetails(o.host, o.port, o.tls, t);
    const caps = session.preAuthCapabilities.filter((c) => /^AUTH=|^IMAP4|^SASL-IR/i.test(c)).join(" ");
    details.greeting = caps || diagUi("step.detail.capsRead");
    recordLoginSteps(rec, t, implicit, details, "auth");
    const auth = diagUi("step.detail.xoauth2Accepted", { mailbox: o.mailbox });
    if (session.timings.authMs === undefined) rec.unmeasured("auth", auth);
    else rec.add("auth", true, session.timings.authMs, auth);
    await rec.run(
      "mailbox",
      async () => {
        const boxes = await session.listMailboxes();
        const inbox = await session.examineInbox();
        return { boxes: boxes.length, exists: inbox.exists };
      },
      (r) => diagUi("step.detail.imapMailbox", r),
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
