/**
 * `createTransport(options)`: a nodemailer transport (pass it to `nodemailer.createTransport(...)`) that sends each
 * message over SMTP submission, logging in with XOAUTH2 with a token from our provider (asked at each login, cached
 * per audience), or through Microsoft Graph (`protocol: "graph"`). nodemailer builds the message and the envelope;
 * we deliver the bytes. Failures reach nodemailer's callback / promise as typed XoauthErrors (`err.code`).
 */
import type { Readable } from "node:stream";
import { packageVersion } from "../version.js";
import { explained } from "./explain.js";
import { type Credentials, parseOperation } from "./operation.js";
import { deliveryTarget, loadDelivery, type SendOptions, type SendReport, sendShape } from "./send-mail.js";

/** What nodemailer hands a transport: the built message (the subset we use). */
export interface TransportMail {
  message: {
    getEnvelope(): { from: string | false; to: string[] };
    messageId(): string;
    createReadStream(): Readable;
  };
}

/** A nodemailer transport object (nodemailer's `Transport` interface). */
export interface MailTransport {
  name: string;
  version: string;
  send(mail: TransportMail, callback: (err: Error | null, info: SendReport) => void): void;
  /** Gets a token for the protocol (checks the app's credentials); nodemailer's `transporter.verify()`. */
  verify(): Promise<true>;
  verify(callback: (err: Error | null, success: true) => void): void;
  close(): void;
}

export function createTransport(options: Omit<SendOptions, "envelope"> & Credentials): MailTransport {
  const o = parseOperation<SendOptions>(sendShape, options);
  const target = deliveryTarget(o);
  return {
    name: "xoauth-mail",
    version: packageVersion(),
    send(mail, callback) {
      const env = mail.message.getEnvelope();
      const envelope = { from: env.from || target.mailbox, to: env.to };
      loadDelivery()
        .then(({ deliverMime }) => deliverMime(target, mail.message.createReadStream(), envelope))
        .then(
          (info) => callback(null, info),
          (err: Error) => callback(explained(err), undefined as unknown as SendReport),
        );
    },
    // biome-ignore lint/suspicious/noExplicitAny: one implementation of both overloads (promise / callback)
    verify(callback?: (err: Error | null, success: true) => void): any {
      const p = target.tokens.getToken().then(() => true as const);
      if (!callback) return p;
      p.then(
        () => callback(null, true),
        (err: Error) => callback(err, true),
      );
      return undefined;
    },
    close() {},
  };
}
