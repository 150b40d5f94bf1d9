/**
 * `xoauth-mail sandbox`: keeps the local tenant of `demo` running until Ctrl-C / SIGTERM and prints the options (and
 * writes a config file) that point any xoauth-mail command, the proxy or a user's own integration tests at it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { ConfigFileSchema } from "../../config/schema.js";
import { XoauthError } from "../../errors.js";
import { t } from "../../i18n/index.js";
import {
  isSandboxScenario,
  type LocalTenant,
  MAX_PORT_BASE,
  SANDBOX_SCENARIOS,
  type SandboxScenario,
  startLocalTenant,
  writeTenantFiles,
} from "../../sandbox/local-tenant.js";
import type { RunContext } from "../context.js";
import { parseDuration } from "../duration.js";
import { processOut } from "../output.js";

export interface SandboxFlags {
  portBase?: string;
  scenario?: string;
  tokenLifetime?: string;
  dir?: string;
  json?: boolean;
}

export interface SandboxFiles {
  dir: string;
  caFile: string;
  secretFile: string;
  config: string;
}

/** The options that point a command at the tenant (credentials, CA, mailbox; servers are per protocol). */
export function sandboxArgs(tn: LocalTenant, f: SandboxFiles): string[] {
  return [
    "--authority-host",
    tn.authorityHost,
    "--ca-file",
    f.caFile,
    "--tenant-id",
    tn.tenantId,
    "--client-id",
    tn.clientId,
    "--client-secret-file",
    f.secretFile,
    "--mailbox",
    tn.mailbox,
  ];
}

/** The YAML config (schema of src/config) for the tenant, validated before it is written. */
export function sandboxConfig(tn: LocalTenant, f: Omit<SandboxFiles, "config">): string {
  const data = {
    defaultAccount: "sandbox",
    accounts: {
      sandbox: {
        tenantId: tn.tenantId,
        clientId: tn.clientId,
        secret: { file: f.secretFile },
        authorityHost: tn.authorityHost,
        caFile: f.caFile,
        mailbox: tn.mailbox,
        protocol: "pop3",
        graphUrl: tn.graphUrl,
        servers: {
          pop3: { host: tn.host, port: tn.ports.pop3s, tls: "implicit" },
          imap: { host: tn.host, port: tn.ports.imaps, tls: "implicit" },
          smtp: { host: tn.host, port: tn.ports.smtp, tls: "starttls" },
        },
      },
    },
  };
  ConfigFileSchema.parse(data);
  return `# xoauth-mail sandbox: a local tenant on ${tn.host}; valid only while \`xoauth-mail sandbox\` runs.\n${stringify(data)}`;
}

function parsePortBase(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PORT_BASE) {
    throw new XoauthError("USAGE", `--port-base "${raw}" is not a port number from 1 to ${MAX_PORT_BASE}.`);
  }
  return n;
}

function parseScenario(raw: string | undefined): SandboxScenario | undefined {
  if (raw === undefined) return undefined;
  if (isSandboxScenario(raw)) return raw;
  throw new XoauthError(
    "USAGE",
    `--scenario "${raw}" is unknown; use one of: ${Object.keys(SANDBOX_SCENARIOS).join(", ")}.`,
  );
}

/** Shortest and longest --token-lifetime: a token must outlive one login; Entra's tokens live at most ~1.5 h. */
const TOKEN_LIFETIME_MS = { min: 1000, max: 24 * 3_600_000 };

function parseTokenLifetime(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const ms = parseDuration(raw, { flag: "--token-lifetime", bareUnit: "s", maxMs: TOKEN_LIFETIME_MS.max });
  if (ms < TOKEN_LIFETIME_MS.min) throw new XoauthError("USAGE", `--token-lifetime "${raw}" must be at least 1s.`);
  return Math.round(ms / 1000);
}

function banner(tn: LocalTenant, f: SandboxFiles): string {
  const quote = (a: string): string => (/^[\w@%+=:,./~-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`);
  const p = tn.ports;
  return [
    t("sandbox.title"),
    "",
    t("sandbox.options"),
    `  ${sandboxArgs(tn, f).map(quote).join(" ")}`,
    "",
    t("sandbox.servers"),
    `  pop3  --host ${tn.host} --port ${p.pop3s}   (implicit TLS; STLS: --port ${p.pop3} --tls starttls)`,
    `  imap  --host ${tn.host} --port ${p.imaps}   (implicit TLS)`,
    `  smtp  --host ${tn.host} --port ${p.smtp}   (STARTTLS)`,
    `  graph --graph-url ${tn.graphUrl}`,
    "",
    t("sandbox.config"),
    `  ${f.config}`,
    "",
    t("sandbox.try"),
    `  xoauth-mail test --config ${quote(f.config)} --protocol all`,
    `  xoauth-mail token --decode --config ${quote(f.config)}`,
    `  xoauth-mail fetch --config ${quote(f.config)} --protocol graph --maildir ./Maildir`,
    "",
  ].join("\n");
}

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((done) => {
    const on = (sig: NodeJS.Signals): void => {
      process.off("SIGINT", on);
      process.off("SIGTERM", on);
      done(sig);
    };
    process.on("SIGINT", on);
    process.on("SIGTERM", on);
  });
}

async function run(flags: SandboxFlags): Promise<number> {
  const portBase = parsePortBase(flags.portBase);
  const scenario = parseScenario(flags.scenario);
  const tokenLifetimeSec = parseTokenLifetime(flags.tokenLifetime);
  const dir = flags.dir ? resolve(flags.dir) : mkdtempSync(join(tmpdir(), "xoauth-mail-sandbox-"));
  const tempDir = !flags.dir;
  let tn: LocalTenant | undefined;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    tn = await startLocalTenant({
      ...(portBase === undefined ? {} : { portBase }),
      ...(scenario ? { scenario } : {}),
      ...(tokenLifetimeSec ? { tokenLifetimeSec } : {}),
    }).catch((e: NodeJS.ErrnoException) => {
      if (e?.code !== "EADDRINUSE") throw e;
      throw new XoauthError("USAGE", `A sandbox port is already in use (${e.message}); choose another --port-base.`, {
        cause: e,
      });
    });
    const { caFile, secretFile } = writeTenantFiles(tn, dir);
    const config = join(dir, "config.yaml");
    writeFileSync(config, sandboxConfig(tn, { dir, caFile, secretFile }), { mode: 0o600 });
    const files: SandboxFiles = { dir, caFile, secretFile, config };
    const signal = waitForSignal();
    if (flags.json) {
      const info = {
        dir,
        config,
        ca_file: caFile,
        secret_file: secretFile,
        authority_host: tn.authorityHost,
        tenant_id: tn.tenantId,
        client_id: tn.clientId,
        mailbox: tn.mailbox,
        scenario: scenario ?? null,
        token_lifetime_sec: tn.identity.tokenLifetimeSec,
        graph_url: tn.graphUrl,
        host: tn.host,
        ports: tn.ports,
        args: sandboxArgs(tn, files),
      };
      processOut.stdout(`${JSON.stringify(info)}\n`);
    } else {
      processOut.stdout(banner(tn, files));
    }
    const sig = await signal;
    processOut.stderr(`${t("sandbox.stopping", { signal: sig })}\n`);
    return 0;
  } finally {
    await tn?.stop();
    if (tempDir) rmSync(dir, { recursive: true, force: true });
    if (tn) processOut.stderr(`${t("sandbox.stopped")}\n`);
  }
}

/** The action of `sandbox`: runs the tenant until a signal and sets the exit code. */
export async function sandboxAction(flags: SandboxFlags, ctx: RunContext): Promise<void> {
  ctx.exitCode = await run(flags);
}
