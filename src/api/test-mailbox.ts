/**
 * `testMailbox(options)`: what `xoauth-mail test --json` does for one protocol: token, claims, connect, TLS, greeting,
 * XOAUTH2, mailbox access (Graph: inbox, one message, optionally the send probe), and one diagnosed root cause.
 * Never throws for a failed test (the result says `ok: false` with the diagnosis); throws USAGE for bad options.
 */
import { z } from "zod";
import { defaultScopeFor, type Transport } from "../auth/clouds.js";
import type { MailServer } from "../diagnose/server.js";
import { type Diagnosis, stepJson } from "../diagnose/types.js";
import type { TraceFn } from "../net/types.js";
import { type Credentials, graphOf, type MailboxTarget, parseOperation, serverOf, targetShape } from "./operation.js";
import type { TokenClaimsSummary } from "./token-provider.js";

export interface TestMailboxOptions extends MailboxTarget {
  /** What to test (default pop3). */
  protocol?: Transport;
  /** SMTP: also send one test message to this address. */
  sendTestTo?: string;
  /** Graph: also probe the send permission (sendMail without recipients: nothing is sent). */
  checkSend?: boolean;
  /** Each step as it finishes (for progress output). */
  onStep?: (step: MailTestStep) => void;
  /** The protocol transcript, secrets redacted. */
  onTrace?: TraceFn;
}

export interface MailTestStep {
  id: string;
  ok: boolean;
  ms: number;
  detail: string;
  /** false where the time is not the step's own. */
  measured?: false;
}

/** The object `xoauth-mail test --json` prints (stable field names; `diagnosis.code` is a stable code, OK on success). */
export interface MailTestReport {
  ok: boolean;
  protocol: Transport;
  mailbox: string;
  server: MailServer;
  steps: MailTestStep[];
  claims: TokenClaimsSummary | null;
  diagnosis: Diagnosis;
}

const shape = {
  ...targetShape,
  protocol: z.enum(["pop3", "imap", "smtp", "graph"]).optional(),
  sendTestTo: z.string().optional(),
  checkSend: z.boolean().optional(),
  onStep: z.function().optional(),
  onTrace: z.function().optional(),
};

export async function testMailbox(options: TestMailboxOptions & Credentials): Promise<MailTestReport> {
  const { op, provider, auth, tenantId, clientId } = parseOperation<TestMailboxOptions>(shape, options);
  const protocol = op.protocol ?? "pop3";
  const graph = protocol === "graph" ? graphOf(auth.cloud, op) : undefined;
  const server = graph ? graph.server : serverOf(protocol as Exclude<Transport, "graph">, auth.cloud, op);
  const token = provider.forProtocol(protocol);
  const { mailTestJson, runMailTest } = await import("../diagnose/test-run.js");
  const r = await runMailTest({
    protocol,
    mailbox: op.mailbox,
    server,
    cloud: auth.cloud.name,
    tenantId,
    clientId,
    scope: defaultScopeFor(auth.cloud, protocol),
    ...(auth.ca ? { ca: auth.ca } : {}),
    ...(op.sendTestTo && protocol === "smtp" ? { sendTestTo: op.sendTestTo } : {}),
    ...(op.timeoutMs !== undefined ? { timeoutMs: op.timeoutMs } : {}),
    getToken: (o) => token.getToken(o),
    ...(graph
      ? {
          graph: {
            url: graph.url,
            ...(auth.proxy ? { proxy: auth.proxy } : {}),
            ...(auth.noProxy ? { noProxy: auth.noProxy } : {}),
            ...(op.checkSend ? { checkSend: true } : {}),
          },
        }
      : {}),
    ...(op.onStep ? { onStep: (s) => op.onStep?.(stepJson(s) as unknown as MailTestStep) } : {}),
    ...(op.onTrace ? { onTrace: op.onTrace } : {}),
  });
  return mailTestJson(r) as unknown as MailTestReport;
}
