/**
 * The scenario of `demo` against a started local tenant: a token (and a Graph token), `test` over POP3, IMAP and
 * Graph, `fetch` twice (exactly once), break the mailbox permission and check the diagnosis, repair it, send through
 * Graph. Each step is recorded with its expected outcome; narration goes to the reporter (the CLI prints it).
 */
import { CLOUDS, type MailProtocol } from "../../auth/clouds.js";
import { decodeJwt } from "../../auth/jwt.js";
import { createTokenProvider, type XoauthTokenProvider } from "../../auth/provider.js";
import { claimsJson, runMailTest } from "../../diagnose/test-run.js";
import { fetchAccount } from "../../fetch/engine.js";
import { applyScenario, type LocalTenant } from "../local-tenant.js";
import { DEMO_EXPECTED_DIAGNOSIS, DEMO_SITUATION } from "./expected.js";
import { graphFetch, graphProvider, graphSend, graphTest, graphToken } from "./graph.js";
import { compact, type DemoReporter, testStep } from "./steps.js";

export { DEMO_EXPECTED_DIAGNOSIS } from "./expected.js";

async function mailTest(tn: LocalTenant, provider: XoauthTokenProvider, protocol: MailProtocol) {
  const port = protocol === "pop3" ? tn.ports.pop3s : tn.ports.imaps;
  return runMailTest({
    protocol,
    mailbox: tn.mailbox,
    server: { host: tn.host, port, tls: "implicit" },
    cloud: "global",
    tenantId: tn.tenantId,
    clientId: tn.clientId,
    scope: CLOUDS.global.scope,
    ca: [tn.caPem],
    timeoutMs: 10_000,
    getToken: () => provider.getToken(),
  });
}

async function fetchOnce(tn: LocalTenant, provider: XoauthTokenProvider, maildir: string) {
  return fetchAccount({
    account: tn.mailbox,
    protocol: "pop3",
    server: { host: tn.host, port: tn.ports.pop3s, tls: "implicit", ca: [tn.caPem] },
    tokenProvider: provider,
    maildir,
    delete: false,
    retries: 0,
  });
}

export async function runDemoScenario(
  tn: LocalTenant,
  n: DemoReporter,
  maildir: string,
  tempMaildir: boolean,
): Promise<void> {
  const provider = createTokenProvider({
    tenantId: tn.tenantId,
    clientId: tn.clientId,
    credential: { kind: "secret", secret: tn.clientSecret, source: "flag" },
    authorityHost: tn.authorityHost,
    scope: CLOUDS.global.scope,
    ca: [tn.caPem],
    proxy: undefined,
    noProxy: undefined,
    noCache: true,
  });

  n.say("demo.token", { tenant: tn.domain });
  let t0 = Date.now();
  const tok = await provider.getToken();
  const claims = claimsJson(decodeJwt(tok.token).claims);
  const minutes = Math.floor((tok.expiresOn.getTime() - Date.now()) / 60_000);
  const roles = claims?.roles ?? [];
  const tokenOk = claims?.appid === tn.clientId && roles.includes("POP.AccessAsApp") && minutes > 0;
  n.add({ id: "token", ok: tokenOk, ms: Date.now() - t0, appid: claims?.appid, roles, expires_in_min: minutes });
  n.say("demo.token.detail", { appid: claims?.appid, roles: roles.join(", "), minutes });
  const graph = graphProvider(tn);
  await graphToken(tn, n, graph);

  n.say("demo.test");
  for (const protocol of ["pop3", "imap"] as const) {
    t0 = Date.now();
    const r = await mailTest(tn, provider, protocol);
    n.add(testStep(`test-${protocol}`, r, Date.now() - t0, r.ok));
    n.line(compact(r));
    if (!r.ok) n.say("demo.diagnosis", { code: r.diagnosis.code, summary: r.diagnosis.summary });
  }
  await graphTest(tn, n, graph);

  n.say("demo.fetch", { maildir });
  if (tempMaildir) n.say("demo.fetch.temp");
  for (const [id, expected] of [
    ["fetch", tn.sampleCount],
    ["fetch-again", 0],
  ] as const) {
    const s = await fetchOnce(tn, provider, maildir);
    const ok = s.ok && s.fetched === expected;
    n.add({ id, ok, ms: s.ms, expected, fetched: s.fetched, skipped: s.skipped, bytes: s.bytes, errors: s.errors });
    if (!s.ok) n.say("demo.unexpected", { code: s.errors[0]?.code, message: s.errors[0]?.message });
    else if (!ok) n.say("demo.fetch.wrong", { expected, count: s.fetched });
    else if (id === "fetch") n.say("demo.fetch.first", { count: s.fetched, bytes: s.bytes, ms: s.ms });
    else n.say("demo.fetch.again", { count: s.fetched, skipped: s.skipped });
  }
  await graphFetch(tn, n, graph, maildir);

  const spOid = tn.app.servicePrincipalObjectId;
  n.say("demo.break", { mailbox: tn.mailbox });
  applyScenario(DEMO_SITUATION.scenario ?? "no-fullaccess", tn);
  t0 = Date.now();
  const broken = await mailTest(tn, provider, "imap");
  const d = broken.diagnosis;
  const diagnosed = !broken.ok && d.code === DEMO_EXPECTED_DIAGNOSIS;
  n.add({
    ...testStep("diagnose-misconfiguration", broken, Date.now() - t0, diagnosed),
    expected: DEMO_EXPECTED_DIAGNOSIS,
  });
  n.line(compact(broken));
  n.say("demo.diagnosis", { code: d.code, summary: d.summary });
  if (d.causes[0]) n.say("demo.cause", { cause: d.causes[0] });
  const fixes = d.fix.filter((f) => /Connect-ExchangeOnline|Add-MailboxPermission/.test(f));
  if (fixes.length) {
    n.say("demo.fix");
    for (const f of fixes) n.line(`     ${f}`);
  }
  if (!diagnosed) n.say("demo.expected.wrong", { expected: DEMO_EXPECTED_DIAGNOSIS, code: d.code });

  tn.exchange.directory.grantFullAccess(spOid, tn.mailbox);
  n.say("demo.repair");
  t0 = Date.now();
  const repaired = await mailTest(tn, provider, "imap");
  n.add(testStep("test-after-fix", repaired, Date.now() - t0, repaired.ok));
  n.line(compact(repaired));

  await graphSend(tn, n, graph);
}
