/**
 * SMTP replies as our code reads them (src/smtp/*): reply classification, EHLO keywords, nodemailer error mapping,
 * the transcript observer, and the XOAUTH2 exchange driven by arbitrary server replies. nodemailer frames the
 * replies; everything it hands us is fuzzed here.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import type SMTPConnection from "nodemailer/lib/smtp-connection/index.js";
import { ERROR_CODES, XoauthError } from "../../../../src/errors.js";
import { classifySmtpReply, mapSmtpError } from "../../../../src/smtp/errors.js";
import { createSmtpObserver } from "../../../../src/smtp/trace.js";
import { ehloKeywords, xoauth2CustomAuth } from "../../../../src/smtp/xoauth2-auth.js";
import type { FuzzTarget } from "../fuzz-runner.js";
import { base64Variants, lineText } from "../gen.js";

const code = fc.oneof(
  fc.constantFrom("235", "250", "334", "421", "454", "500", "501", "504", "530", "535", "550", "554"),
  fc.integer({ min: 0, max: 999 }).map(String),
  fc.constantFrom("", "2", "23", "2355", "abc"),
);
const enhanced = fc.oneof(
  fc.constantFrom("", "5.7.139", "5.7.3", "5.2.252", "5.7.60", "2.7.0", "4.7.0"),
  fc.tuple(fc.nat(9), fc.nat(999), fc.nat(999)).map(([a, b, c]) => `${a}.${b}.${c}`),
);
const json = fc.oneof(
  fc.constant({ status: "401", schemes: "bearer", scope: "https://outlook.office365.com/.default" }),
  fc.jsonValue(),
  fc.object(),
);
const replyLine = fc.oneof(
  fc.tuple(code, fc.constantFrom(" ", "-", ""), enhanced, lineText).map(([c, s, e, t]) => `${c}${s}${e} ${t}`),
  base64Variants(json.map((j) => Buffer.from(JSON.stringify(j) ?? "null"))).map((b) => `334 ${b}`),
  fc.constantFrom("334", "334 ", "235 2.7.0 Authentication successful", "SendAsDenied", "535 5.7.139 disabled"),
);
const reply = fc.array(replyLine, { minLength: 1, maxLength: 4 }).map((ls) => ls.join("\r\n"));

/** Shapes nodemailer (or anything else) may reject with. */
const errLike = fc.oneof(
  fc.constantFrom(undefined, null, "text", 42),
  fc.record(
    {
      message: fc.oneof(fc.string(), fc.constant(undefined), fc.integer()),
      code: fc.oneof(
        fc.constantFrom("ECONNECTION", "ESOCKET", "ETLS", "EDNS", "ETIMEDOUT", "ECONNREFUSED", "EAUTH", "EENVELOPE"),
        fc.constantFrom("CERT_HAS_EXPIRED", "ERR_TLS_CERT_ALTNAME_INVALID", "ENOTFOUND", "ECONNRESET", "E"),
        fc.string({ maxLength: 12 }),
      ),
      originalCode: fc.oneof(
        fc.constantFrom("ETIMEDOUT", "ECONNRESET", "CERT_HAS_EXPIRED"),
        fc.string({ maxLength: 8 }),
      ),
      response: fc.oneof(reply, fc.integer(), fc.constant(null), fc.object()),
      responseCode: fc.integer(),
      command: fc.oneof(
        fc.constantFrom("AUTH XOAUTH2", "MAIL FROM", "API", "CONN", "DATA"),
        fc.string({ maxLength: 12 }),
      ),
    },
    { requiredKeys: [], noNullPrototype: true },
  ),
);

const ERROR_SET = new Set<string>(ERROR_CODES);

export const smtpReplies: FuzzTarget = {
  name: "smtp-replies",
  covers: "src/smtp/errors.ts, trace.ts, xoauth2-auth.ts (ehloKeywords)",
  property: () =>
    fc.property(
      reply,
      fc.constantFrom("AUTH XOAUTH2", "auth", "MAIL FROM", "RCPT TO", "DATA", ""),
      errLike,
      fc.array(fc.string({ unit: fc.constantFrom("A", "8", "-", "=", "."), minLength: 1, maxLength: 12 }), {
        maxLength: 6,
      }),
      fc.array(
        fc.tuple(fc.constantFrom("server", "client", "network", "message", undefined), fc.oneof(reply, fc.string())),
        {
          maxLength: 5,
        },
      ),
      (r, command, err, keywords, logs) => {
        const c = classifySmtpReply(r, command);
        assert.ok(c === undefined || ERROR_SET.has(c));
        const mapped = mapSmtpError(err, { host: "h", port: 587, user: "u@example.com", command });
        assert.ok(mapped instanceof XoauthError && ERROR_SET.has(mapped.code));
        // EHLO keywords come back as sent (greeting line first, then one keyword a line).
        const ehlo = [
          "250-mx.example greets you",
          ...keywords.map((k, i) => `250${i === keywords.length - 1 ? " " : "-"}${k}`),
        ];
        assert.deepEqual(ehloKeywords(ehlo.join("\r\n")), keywords);
        for (const k of ehloKeywords(r)) assert.ok(k.length > 0 && !k.includes("\n"));
        const lines: string[] = [];
        const obs = createSmtpObserver((e) => {
          if (e.dir === "s") lines.push(e.line);
        });
        for (const [tnx, text] of logs) obs.logger.debug({ tnx }, text, "%s");
        for (const l of lines) assert.ok(!l.includes("\n"), "one trace line per server reply line");
      },
    ),
};

/** The XOAUTH2 exchange over arbitrary replies: success only after 235 (and 250 to EHLO); else a typed error. */
export const smtpXoauth2: FuzzTarget = {
  name: "smtp-xoauth2",
  covers: "src/smtp/xoauth2-auth.ts",
  property: () =>
    fc.asyncProperty(
      fc.array(reply, { minLength: 1, maxLength: 4 }),
      fc.array(fc.constantFrom("XOAUTH2", "xoauth2", "PLAIN", "LOGIN", ""), { maxLength: 3 }),
      fc.boolean(),
      async (replies, methods, ehloAfter) => {
        const { customAuth, state } = xoauth2CustomAuth({
          host: "h",
          port: 587,
          user: "u@example.com",
          token: "tok-en.fuzz",
          ...(ehloAfter ? { ehloAfterAuth: "client.example" } : {}),
        });
        const sent: string[] = [];
        let i = 0;
        const ctx = {
          authMethods: methods,
          extensions: [],
          sendCommand: async (cmd: string) => {
            sent.push(cmd);
            const response = replies[i++ % replies.length] as string;
            return { status: Number(/^\d{3}(?= |$)/.exec(response)?.[0] ?? 0), code: "", response };
          },
        } as unknown as SMTPConnection.CustomAuthenticationContext;
        let ok = true;
        try {
          await customAuth.XOAUTH2(ctx);
        } catch (e) {
          ok = false;
          assert.ok(e instanceof Error && !(e instanceof XoauthError));
          assert.ok(state.error instanceof XoauthError, "the typed error is recorded for the caller");
          assert.ok(ERROR_SET.has(state.error.code));
        }
        if (ok) {
          assert.ok(methods.some((m) => m.toUpperCase() === "XOAUTH2"));
          assert.ok(state.authReply?.startsWith("235"), "success only after 235");
        }
        assert.ok(sent.length <= 4, "at most AUTH, response, empty line, EHLO");
      },
    ),
};
