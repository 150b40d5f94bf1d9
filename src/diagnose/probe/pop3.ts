/**
 * POP3 probe: TCP -> TLS (implicit, or STLS after the greeting, RFC 2595) -> greeting + CAPA (RFC 2449) ->
 * AUTH XOAUTH2 two-step (RFC 5034) -> STAT -> QUIT, each a recorded step.
 */
import type net from "node:net";
import { XoauthError } from "../../errors.js";
import { connect, upgradeToTls } from "../../net/connect.js";
import { authXoauth2 } from "../../pop3/commands/auth.js";
import { capa } from "../../pop3/commands/capa.js";
import { quit } from "../../pop3/commands/quit.js";
import { stat } from "../../pop3/commands/stat.js";
import { stls } from "../../pop3/commands/stls.js";
import type { Capabilities } from "../../pop3/parser.js";
import { Pop3Session } from "../../pop3/session.js";
import { diagUi } from "../text.js";
import type { StepRecorder } from "./recorder.js";
import { tlsDetail } from "./tls-detail.js";
import type { Probe, ProbeOptions } from "./types.js";

function requireXoauth2(caps: Capabilities): void {
  if (caps.sasl.includes("XOAUTH2")) return;
  throw new XoauthError("XOAUTH2_NOT_OFFERED", "The POP3 server does not offer SASL XOAUTH2 in CAPA.", {
    details: { command: "CAPA", serverReply: caps.sasl.length ? `SASL ${caps.sasl.join(" ")}` : "no SASL line" },
  });
}

const capsDetail = (c: Capabilities): string => `SASL ${c.sasl.join(" ") || "-"}${c.pipelining ? ", PIPELINING" : ""}`;

async function tcpAndTls(o: ProbeOptions, rec: StepRecorder): Promise<net.Socket> {
  const ca = o.ca ? { ca: o.ca } : {};
  const t = o.timeoutMs;
  const timeouts = t ? { connectMs: t, tlsMs: t } : {};
  const tcp = await rec.run(
    "connect",
    () => connect({ host: o.host, port: o.port, tls: "starttls", timeouts }),
    (s) => {
      return `${s.remoteAddress ?? o.host}:${s.remotePort ?? o.port}`;
    },
  );
  if (o.tls !== "implicit") return tcp;
  return rec.run(
    "tls",
    () => upgradeToTls(tcp, { host: o.host, port: o.port, ...ca, ...(t ? { timeoutMs: t } : {}) }),
    tlsDetail,
  );
}

export const probePop3: Probe = async (o, rec) => {
  const socket = await tcpAndTls(o, rec);
  const t = o.timeoutMs;
  const session = new Pop3Session(socket, {
    host: o.host,
    port: o.port,
    ...(o.onTrace ? { onTrace: o.onTrace } : {}),
    ...(t ? { timeouts: { greetingMs: t, commandMs: t, tlsMs: t } } : {}),
  });
  try {
    let greeting = "";
    await rec.run(
      "greeting",
      async () => {
        greeting = (await session.greeting).text;
        const c = await capa(session);
        if (o.tls === "implicit") requireXoauth2(c);
        return c;
      },
      (c) => `${greeting.slice(0, 60)}; ${capsDetail(c)}`,
    );
    if (o.tls === "starttls") {
      await rec.run(
        "tls",
        async () => {
          await stls(session, (s) =>
            upgradeToTls(s, {
              host: o.host,
              port: o.port,
              ...(o.ca ? { ca: o.ca } : {}),
              ...(t ? { timeoutMs: t } : {}),
            }),
          );
          const c = await capa(session);
          requireXoauth2(c);
          return c;
        },
        (c) => diagUi("step.detail.stls", { tls: tlsDetail(session.currentSocket), caps: capsDetail(c) }),
      );
    }
    await rec.run(
      "auth",
      () => authXoauth2(session, o.mailbox, o.token),
      () => diagUi("step.detail.xoauth2Accepted", { mailbox: o.mailbox }),
    );
    await rec.run(
      "mailbox",
      () => stat(session),
      (s) => diagUi("step.detail.stat", { count: s.count, size: s.size }),
    );
    await rec.run(
      "logout",
      () => quit(session),
      () => "QUIT",
    );
  } finally {
    session.close();
  }
};
