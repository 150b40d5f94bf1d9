/**
 * One `send --protocol graph` run: options -> token -> claims -> send (sendViaGraph), each step recorded like
 * `test --protocol graph` does, and on failure one root cause from the same diagnosis (Graph's audience, roles and 403
 * rule, with the real IDs). Graph refusing the From address is SEND_AS_DENIED with the Graph fix: for an
 * app-only token the sender is the mailbox in the URL (/users/{mailbox}), so that mailbox needs Send As on the From
 * address ("Applications that use application tokens ... can send mail as any user in the organization by sending the
 * mail normally through the user's mailbox"; sending as another address needs the Send As or Send on Behalf mailbox
 * permission: learn.microsoft.com/en-us/graph/outlook-send-mail-from-other-user).
 */
import { Readable } from "node:stream";
import type { TokenProvider } from "../auth/types.js";
import { diagnose, withRequestId } from "../diagnose/engine.js";
import { deriveFacts } from "../diagnose/facts.js";
import { graphEndpoint } from "../diagnose/probe/graph.js";
import { StepFailed } from "../diagnose/probe/recorder.js";
import { passThrough } from "../diagnose/rules/pass-through.js";
import { tokenAndClaimsSteps } from "../diagnose/test-run.js";
import { fromVariant } from "../diagnose/text.js";
import type { Diagnosis, DiagnosisContext, DiagnosisStep } from "../diagnose/types.js";
import type { GraphClient, GraphClientOptions } from "../graph/types.js";
import { getLang } from "../i18n/index.js";
import { type GraphSendResult, sendViaGraph } from "./graph-send.js";
import { type Envelope, mailOptions, type OutgoingMessage } from "./message.js";
import { type SendRunCommon, startSendDiagnosis } from "./run-common.js";

export interface GraphSendRunInput extends SendRunCommon {
  /** API root with version, e.g. https://graph.microsoft.com/v1.0. */
  graphUrl: string;
  proxy?: string;
  noProxy?: string;
  /** Injected for tests; default: createGraphClient of src/graph/client.ts, loaded when needed. */
  createClient?: (opts: GraphClientOptions) => GraphClient | Promise<GraphClient>;
}

export interface GraphSendRunResult {
  ok: boolean;
  steps: DiagnosisStep[];
  sent: GraphSendResult | undefined;
  diagnosis: Diagnosis | undefined;
  ms: number;
}

/** The Graph client (and its HTTP stack) is loaded only for a Graph send. */
async function defaultClient(opts: GraphClientOptions): Promise<GraphClient> {
  const { createGraphClient } = await import("../graph/client.js");
  return createGraphClient(opts);
}

/** The message as one byte stream: the .eml as read, or the composed message (Bcc only in the envelope). */
async function mimeOf(msg: OutgoingMessage, env: Envelope): Promise<Readable> {
  if (msg.kind === "raw") return msg.source.stream;
  const { default: MailComposer } = await import("nodemailer/lib/mail-composer/index.js");
  return Readable.from(await new MailComposer(mailOptions(msg, env)).compile().build());
}

/** The root cause of a failed run; SEND_AS_DENIED gets the Graph variant (the mailbox is the trustee). */
export function graphSendDiagnosis(ctx: DiagnosisContext, from: string): Diagnosis {
  const f = deriveFacts(ctx);
  if (f.failed?.id !== "send" || !f.error) return diagnose(ctx);
  if (f.error.code === "SEND_AS_DENIED") {
    return fromVariant("SEND_AS_DENIED", "SEND_AS_DENIED.graph", {
      ...f.params,
      from: f.params.from ?? from,
      mailbox: ctx.options.mailbox,
    });
  }
  const d = diagnose(ctx);
  return d.code === f.error.code ? d : (passThrough(f, getLang()) ?? d);
}

export async function runGraphSend(input: GraphSendRunInput): Promise<GraphSendRunResult> {
  const started = Date.now();
  // The diagnosis of `test --protocol graph`: Graph's host, its audience and roles, its 403 rule and fix texts.
  const { rec, ctx } = startSendDiagnosis(input, {
    protocol: "graph",
    ...graphEndpoint(input.graphUrl),
    tls: "implicit",
    graphUrl: input.graphUrl,
  });
  let sent: GraphSendResult | undefined;
  let from = input.envelope.from;
  try {
    // A claims problem (an Exchange token, an expired one) is recorded; Graph's answer confirms it.
    await tokenAndClaimsSteps(rec, ctx, input.getToken);
    const provider: TokenProvider = { getToken: input.getToken };
    const t0 = Date.now();
    let client: GraphClient | undefined;
    try {
      client = await (input.createClient ?? defaultClient)({
        baseUrl: input.graphUrl,
        mailbox: input.mailbox,
        tokenProvider: provider,
        ...(input.ca ? { ca: input.ca } : {}),
        ...(input.proxy ? { proxy: input.proxy } : {}),
        ...(input.noProxy ? { noProxy: input.noProxy } : {}),
        ...(input.timeoutMs ? { timeoutMs: input.timeoutMs } : {}),
        ...(input.onTrace ? { trace: input.onTrace } : {}),
      });
      const mime = await mimeOf(input.message, input.envelope);
      sent = await sendViaGraph(client, { mime, envelope: input.envelope });
      from = sent.from;
    } catch (e) {
      const local = input.message.kind === "raw" ? input.message.source.error() : undefined;
      throw rec.fail("send", Date.now() - t0, local ?? e);
    } finally {
      client?.close();
    }
    const info = `${sent.status} Accepted (${sent.path}${sent.requestId ? `, request-id ${sent.requestId}` : ""})`;
    rec.add("send", true, Date.now() - t0, info);
  } catch (e) {
    if (!(e instanceof StepFailed)) throw e;
  }
  const ms = Date.now() - started;
  const failed = rec.steps.some((s) => !s.ok);
  if (!failed && sent) return { ok: true, steps: rec.steps, sent, diagnosis: undefined, ms };
  return { ok: false, steps: rec.steps, sent, diagnosis: withRequestId(graphSendDiagnosis(ctx, from), ctx), ms };
}
