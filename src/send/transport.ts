/** Sends one message over a nodemailer transport with two-step XOAUTH2 (src/smtp), mapping failures to typed errors. */
import type { XoauthError } from "../errors.js";
import { createSmtpTransport, mapSmtpError, type SmtpOptions } from "../smtp/index.js";
import { type Envelope, mailOptions, type OutgoingMessage } from "./message.js";

export interface SentMessage {
  /** The Message-ID header of the message sent (the .eml's own for a raw message). */
  messageId: string | undefined;
  envelope: Envelope;
  /** The server's reply to the end of DATA, e.g. `250 2.0.0 OK`. */
  response: string;
  accepted: string[];
  rejected: string[];
}

/** A failed send: the typed error, and whether the login had already succeeded (then the `send` step failed). */
export class SendFailed extends Error {
  constructor(
    readonly error: XoauthError,
    readonly afterLogin: boolean,
  ) {
    super(error.message);
  }
}

/** Logs in (XOAUTH2), sends `msg` to `envelope`, quits. Rejects with SendFailed. */
export async function sendOne(opts: SmtpOptions, msg: OutgoingMessage, envelope: Envelope): Promise<SentMessage> {
  const { transporter, authState } = createSmtpTransport(opts);
  try {
    const info = await transporter.sendMail(mailOptions(msg, envelope));
    return {
      messageId: msg.kind === "raw" ? msg.source.messageId : info.messageId,
      envelope,
      response: String(info.response ?? "").trim(),
      accepted: info.accepted.map(String),
      rejected: info.rejected.map(String),
    };
  } catch (err) {
    const local = msg.kind === "raw" ? msg.source.error() : undefined;
    const command = (err as { command?: string }).command;
    const mapped =
      local ??
      mapSmtpError(authState.error ?? err, {
        host: opts.host,
        port: opts.port,
        user: opts.user,
        command: command ?? (authState.authDoneAt !== undefined ? "DATA" : "connect"),
      });
    throw new SendFailed(mapped, authState.authDoneAt !== undefined);
  } finally {
    transporter.close();
  }
}
