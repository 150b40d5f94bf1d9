/**
 * The Microsoft Graph probe of `test --protocol graph`: TCP -> TLS to the Graph host (the network diagnoses of the mail
 * protocols apply unchanged) -> the inbox folder (GET /users/{mailbox}/mailFolders/inbox: mailbox exists, app may read
 * it) -> one message listed -> with --check-send the send permission probe (sendMail without recipients: sends
 * nothing). Each a recorded step; the Graph client's typed error stops the run at its step.
 */
import { bypassesProxy } from "../../auth/proxy.js";
import type { TokenProvider } from "../../auth/types.js";
import { XoauthError } from "../../errors.js";
import type { GraphClient, GraphClientOptions } from "../../graph/types.js";
import { connect, upgradeToTls } from "../../net/connect.js";
import type { TraceFn } from "../../net/types.js";
import { diagUi } from "../text.js";
import type { StepRecorder } from "./recorder.js";
import { tlsDetail } from "./tls-detail.js";

export type GraphClientFactory = (opts: GraphClientOptions) => GraphClient | Promise<GraphClient>;

export interface GraphProbeOptions {
  /** API root with version (Settings.graphUrl). */
  graphUrl: string;
  mailbox: string;
  tokenProvider: TokenProvider;
  ca?: string[];
  proxy?: string;
  noProxy?: string;
  timeoutMs?: number;
  /** Also probe the send permission (sends nothing). */
  checkSend?: boolean;
  onTrace?: TraceFn;
  /** For tests; default the Graph client of src/graph/client.ts. */
  createClient?: GraphClientFactory;
}

/** Host and port of the Graph API root (443 unless the URL names one). */
export function graphEndpoint(graphUrl: string): { host: string; port: number } {
  const u = new URL(graphUrl);
  return { host: u.hostname.replace(/^\[|\]$/g, ""), port: Number(u.port) || 443 };
}

async function defaultClient(opts: GraphClientOptions): Promise<GraphClient> {
  // Loaded only for Graph runs: the POP3/IMAP/SMTP tests never load the Graph client.
  const { createGraphClient } = await import("../../graph/client.js");
  return createGraphClient(opts);
}

/** TCP and TLS to the Graph host, as for the mail servers; through an HTTPS proxy the first request checks both. */
async function httpsSteps(o: GraphProbeOptions, rec: StepRecorder): Promise<void> {
  const { host, port } = graphEndpoint(o.graphUrl);
  if (o.proxy && !bypassesProxy(host, port, o.noProxy)) {
    rec.unmeasured("connect", diagUi("step.detail.graphViaProxy", { host, port }));
    return;
  }
  const t = o.timeoutMs;
  const tcp = await rec.run(
    "connect",
    () => connect({ host, port, tls: "starttls", ...(t ? { timeouts: { connectMs: t } } : {}) }),
    (s) => `${s.remoteAddress ?? host}:${s.remotePort ?? port}`,
  );
  try {
    await rec.run(
      "tls",
      () => upgradeToTls(tcp, { host, port, ...(o.ca ? { ca: o.ca } : {}), ...(t ? { timeoutMs: t } : {}) }),
      tlsDetail,
    );
  } finally {
    tcp.destroy();
  }
}

export async function probeGraph(o: GraphProbeOptions, rec: StepRecorder): Promise<void> {
  await httpsSteps(o, rec);
  const client = await (o.createClient ?? defaultClient)({
    baseUrl: o.graphUrl,
    mailbox: o.mailbox,
    tokenProvider: o.tokenProvider,
    ...(o.ca ? { ca: o.ca } : {}),
    ...(o.proxy ? { proxy: o.proxy } : {}),
    ...(o.noProxy ? { noProxy: o.noProxy } : {}),
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.onTrace ? { trace: o.onTrace } : {}),
    // `test` reports throttling rather than waiting minutes for it.
    maxRetryWaitMs: 10_000,
  });
  try {
    const inbox = await rec.run(
      "mailbox",
      () => client.resolveFolder("inbox"),
      (f) =>
        diagUi("step.detail.graphInbox", {
          mailbox: o.mailbox,
          name: f.displayName,
          total: f.totalItemCount ?? "?",
          unread: f.unreadItemCount ?? "?",
        }),
    );
    await rec.run(
      "list",
      () => client.listMessages(inbox.id, 1),
      (m) =>
        m[0]
          ? diagUi("step.detail.graphListed", { received: m[0].receivedDateTime ?? "-" })
          : diagUi("step.detail.graphEmpty"),
    );
    if (o.checkSend) {
      await rec.run(
        "send-probe",
        async () => {
          if (await client.probeSend()) return;
          throw new XoauthError("GRAPH_PERMISSION_MISSING", `Microsoft Graph refused sendMail as ${o.mailbox}.`, {
            details: { httpStatus: 403 },
          });
        },
        () => diagUi("step.detail.graphSendAllowed", { mailbox: o.mailbox }),
      );
    }
  } finally {
    client.close();
  }
}
