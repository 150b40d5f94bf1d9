/** nodemailer transport with two-step XOAUTH2 (`customAuth`), and `sendMail` with typed errors. */
import nodemailer, { type Transporter } from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport/index.js";
import { connectionOptions } from "./connection.js";
import { mapSmtpError } from "./errors.js";
import { createSmtpObserver } from "./trace.js";
import type { SendInput, SendResult, SmtpOptions } from "./types.js";
import { type Xoauth2AuthState, xoauth2CustomAuth } from "./xoauth2-auth.js";

export interface SmtpTransport {
  transporter: Transporter<SMTPTransport.SentMessageInfo>;
  /** What the last login recorded (typed failure, capabilities). */
  authState: Xoauth2AuthState;
}

/**
 * A nodemailer transport that logs in with our XOAUTH2 handler. `type: "OAuth2"` with a placeholder is needed so
 * nodemailer keeps XOAUTH2 as the method; the placeholder is never sent: the handler asks the provider per login.
 */
export function createSmtpTransport(opts: SmtpOptions): SmtpTransport {
  const obs = createSmtpObserver(opts.onTrace);
  const { customAuth, state } = xoauth2CustomAuth({ ...opts, labelMasked: (l) => obs.maskedLabels.push(l) });
  const transporter = nodemailer.createTransport({
    ...connectionOptions(opts, obs),
    auth: { type: "OAuth2", user: opts.user, accessToken: "unused-see-customAuth" },
    customAuth,
  } as SMTPTransport.Options);
  return { transporter, authState: state };
}

/** Sends one message (raw or composed); rejects with an XoauthError (SEND_AS_DENIED, MAILBOX_ACCESS_DENIED, ...). */
export async function sendMail(opts: SmtpOptions, mail: SendInput): Promise<SendResult> {
  const { transporter, authState } = createSmtpTransport(opts);
  try {
    const envelope = { from: mail.from, to: mail.to };
    const info = await transporter.sendMail(
      mail.raw !== undefined
        ? { envelope, raw: mail.raw }
        : { envelope, from: mail.from, to: mail.to, subject: mail.subject ?? "", text: mail.text ?? "" },
    );
    return {
      messageId: info.messageId,
      response: info.response,
      accepted: info.accepted.map(String),
      rejected: info.rejected.map(String),
    };
  } catch (err) {
    const e = err as { command?: string };
    throw mapSmtpError(authState.error ?? err, {
      host: opts.host,
      port: opts.port,
      user: opts.user,
      command: e.command ?? "send",
    });
  } finally {
    transporter.close();
  }
}
