/**
 * `xoauth-mail demo`: the whole product in a few seconds, without a tenant: start the local identity platform,
 * Exchange and Graph fakes, get a token (and a Graph token), run `test` over POP3, IMAP and Graph, `fetch` twice
 * (exactly once), break the mailbox permission and show the diagnosis, repair it, send through Graph. Narrated (en/de) or `--json` for CI; exit 0 only if every expected
 * outcome happened.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ERROR_CODES, type ErrorCode, exitCodeOf, toXoauthError } from "../../errors.js";
import { t } from "../../i18n/index.js";
import { runDemoScenario } from "../../sandbox/demo/scenario.js";
import { type LocalTenant, startLocalTenant } from "../../sandbox/local-tenant.js";
import type { RunContext } from "../context.js";
import { processOut } from "../output.js";
import { Narrator } from "./demo-narrator.js";

export interface DemoFlags {
  json?: boolean;
  maildir?: string;
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
    await runDemoScenario(tn, n, maildir, tempMaildir);
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

/** The action of `demo`: runs the scenario and sets the exit code. */
export async function demoAction(flags: DemoFlags, ctx: RunContext): Promise<void> {
  ctx.exitCode = await run(flags);
}
