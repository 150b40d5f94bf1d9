/** Every fuzz target, in the order `npm run fuzz` runs them. */
import type { FuzzTarget } from "../fuzz-runner.js";
import { config } from "./config.js";
import { imapClient, imapParser, imapUtf7 } from "./imap-client.js";
import { pop3Body, pop3Framer, pop3Parser } from "./pop3.js";
import { proxyImap, proxyPop3, proxySmtp } from "./proxy.js";
import { sandboxImap } from "./sandbox.js";
import { sasl } from "./sasl.js";
import { smtpReplies, smtpXoauth2 } from "./smtp.js";
import { aadsts, durations, jwtClaims } from "./user-input.js";

export const TARGETS: readonly FuzzTarget[] = [
  pop3Framer,
  pop3Parser,
  pop3Body,
  imapClient,
  imapParser,
  imapUtf7,
  smtpReplies,
  smtpXoauth2,
  proxyPop3,
  proxyImap,
  proxySmtp,
  sasl,
  sandboxImap,
  config,
  durations,
  jwtClaims,
  aadsts,
];
