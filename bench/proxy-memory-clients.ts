/**
 * The sessions of the proxy memory bench (issue #14): one short, realistic session of a legacy client per call,
 * through a proxy listener with the local password. SMTP: nodemailer, one message, QUIT. POP3: our POP3 client,
 * USER/PASS, STAT, RETR 1 (drained), QUIT. IMAP: LOGIN, SELECT INBOX, FETCH 1 (BODY.PEEK[]), LOGOUT.
 */
import nodemailer from "nodemailer";
import { Pop3Client } from "../src/pop3/client.js";
import { LegacyImap } from "./imap-legacy.js";

export interface SessionTarget {
  port: number;
  user: string;
  password: string;
  /** The account's mailbox (SMTP MAIL FROM: the Graph upstream sends only as it). */
  mailbox: string;
}

export type SessionFn = (t: SessionTarget, n: number) => Promise<void>;

/** A ~2 KB text message, a fresh transport per session (one connection, no pool). */
export const smtpSession: SessionFn = async (t, n) => {
  const tr = nodemailer.createTransport({
    host: "127.0.0.1",
    port: t.port,
    secure: false,
    ignoreTLS: true,
    auth: { user: t.user, pass: t.password },
    connectionTimeout: 60_000,
    greetingTimeout: 60_000,
    socketTimeout: 60_000,
  });
  try {
    await tr.sendMail({
      from: t.mailbox,
      to: "erp@fabrikam.example",
      subject: `memory bench ${n}`,
      text: `Scan ${n}\n${"x".repeat(76)}\n`.repeat(24),
    });
  } finally {
    tr.close();
  }
};

export const pop3Session: SessionFn = async (t) => {
  let c: Pop3Client | undefined;
  try {
    c = await Pop3Client.connect({ host: "127.0.0.1", port: t.port, tls: "none", timeouts: { commandMs: 60_000 } });
    await c.login(t.user, t.password);
    const st = await c.stat();
    if (st.count < 1) throw new Error("STAT says the mailbox is empty");
    for await (const _ of await c.retr(1)); // drained
    await c.quit();
  } finally {
    c?.close();
  }
};

export const imapSession: SessionFn = async (t) => {
  let f: LegacyImap | undefined;
  try {
    f = await LegacyImap.login(t.port, t.user, t.password);
    await f.ok("SELECT INBOX");
    await f.ok("FETCH 1 (FLAGS BODY.PEEK[])");
    await f.logout();
  } finally {
    f?.close();
  }
};

/** `n` sessions at once: how many failed, and the first error. */
export async function concurrently(
  n: number,
  first: number,
  run: SessionFn,
  t: SessionTarget,
): Promise<{ errors: number; firstError?: string }> {
  let errors = 0;
  let firstError: string | undefined;
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      run(t, first + i).catch((err: unknown) => {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }),
    ),
  );
  return { errors, ...(firstError ? { firstError } : {}) };
}
