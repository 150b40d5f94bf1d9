/** SMTP client: two-step XOAUTH2 login check and sending, over nodemailer. */
export { caList, smtpLoginCheck } from "./connection.js";
export { classifySmtpReply, mapSmtpError, type SmtpErrorContext } from "./errors.js";
export { createSmtpObserver, type SmtpObserver } from "./trace.js";
export { createSmtpTransport, type SmtpTransport, sendMail } from "./transport.js";
export type {
  SendInput,
  SendResult,
  SmtpLoginResult,
  SmtpOptions,
  SmtpTimings,
} from "./types.js";
export { ehloKeywords, type Xoauth2AuthState, xoauth2CustomAuth } from "./xoauth2-auth.js";
