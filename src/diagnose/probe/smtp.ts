/**
 * SMTP probe over smtpLoginCheck (nodemailer, two-step AUTH XOAUTH2): connect -> STARTTLS (RFC 3207) -> EHLO ->
 * AUTH -> EHLO again; then, with --send-test-to, one short test message over a second connection.
 */
import { toXoauthError, type XoauthError } from "../../errors.js";
import { sendMail, smtpLoginCheck } from "../../smtp/index.js";
import type { SmtpOptions } from "../../smtp/types.js";
import type { StepId } from "../types.js";
import type { Probe, ProbeOptions } from "./types.js";

/** The `test` step an SMTP login failure belongs to (also used by `send`). */
export function failedStep(err: XoauthError): StepId {
  const cmd = (err.details.command ?? "connect").toUpperCase();
  switch (err.code) {
    case "TLS_UNTRUSTED":
    case "TLS_HOSTNAME_MISMATCH":
      return "tls";
    case "XOAUTH2_NOT_OFFERED":
      return "greeting";
    case "MAILBOX_ACCESS_DENIED":
    case "SMTP_AUTH_DISABLED":
      return "auth";
    case "MAIL_SERVER_UNREACHABLE":
      return "connect";
    default:
      if (cmd.startsWith("AUTH")) return "auth";
      if (cmd.startsWith("STARTTLS")) return "tls";
      if (cmd.startsWith("EHLO") || cmd.startsWith("HELO")) return "greeting";
      return err.code === "PROTOCOL_ERROR" ? "greeting" : "connect";
  }
}

const ORDER: StepId[] = ["connect", "tls", "greeting", "auth"];

function smtpOptions(o: ProbeOptions): SmtpOptions {
  return {
    host: o.host,
    port: o.port,
    tls: o.tls,
    user: o.mailbox,
    token: o.token,
    ...(o.ca ? { ca: o.ca } : {}),
    ...(o.timeoutMs ? { timeouts: { connectMs: o.timeoutMs, greetingMs: o.timeoutMs, commandMs: o.timeoutMs } } : {}),
    ...(o.onTrace ? { onTrace: (e) => e.dir !== "info" && o.onTrace?.(e.dir === "c" ? "C" : "S", e.line) } : {}),
  };
}

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
  const started = Date.now();
  const opts = smtpOptions(o);
  let result: Awaited<ReturnType<typeof smtpLoginCheck>>;
  try {
    result = await smtpLoginCheck(opts);
  } catch (e) {
    const err = toXoauthError(e);
    const at = failedStep(err);
    for (const id of ORDER.slice(0, ORDER.indexOf(at))) rec.add(id, true, 0, "");
    throw rec.fail(at, Date.now() - started, err);
  }
  const t = result.timings;
  rec.add("connect", true, t.connectMs ?? 0, `${o.host}:${o.port}${o.tls === "implicit" ? " (incl. TLS)" : ""}`);
  rec.add(
    "tls",
    true,
    t.starttlsMs ?? 0,
    o.tls === "implicit" ? "implicit TLS, certificate trusted" : "STARTTLS, certificate trusted",
  );
  rec.add("greeting", true, t.greetingMs ?? 0, `AUTH ${result.authMechanisms.join(" ") || "-"}`);
  rec.add("auth", true, t.authMs ?? 0, result.authReply || `XOAUTH2 accepted for ${o.mailbox}`);
  rec.add("mailbox", true, 0, `EHLO after AUTH: ${result.postAuthExtensions.slice(0, 6).join(" ") || "-"}`);
  if (o.sendTestTo) {
    const to = o.sendTestTo;
    await rec.run(
      "send",
      () => sendMail(opts, { from: o.mailbox, to: [to], raw: testMessage(o.mailbox, to) }),
      (r) => `sent to ${to}: ${r.response}`,
    );
  }
  rec.add("logout", true, 0, "QUIT");
};
