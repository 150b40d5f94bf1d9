/**
 * The Microsoft Graph part of `demo`, next to POP3 and IMAP against the same local tenant: a Graph token (its `aud`
 * and Mail.* roles), `test --protocol graph` with the send-permission probe (which sends nothing), and one message
 * sent through Graph as `send --protocol graph` does (202 Accepted; the fake records it, nothing leaves the machine).
 * `fetch --protocol graph` of the same Inbox goes into the Maildir++ subfolder `.Graph` of the demo's Maildir: the same
 * messages byte for byte as over POP3, and a second run delivers nothing.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CLOUDS, GRAPH_READ_ROLES, GRAPH_SEND_ROLE, isGraphAudience } from "../../auth/clouds.js";
import { decodeJwt } from "../../auth/jwt.js";
import { createTokenProvider, type XoauthTokenProvider } from "../../auth/provider.js";
import { graphEndpoint } from "../../diagnose/probe/graph.js";
import { claimsJson, runMailTest } from "../../diagnose/test-run.js";
import { fetchAccount } from "../../fetch/engine.js";
import { runGraphSend } from "../../send/graph-run.js";
import type { LocalTenant } from "../local-tenant.js";
import { compact, type DemoReporter, testStep } from "./steps.js";

const GRAPH_SCOPE = CLOUDS.global.graphScope;
/** Outside the tenant: the Graph fake accepts and records it, delivers nothing. */
const DEMO_RECIPIENT = "ops@fabrikam.example";

/** Graph tokens are their own audience: a second provider (and cache entry) next to the Exchange one. */
export function graphProvider(tn: LocalTenant): XoauthTokenProvider {
  return createTokenProvider({
    tenantId: tn.tenantId,
    clientId: tn.clientId,
    credential: { kind: "secret", secret: tn.clientSecret, source: "flag" },
    authorityHost: tn.authorityHost,
    scope: GRAPH_SCOPE,
    ca: [tn.caPem],
    proxy: undefined,
    noProxy: undefined,
    noCache: true,
  });
}

/** What a Graph run against the local tenant needs besides the mailbox: the IDs, the Graph scope and the test CA. */
function runOptions(tn: LocalTenant) {
  return {
    cloud: "global" as const,
    tenantId: tn.tenantId,
    clientId: tn.clientId,
    scope: GRAPH_SCOPE,
    ca: [tn.caPem],
    timeoutMs: 10_000,
  };
}

/** Step `token-graph`: a token for Graph, its audience and the Mail.* roles it carries. */
export async function graphToken(tn: LocalTenant, n: DemoReporter, provider: XoauthTokenProvider): Promise<void> {
  const t0 = Date.now();
  const tok = await provider.getToken();
  const claims = claimsJson(decodeJwt(tok.token).claims);
  const roles = (claims?.roles ?? []).filter((r) => r.startsWith("Mail."));
  const ok =
    claims?.appid === tn.clientId &&
    isGraphAudience(claims?.aud ?? undefined) &&
    roles.some((r) => GRAPH_READ_ROLES.includes(r)) &&
    roles.includes(GRAPH_SEND_ROLE);
  n.add({ id: "token-graph", ok, ms: Date.now() - t0, aud: claims?.aud, roles });
  n.say("demo.token.graph", { aud: claims?.aud, roles: roles.join(", "), scope: GRAPH_SCOPE });
}

/** Step `test-graph`: `test --protocol graph --check-send` (inbox, one message listed, the send probe). */
export async function graphTest(tn: LocalTenant, n: DemoReporter, provider: XoauthTokenProvider): Promise<void> {
  const t0 = Date.now();
  const sent = tn.graph.sent.length;
  const r = await runMailTest({
    protocol: "graph",
    mailbox: tn.mailbox,
    server: { ...graphEndpoint(tn.graphUrl), tls: "implicit" },
    ...runOptions(tn),
    getToken: (o) => provider.getToken(o),
    graph: { url: tn.graphUrl, checkSend: true },
  });
  // The send probe must not have sent anything.
  n.add(testStep("test-graph", r, Date.now() - t0, r.ok && tn.graph.sent.length === sent));
  n.line(compact(r));
  if (!r.ok) n.say("demo.diagnosis", { code: r.diagnosis.code, summary: r.diagnosis.summary });
}

/** Step `send-graph`: one composed message through Graph's sendMail, as `send --protocol graph` sends it. */
export async function graphSend(tn: LocalTenant, n: DemoReporter, provider: XoauthTokenProvider): Promise<void> {
  n.say("demo.send.graph", { mailbox: tn.mailbox, to: DEMO_RECIPIENT });
  const before = tn.graph.sent.length;
  const r = await runGraphSend({
    mailbox: tn.mailbox,
    envelope: { from: tn.mailbox, to: [DEMO_RECIPIENT] },
    message: {
      kind: "compose",
      fields: {
        from: tn.mailbox,
        to: [DEMO_RECIPIENT],
        cc: [],
        subject: "xoauth-mail demo over Microsoft Graph",
        body: "Sent by `xoauth-mail demo` through the local Microsoft Graph fake.",
        attachments: [],
      },
    },
    graphUrl: tn.graphUrl,
    ...runOptions(tn),
    getToken: () => provider.getToken(),
  });
  const accepted = r.ok && r.sent?.status === 202 && tn.graph.sent.length === before + 1;
  n.add({
    id: "send-graph",
    ok: accepted,
    ms: r.ms,
    status: r.sent?.status ?? null,
    path: r.sent?.path ?? null,
    requestId: r.sent?.requestId ?? null,
    ...(r.diagnosis ? { code: r.diagnosis.code, diagnosis: r.diagnosis } : {}),
  });
  if (r.sent && r.ok) n.say("demo.send.graph.accepted", { ms: r.ms, requestId: r.sent.requestId ?? "-" });
  else if (r.diagnosis) n.say("demo.diagnosis", { code: r.diagnosis.code, summary: r.diagnosis.summary });
}

/** sha256 of every message in a Maildir's new/ (sorted): the same set means the same bytes. */
function hashesOf(maildir: string): string[] {
  const dir = join(maildir, "new");
  return readdirSync(dir)
    .map((f) =>
      createHash("sha256")
        .update(readFileSync(join(dir, f)))
        .digest("hex"),
    )
    .sort();
}

/**
 * Steps `fetch-graph` and `fetch-graph-again`: the Inbox over Graph (delta query, $value streamed) into `.Graph`
 * of the Maildir; the first run must deliver exactly the bytes POP3 delivered, the second nothing.
 */
export async function graphFetch(
  tn: LocalTenant,
  n: DemoReporter,
  provider: XoauthTokenProvider,
  maildir: string,
): Promise<void> {
  const target = join(maildir, ".Graph");
  n.say("demo.fetch.graph", { maildir: target });
  const { host, port } = graphEndpoint(tn.graphUrl);
  for (const [id, expected] of [
    ["fetch-graph", tn.sampleCount],
    ["fetch-graph-again", 0],
  ] as const) {
    const s = await fetchAccount({
      account: tn.mailbox,
      protocol: "graph",
      server: { host, port, tls: "implicit", ca: [tn.caPem] },
      tokenProvider: provider,
      maildir: target,
      delete: false,
      retries: 0,
      graph: { baseUrl: tn.graphUrl, ca: [tn.caPem] },
    });
    const same = s.ok && id === "fetch-graph" ? hashesOf(target).join() === hashesOf(maildir).join() : true;
    const ok = s.ok && s.fetched === expected && same;
    n.add({ id, ok, ms: s.ms, expected, fetched: s.fetched, skipped: s.skipped, bytes: s.bytes, errors: s.errors });
    if (!s.ok) n.say("demo.unexpected", { code: s.errors[0]?.code, message: s.errors[0]?.message });
    else if (s.fetched !== expected) n.say("demo.fetch.wrong", { expected, count: s.fetched });
    else if (!same) n.say("demo.fetch.graph.differs");
    else if (id === "fetch-graph") n.say("demo.fetch.graph.first", { count: s.fetched, bytes: s.bytes, ms: s.ms });
    else n.say("demo.fetch.graph.again", { count: s.fetched, skipped: s.skipped });
  }
}
