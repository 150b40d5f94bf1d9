/**
 * `xoauth-mail demo`: the whole product in a few seconds, without a tenant: start the local identity platform,
 * Exchange and Graph fakes, get a token (and a Graph token), run `test` over POP3, IMAP and Graph, `fetch` twice
 * (exactly once), break the mailbox permission and show the diagnosis, repair it, send through Graph. Narrated (en/de) or `--json` for CI; exit 0 only if every expected
 * outcome happened.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { CLOUDS, type MailProtocol } from "../../auth/clouds.js";
import { decodeJwt } from "../../auth/jwt.js";
import { createTokenProvider, type XoauthTokenProvider } from "../../auth/provider.js";
import { claimsJson, runMailTest } from "../../diagnose/test-run.js";
import { ERROR_CODES, type ErrorCode, exitCodeOf, toXoauthError } from "../../errors.js";
import { situation, situationCode } from "../../exchange/contract.js";
import { fetchAccount } from "../../fetch/engine.js";
import { t } from "../../i18n/index.js";
import { applyScenario, type LocalTenant, startLocalTenant } from "../../sandbox/local-tenant.js";
import type { RunContext } from "../context.js";
import { processOut } from "../output.js";
import { graphFetch, graphProvider, graphSend, graphTest, graphToken } from "./demo-graph.js";
import { compact, Narrator, testStep } from "./demo-narrator.js";

/** The misconfiguration the demo introduces (a situation of the Exchange table with a sandbox scenario). */
const DEMO_SITUATION = situation("no-fullaccess");

/** The diagnosis it must produce over IMAP: the table's code for that situation. */
export const DEMO_EXPECTED_DIAGNOSIS = situationCode(DEMO_SITUATION, "imap");

const HELP = `
Runs everything in-process on 127.0.0.1 (random ports, a throwaway test CA, TLS verified against it) and stops it
at the end. Nothing is read from or written to your config, token cache or the internet.

Microsoft Graph runs next to POP3 and IMAP on the same mailboxes: a Graph token (audience and Mail.* roles),
test --protocol graph with the send-permission probe (sends nothing), fetch --protocol graph of the same Inbox into
the Maildir++ folder .Graph of the Maildir (the same bytes as POP3's, exactly once), and one message sent through
Graph to an address outside the local tenant (the fake records it; nothing leaves the machine).

--json prints {ok, ms, maildir, tenant:{...}, steps:[{id, ok, ms, ...}]} with the step ids
token, token-graph, test-pop3, test-imap, test-graph, fetch, fetch-again, fetch-graph, fetch-graph-again,
diagnose-misconfiguration (expected: ${DEMO_EXPECTED_DIAGNOSIS}), test-after-fix, send-graph. Exit code 0 only if every step had its expected outcome.`;

interface DemoFlags {
  json?: boolean;
  maildir?: string;
}

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

async function scenario(tn: LocalTenant, n: Narrator, maildir: string, tempMaildir: boolean): Promise<void> {
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

async function run(flags: DemoFlags): Promise<number> {
  const started = Date.now();
  const n = new Narrator(!flags.json);
  const tempMaildir = !flags.maildir;
  const workDir = tempMaildir ? mkdtempSync(join(tmpdir(), "xoauth-mail-demo-")) : undefined;
  const maildir = flags.maildir ? resolve(flags.maildir) : join(workDir as string, "Maildir");
  let tn: LocalTenant | undefined;
  let error: ReturnType<typeof toXoauthError> | undefined;
  try {
    tn = await startLocalTenant();
    n.say("demo.title", { host: tn.host });
    n.say("demo.started", {
      authority: tn.authorityHost,
      pop3s: tn.ports.pop3s,
      imaps: tn.ports.imaps,
      smtp: tn.ports.smtp,
      mailbox: tn.mailbox,
      count: tn.sampleCount,
    });
    n.say("demo.started.graph", { graphUrl: tn.graphUrl });
    await scenario(tn, n, maildir, tempMaildir);
  } catch (e) {
    error = toXoauthError(e);
    n.add({ id: "unexpected", ok: false, ms: 0, code: error.code, message: error.message });
    n.say("demo.unexpected", { code: error.code, message: error.message });
  } finally {
    await tn?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  }
  const failed = n.failed;
  const ms = Date.now() - started;
  if (flags.json) {
    const tenant = tn
      ? {
          authority_host: tn.authorityHost,
          graph_url: tn.graphUrl,
          tenant_id: tn.tenantId,
          client_id: tn.clientId,
          mailbox: tn.mailbox,
        }
      : null;
    const body = { ok: !failed, ms, maildir: tempMaildir ? null : maildir, tenant, steps: n.steps };
    processOut.stdout(`${JSON.stringify(body, null, 2)}\n`);
  } else {
    n.line(failed ? t("demo.done.fail", { failed: failed.id }) : t("demo.done.ok", { ms }));
    if (!failed) n.say("demo.next");
  }
  if (!failed) return 0;
  if (error) return error.exitCode;
  const code = typeof failed.code === "string" && (ERROR_CODES as readonly string[]).includes(failed.code);
  return code ? exitCodeOf(failed.code as ErrorCode) : 1;
}

export function registerDemo(program: Command, ctx: RunContext): void {
  program
    .command("demo")
    .summary("see it all work against a local Exchange Online fake (no tenant, no internet)")
    .description(
      "Start a local identity platform, Exchange Online and Microsoft Graph fake, get a token, test POP3, IMAP and Graph,\nfetch messages exactly once, break a mailbox permission and show the diagnosis with the exact fix, send through Graph.",
    )
    .option("--json", "machine-readable result: {ok, steps:[...]}")
    .option("--maildir <dir>", "fetch into this Maildir and keep it (default: a temporary directory, removed)")
    .addHelpText("after", HELP)
    .action(async (flags: DemoFlags) => {
      ctx.exitCode = await run(flags);
    });
}
