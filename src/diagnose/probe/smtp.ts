/**
 * SMTP probe over smtpLoginCheck (nodemailer, two-step AUTH XOAUTH2): connect -> STARTTLS (RFC 3207) -> EHLO ->
 * AUTH -> EHLO again; then, with --send-test-to, one short test message over a second connection.
 */
import { toXoauthError, type XoauthError } from "../../errors.js";
import { sendMail, smtpLoginCheck } from "../../smtp/index.js";
import type { SmtpOptions } from "../../smtp/types.js";
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
import type { Probe, ProbeOptions } from "./types.js";

/** The `test` step an SMTP login failure belongs to (also used by `send`). */
export function failedStep(err: XoauthError): StepId {
  const common = commonFailedStep(err);
  if (common) return common;
  if (err.code === "SMTP_AUTH_DISABLED") return "auth";
  const cmd = (err.details.command ?? "connect").toUpperCase();
  if (cmd.startsWith("AUTH")) return "auth";
  if (cmd.startsWith("STARTTLS")) return "tls";
  if (cmd.startsWith("EHLO") || cmd.startsWith("HELO")) return "greeting";
  return err.code === "PROTOCOL_ERROR" ? "greeting" : "connect";
}

function smtpOptions(o: ProbeOptions, phases: PhaseTracker): SmtpOptions {
  return tracedLoginOptions(o, phases);
}

/** Kept here for `send` (src/send/run.ts imports it from this module). */
export { loginDetails };

function testMessage(from: string, to: string): string {
  const date = new Date().toUTCString().replace("GMT", "+0000");
  return [
    `From: <${from}>`,
    `To: <${to}>`,
    "Subject: xoauth-mail test message",
    `Date: ${date}`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    `This message was sent by \`xoauth-mail test\` to check that ${from} can send over SMTP with OAuth 2.0.`,
    "",
  ].join("\r\n");
}

export const probeSmtp: Probe = async (o, rec) => {
  const phases = new PhaseTracker();
  const t = phases.times;
  const opts = smtpOptions(o, phases);
  const implicit = o.tls === "implicit";
  let result: Awaited<ReturnType<typeof smtpLoginCheck>>;
  try {
    result = await smtpLoginCheck(opts);
  } catch (e) {
    const err = toXoauthError(e);
    const at = failedStep(err);
    recordLoginSteps(rec, t, implicit, loginDetails(o.host, o.port, o.tls, t), at);
    throw rec.fail(at, Date.now() - failedStepStart(t, at, implicit), err);
  }
  const details = loginDetails(o.host, o.port, o.tls, t);
  if (result.authMechanisms.length) details.greeting = `AUTH ${result.authMechanisms.join(" ")}`;
  recordLoginSteps(rec, t, implicit, details, "auth");
  const auth = result.authReply || diagUi("step.detail.xoauth2Accepted", { mailbox: o.mailbox });
  if (result.timings.authMs === undefined) rec.unmeasured("auth", auth);
  else rec.add("auth", true, result.timings.authMs, auth);
  const ext = result.postAuthExtensions.slice(0, 6).join(" ") || "-";
  rec.unmeasured("mailbox", diagUi("step.detail.ehloAfterAuth", { extensions: ext }));
  if (o.sendTestTo) {
    const to = o.sendTestTo;
    await rec.run(
      "send",
      () =>
        sendMail(smtpOptions(o, new PhaseTracker()), { from: o.mailbox, to: [to], raw: testMessage(o.mailbox, to) }),
      (r) => diagUi("step.detail.sentTo", { to, response: r.response }),
    );
  }
  rec.unmeasured("logout", "QUIT");
};
