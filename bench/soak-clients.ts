/**
 * The client side of `npm run soak`: mail delivered into the fake mailbox at intervals, and legacy clients through
 * `xoauth-mail proxy` (POP3, IMAP, SMTP: log in, list, fetch, log out; plus one long IMAP session that outlives its
 * upstream token and has to reconnect). Every loop is bounded by a count and by the deadline.
 */
import { randomBytes } from "node:crypto";
import nodemailer from "nodemailer";
import { Pop3Client } from "../src/pop3/client.js";
import type { LocalTenant } from "../src/sandbox/local-tenant.js";
import { LegacyImap } from "./imap-legacy.js";

export interface ProxyPorts {
  pop3: number;
  imap: number;
  smtp: number;
}

export interface LoopStats {
  ok: number;
  errors: number;
  firstError?: string;
}

export interface SoakClients {
  delivered: string[];
  pop3: LoopStats;
  imap: LoopStats;
  smtp: LoopStats;
  /** The long IMAP session: how often it ended (the server or proxy closed it) and reconnected. */
  long: LoopStats & { sessions: number; ended: number };
}

const stats = (): LoopStats => ({ ok: 0, errors: 0 });

function fail(s: LoopStats, err: unknown): void {
  s.errors++;
  s.firstError ??= err instanceof Error ? err.message : String(err);
}

/** Sleeps `ms` or until the deadline / stop, whichever is first; false when the loop should end. */
async function pause(ms: number, until: number, stop: AbortSignal): Promise<boolean> {
  const wait = Math.min(ms, until - Date.now());
  if (wait > 0 && !stop.aborted) await new Promise((r) => setTimeout(r, wait).unref());
  return Date.now() < until && !stop.aborted;
}

export function soakMessage(run: string, n: number, to: string): { id: string; raw: Buffer } {
  const id = `<soak-${run}-${n}@xoauth-mail.test>`;
  // Every 10th message is ~300 KB (a scanned invoice), the rest ~2 KB.
  const body = (n % 10 === 9 ? randomBytes(225_000) : randomBytes(1500)).toString("base64").replace(/.{76}/g, "$&\r\n");
  const head = [`From: soak@fabrikam.example`, `To: ${to}`, `Subject: soak ${n}`, `Message-ID: ${id}`, "", ""];
  return { id, raw: Buffer.from(`${head.join("\r\n")}${body}\r\n`) };
}

interface Ctx {
  tn: LocalTenant;
  ports: ProxyPorts;
  user: string;
  password: string;
  until: number;
  stop: AbortSignal;
  maxRounds: number;
}

/** A message every `intervalMs`; after every 20th a quiet spell longer than a token's life (IDLE outlives a token). */
async function deliverLoop(c: Ctx, out: SoakClients, o: { intervalMs: number; quietMs: number }, run: string) {
  for (let n = 0; n < c.maxRounds && (await pause(n % 20 === 19 ? o.quietMs : o.intervalMs, c.until, c.stop)); n++) {
    const m = soakMessage(run, n, c.tn.mailbox);
    c.tn.exchange.addMessage(c.tn.mailbox, m.raw);
    out.delivered.push(m.id);
  }
}

async function pop3Loop(c: Ctx, s: LoopStats): Promise<void> {
  for (let i = 0; i < c.maxRounds && (await pause(3000, c.until, c.stop)); i++) {
    let p: Pop3Client | undefined;
    try {
      p = await Pop3Client.connect({ host: "127.0.0.1", port: c.ports.pop3, tls: "none" });
      await p.login(c.user, c.password);
      const st = await p.stat();
      await p.list();
      if (st.count > 0) for await (const _ of await p.retr(st.count)); // the newest message, drained
      await p.quit();
      s.ok++;
    } catch (err) {
      fail(s, err);
    } finally {
      p?.close();
    }
  }
}

async function imapLoop(c: Ctx, s: LoopStats): Promise<void> {
  for (let i = 0; i < c.maxRounds && (await pause(5000, c.until, c.stop)); i++) {
    let f: LegacyImap | undefined;
    try {
      f = await LegacyImap.login(c.ports.imap, c.user, c.password);
      const exists = await f.examineInbox();
      if (exists > 0) await f.ok(`FETCH ${exists} (ENVELOPE BODY.PEEK[])`);
      await f.logout();
      s.ok++;
    } catch (err) {
      fail(s, err);
    } finally {
      f?.close();
    }
  }
}

async function smtpLoop(c: Ctx, s: LoopStats): Promise<void> {
  const t = nodemailer.createTransport({
    host: "127.0.0.1",
    port: c.ports.smtp,
    secure: false,
    ignoreTLS: true,
    auth: { user: c.user, pass: c.password },
  });
  try {
    for (let i = 0; i < c.maxRounds && (await pause(10_000, c.until, c.stop)); i++) {
      try {
        await t.sendMail({ from: c.tn.mailbox, to: "erp@fabrikam.example", subject: `soak ${i}`, text: "soak" });
        s.ok++;
      } catch (err) {
        fail(s, err);
      }
    }
  } finally {
    t.close();
  }
}

/** One IMAP session kept open (NOOP every 5 s) until the upstream ends it (token expiry); then a new one. */
async function longSessionLoop(c: Ctx, s: SoakClients["long"]): Promise<void> {
  for (let i = 0; i < c.maxRounds && (await pause(1000, c.until, c.stop)); i++) {
    let f: LegacyImap | undefined;
    try {
      f = await LegacyImap.login(c.ports.imap, c.user, c.password);
      await f.examineInbox();
      s.sessions++;
      while (!f.closed && (await pause(5000, c.until, c.stop))) {
        await f.ok("NOOP");
        s.ok++;
      }
      if (f.closed) s.ended++;
      else await f.logout();
    } catch (err) {
      if (f?.closed)
        s.ended++; // ended while a NOOP ran
      else fail(s, err);
    } finally {
      f?.close();
    }
  }
}

export async function runClients(
  tn: LocalTenant,
  ports: ProxyPorts,
  login: { user: string; password: string },
  o: { until: number; stop: AbortSignal; intervalMs: number; quietMs: number },
): Promise<SoakClients> {
  const out: SoakClients = {
    delivered: [],
    pop3: stats(),
    imap: stats(),
    smtp: stats(),
    long: { ...stats(), sessions: 0, ended: 0 },
  };
  const run = randomBytes(4).toString("hex");
  // Rounds: at most one per 100 ms of the run, so no loop can spin even if every pause were cut short.
  const c: Ctx = {
    tn,
    ports,
    ...login,
    until: o.until,
    stop: o.stop,
    maxRounds: Math.ceil((o.until - Date.now()) / 100),
  };
  await Promise.all([
    deliverLoop(c, out, o, run),
    pop3Loop(c, out.pop3),
    imapLoop(c, out.imap),
    smtpLoop(c, out.smtp),
    longSessionLoop(c, out.long),
  ]);
  return out;
}
