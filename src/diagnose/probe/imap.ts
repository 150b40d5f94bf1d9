/**
 * IMAP probe on our own client, phase by phase (src/imap/client.ts): TCP -> TLS (implicit, or STARTTLS after the
 * greeting, RFC 3501 §6.2.1) -> greeting + CAPABILITY -> AUTHENTICATE XOAUTH2 (src/imap/login.ts, the login `fetch`
 * and the proxy use) -> LIST + EXAMINE INBOX (§6.3.8, §6.3.2) -> LOGOUT, each a recorded step.
 */

import { ImapClient } from "../../imap/client.js";
import type { PhaseRunner } from "../../imap/connection.js";
import { diagUi } from "../text.js";
import { loginTarget } from "./phases.js";
import type { StepRecorder } from "./recorder.js";
import type { Probe, ProbeOptions } from "./types.js";

/** The capabilities the greeting step shows: what matters for the login. */
function capsDetail(caps: string[]): string {
  return caps.filter((c) => /^AUTH=|^IMAP4|^SASL-IR/i.test(c)).join(" ") || diagUi("step.detail.capsRead");
}

/**
 * Records each phase of ImapClient.connect as a step. Implicit TLS shows TCP + handshake as one measured `connect`
 * step (`incl. TLS`); a refused handshake shows the TCP connect alone and a failed `tls` step.
 */
function phaseRecorder(o: ProbeOptions, rec: StepRecorder): PhaseRunner {
  const where = `${o.host}:${o.port}`;
  const tlsTrusted = diagUi("step.detail.tlsTrusted", { mode: diagUi(`tls.${o.tls}`) });
  let tcpMs = 0;
  const timed = async <T>(id: "connect" | "tls", run: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      const v = await run();
      if (id === "connect") tcpMs = Date.now() - started;
      else {
        rec.add(
          "connect",
          true,
          tcpMs + Date.now() - started,
          diagUi("step.detail.connectInclTls", { host: o.host, port: o.port }),
        );
        rec.unmeasured("tls", tlsTrusted);
      }
      return v;
    } catch (e) {
      if (id === "tls") rec.add("connect", true, tcpMs, where);
      throw rec.fail(id, Date.now() - started, e);
    }
  };
  return async (phase, run) => {
    switch (phase) {
      case "connect":
        return o.tls === "implicit" ? timed("connect", run) : rec.run("connect", run, () => where);
      case "tls":
        return o.tls === "implicit" ? timed("tls", run) : rec.run("tls", run, () => tlsTrusted);
      case "greeting":
        return rec.run("greeting", run, (caps) => capsDetail(caps as string[]));
      case "auth":
        return rec.run("auth", run, () => diagUi("step.detail.xoauth2Accepted", { mailbox: o.mailbox }));
    }
  };
}

export const probeImap: Probe = async (o, rec) => {
  const t = o.timeoutMs;
  const client = await ImapClient.connect({
    ...loginTarget(o),
    ...(t ? { timeouts: { connectMs: t, tlsMs: t, greetingMs: t, commandMs: t } } : {}),
    onTrace: (e) => {
      if (e.dir !== "info") o.onTrace?.(e);
    },
    onPhase: phaseRecorder(o, rec),
  });
  try {
    await rec.run(
      "mailbox",
      async () => {
        const boxes = (await client.listFolders()).length;
        const inbox = await client.select("INBOX", true);
        return { boxes, exists: inbox.exists };
      },
      (r) => diagUi("step.detail.imapMailbox", r),
    );
    await rec.run(
      "logout",
      () => client.logout(),
      () => "LOGOUT",
    );
  } finally {
    client.close();
  }
};
