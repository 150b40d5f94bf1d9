/**
 * The distinct replies Exchange Online (and, for the same meaning, Dovecot 2.3 and the RFC example texts) sends at
 * login and in a session: what a classifier can know from the wire alone. Matchers run on normalised lines
 * (IMAP: without the tag or `*`, see normaliseReply in contract.ts).
 */
import { SRC } from "./sources.js";
import type { ReplyRow } from "./types.js";

const NOT_MAX_CONN = "(?! Maximum number of connections\\b)";

export const REPLIES: readonly ReplyRow[] = [
  {
    id: "auth-failed",
    title: "XOAUTH2 login refused (generic: Exchange does not say why)",
    code: "MAILBOX_ACCESS_DENIED",
    kind: "permanent",
    protocols: {
      pop3: {
        steps: ["auth"],
        exchange: ["-ERR Authentication failure: unknown user name or bad password."],
        others: [{ server: "Dovecot 2.3", lines: ["-ERR [AUTH] Authentication failed."] }],
        match: /^-ERR (?:\[AUTH\] )?(?:Authentication failure\b|Authentication failed\b|Logon failure\b)/i,
        sources: [
          SRC.rfc5034,
          "https://github.com/ditesh/node-poplib/issues/34",
          "UNCONFIRMED: today's exact wording (older transcripts show `-ERR Logon failure: unknown user name or bad password.`)",
          SRC.dovecotObserved,
        ],
      },
      imap: {
        steps: ["auth"],
        exchange: ["{tag} NO AUTHENTICATE failed."],
        others: [{ server: "Dovecot 2.3", lines: ["{tag} NO [AUTHENTICATIONFAILED] Authentication failed."] }],
        match: /^NO (?:\[AUTHENTICATIONFAILED\].*|(?:AUTHENTICATE|LOGIN) failed\.?)$/i,
        sources: [SRC.tokenExpiredImapsync, SRC.rfc5530, SRC.dovecotObserved],
      },
      smtp: {
        steps: ["auth"],
        exchange: ["535 5.7.3 Authentication unsuccessful [{host}]"],
        others: [{ server: "Dovecot 2.3", lines: ["535 5.7.8 Authentication failed."] }],
        match: /^535(?:[ -](?!5\.7\.139\b)|$)/,
        sources: [
          SRC.rfc4954,
          "UNCONFIRMED: 5.7.3 wording only from public transcripts, no Microsoft page",
          SRC.dovecotObserved,
        ],
      },
    },
  },
  {
    id: "not-connected",
    title: "Logged in, but the mailbox cannot be opened (IMAP only)",
    code: "MAILBOX_NOT_CONNECTED",
    kind: "permanent",
    protocols: {
      imap: {
        steps: ["mailbox", "session"],
        exchange: ["{tag} BAD User is authenticated but not connected."],
        others: [{ server: "xoauth-mail proxy (RFC 5530)", lines: ["{tag} NO [AUTHORIZATIONFAILED] ..."] }],
        match: /^(?:BAD|NO) User is authenticated but not connected\b|^NO \[AUTHORIZATIONFAILED\]/i,
        sources: [SRC.notConnected74, SRC.notConnectedGetmail, SRC.rfc5530],
      },
    },
  },
  {
    id: "smtp-auth-disabled-tenant",
    title: "SMTP AUTH is turned off for the whole organisation",
    code: "SMTP_AUTH_DISABLED",
    kind: "permanent",
    protocols: {
      smtp: {
        steps: ["auth"],
        exchange: [
          "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. [{host}]",
        ],
        match: /^535[ -]5\.7\.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant\b/i,
        sources: [SRC.msSmtpAuth],
      },
    },
  },
  {
    id: "smtp-auth-disabled-mailbox",
    title: "SMTP AUTH is turned off for this mailbox",
    code: "SMTP_AUTH_DISABLED",
    kind: "permanent",
    protocols: {
      smtp: {
        steps: ["auth"],
        exchange: [
          "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information. [{host}]",
        ],
        match:
          /^535[ -]5\.7\.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the (?:Mailbox|User)\b/i,
        sources: [SRC.msSmtpAuth, SRC.msCasMailbox, "UNCONFIRMED: the exact per-mailbox wording"],
      },
    },
  },
  {
    id: "smtp-auth-refused",
    title: "SMTP AUTH refused by a policy (any other 535 5.7.139)",
    code: "SMTP_AUTH_DISABLED",
    kind: "permanent",
    protocols: {
      smtp: {
        steps: ["auth"],
        exchange: ["535 5.7.139 Authentication unsuccessful, basic authentication is disabled. [{host}]"],
        others: [
          {
            server: "Exchange Online (reported)",
            lines: [
              "535 5.7.139 Authentication unsuccessful, the request did not meet the criteria to be authenticated successfully.",
            ],
          },
        ],
        match: /^535[ -]5\.7\.139\b(?!.*SmtpClientAuthentication is disabled for the (?:Tenant|Mailbox|User)\b)/i,
        sources: [
          "https://docs.bookyourpto.com/features/smtp-troubleshoot",
          "UNCONFIRMED: the `basic authentication is disabled` wording",
        ],
      },
    },
  },
  {
    id: "send-as-denied",
    title: "The principal may not send as the From address",
    code: "SEND_AS_DENIED",
    kind: "permanent",
    protocols: {
      smtp: {
        steps: ["mail-from", "data"],
        exchange: [
          "554 5.2.252 SendAsDenied; {user} not allowed to send as {from}; STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message [BeginDiagnosticData]Cannot submit message. 0.35250:0A00C184, 1.36674:0A000000, 1.61250:00000000, 1.45378:02000000, 1.44866:00000000, 1.36674:0E000000, 1.61250:00000000, 1.45378:00000000, 1.44866:00000000, 16.55847:1B000000[EndDiagnosticData] [Hostname={host}]",
        ],
        match: /^5\d\d[ -](?:5\.2\.252\b|5\.7\.60\b|.*\bSendAsDenied)/i,
        sources: [SRC.sendAsDenied, SRC.msRecipientPermission],
      },
    },
  },
  {
    id: "session-expired",
    title: "The login token expired during the session",
    code: "TOKEN_EXPIRED",
    kind: "temporary",
    protocols: {
      imap: {
        steps: ["session"],
        exchange: ["* BYE Session invalidated - AccessTokenExpired"],
        match: /^BYE Session invalidated - AccessTokenExpired\b/i,
        sources: [SRC.tokenExpiredImapsync, SRC.tokenExpiredImapBackup],
      },
    },
  },
  {
    id: "connection-limit",
    title: "Too many connections of this user (from this address)",
    code: "SERVER_BUSY",
    kind: "temporary",
    protocols: {
      pop3: {
        steps: ["auth"],
        others: [
          {
            server: "Dovecot 2.3",
            lines: [
              "-ERR [IN-USE] Maximum number of connections from user+IP exceeded (mail_max_userip_connections={limit})",
            ],
          },
        ],
        match: /^-ERR \[IN-USE\] Maximum number of connections\b/i,
        sources: [SRC.dovecotObserved, SRC.rfc2449, "UNCONFIRMED: Exchange Online's limit and wording"],
      },
      imap: {
        steps: ["auth"],
        others: [
          {
            server: "Dovecot 2.3",
            lines: [
              "{tag} NO [LIMIT] Maximum number of connections from user+IP exceeded (mail_max_userip_connections={limit})",
            ],
          },
          {
            server: "Dovecot 2.2",
            lines: [
              "{tag} NO [UNAVAILABLE] Maximum number of connections from user+IP exceeded (mail_max_userip_connections={limit})",
            ],
          },
        ],
        // the response code is optional: some clients report the text without it
        match: /^NO (?:\[(?:LIMIT|UNAVAILABLE)\] )?Maximum number of connections\b/i,
        sources: [SRC.dovecotObserved, SRC.dovecotUnavailable, SRC.rfc5530, SRC.notConnectedChurn],
      },
      smtp: {
        steps: ["auth"],
        others: [
          {
            server: "Dovecot 2.3 (submission)",
            lines: [
              "421 4.7.0 Maximum number of connections from user+IP exceeded (mail_max_userip_connections={limit})",
            ],
          },
        ],
        match: /^421[ -]4\.7\.0 Maximum number of connections\b/i,
        sources: [SRC.dovecotObserved, "UNCONFIRMED: Exchange Online's limit and wording"],
      },
    },
  },
  {
    id: "server-busy",
    title: "The server refuses for now (throttled, unavailable, in use)",
    code: "SERVER_BUSY",
    kind: "temporary",
    protocols: {
      pop3: {
        steps: ["greeting", "auth", "session"],
        exchange: ["-ERR Server Unavailable. 21"],
        others: [{ server: "RFC 3206", lines: ["-ERR [SYS/TEMP] ..."] }],
        match: new RegExp(`^-ERR (?:\\[SYS/TEMP\\]|\\[IN-USE\\]${NOT_MAX_CONN}|Server Unavailable\\b)`, "i"),
        sources: [SRC.popUnavailable, SRC.rfc3206, SRC.rfc2449],
      },
      imap: {
        steps: ["greeting", "auth", "mailbox", "session"],
        exchange: ["{tag} BAD Request is throttled. Suggested Backoff Time: {ms} milliseconds"],
        others: [{ server: "RFC 5530", lines: ["{tag} NO [UNAVAILABLE] ..."] }],
        match: new RegExp(
          `^(?:BAD|NO) Request is throttled\\b|^NO \\[(?:UNAVAILABLE|INUSE|LIMIT)\\]${NOT_MAX_CONN}|^BYE Too many connections\\b`,
          "i",
        ),
        sources: [SRC.imapThrottled, SRC.rfc5530, "UNCONFIRMED: whether Exchange sends the throttling line tagged"],
      },
      smtp: {
        steps: ["greeting", "auth", "mail-from", "data"],
        others: [
          { server: "RFC 5321", lines: ["421 4.3.2 Service not available, closing transmission channel"] },
          { server: "RFC 4954", lines: ["454 4.7.0 Temporary authentication failure"] },
        ],
        match: /^4\d\d(?:[ -](?!4\.7\.0 Maximum number of connections\b)|$)/,
        sources: [SRC.rfc5321, SRC.rfc4954, "UNCONFIRMED: Exchange Online's wording"],
      },
    },
  },
  {
    id: "mechanism-unsupported",
    title: "The server does not take AUTH XOAUTH2",
    code: "XOAUTH2_NOT_OFFERED",
    kind: "permanent",
    protocols: {
      pop3: {
        steps: ["auth"],
        others: [{ server: "Dovecot 2.3", lines: ["-ERR [AUTH] Unsupported authentication mechanism."] }],
        match: /^-ERR (?:\[AUTH\] )?Unsupported (?:authentication|SASL) mechanism\b/i,
        sources: [SRC.rfc5034, SRC.dovecotObserved],
      },
      imap: {
        steps: ["auth"],
        others: [{ server: "Dovecot 2.3", lines: ["{tag} NO [ALERT] Unsupported authentication mechanism."] }],
        match: /^(?:NO|BAD) (?:\[[A-Z-]+\] )?Unsupported (?:authentication|SASL) mechanism\b/i,
        sources: [SRC.rfc3501, SRC.dovecotObserved],
      },
      smtp: {
        steps: ["auth"],
        others: [
          { server: "Dovecot 2.3", lines: ["504 5.5.4 Unsupported authentication mechanism."] },
          { server: "RFC 4954", lines: ["504 5.5.4 Unrecognized authentication type"] },
        ],
        match: /^504(?:[ -]|$)/,
        sources: [SRC.rfc4954, SRC.dovecotObserved],
      },
    },
  },
];
