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
import {
  commonFailedStep,
  failedStepStart,
  loginDetails,
  PhaseTracker,
  recordLoginSteps,
  tracedLoginOptions,
} from "./phases.js";
import type { Probe } from "./types.js";

/** The step a connectImap failure belongs to. */
function failedStep(err: XoauthError): StepId {
  const common = commonFailedStep(err);
  if (common) return common;
  if (err.code === "MAILBOX_NOT_CONNECTED") return "auth";
  const cmd = err.details.command ?? "connect";
  if (cmd.startsWith("AUTHENTICATE")) return "auth";
  if (cmd === "CAPABILITY") return "greeting";
  if (cmd === "STARTTLS") return "tls";
  return "connect";
}

export const probeImap: Probe = async (o, rec) => {
  const phases = new PhaseTracker();
  const t = phases.times;
  const implicit = o.tls === "implicit";
  let session: ImapSession;
  try {
    session = await connectImap(tracedLoginOptions(o, phases));
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
