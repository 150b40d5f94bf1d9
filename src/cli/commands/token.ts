/** `xoauth-mail token`: get an app-only access token; print it (passwordeval / PassCmd), decode it, or JSON. */
import { type Command, Option } from "commander";
import { type ClaimCheck, checkClaims, decodeClaims } from "../../auth/claims.js";
import {
  GRAPH_READ_ROLES,
  isExchangeAudience,
  isGraphAudience,
  ROLE_FOR_PROTOCOL,
  TRANSPORTS,
  type Transport,
} from "../../auth/clouds.js";
import type { JwtHeader } from "../../auth/jwt.js";
import { createTokenProvider } from "../../auth/provider.js";
import type { AccessToken, TokenClaims } from "../../auth/types.js";
import { type AuthFlags, resolveSettings } from "../../config/settings.js";
import { toXoauthError } from "../../errors.js";
import { getLang, t } from "../../i18n/index.js";
import { AUTH_ENV_HELP, addAuthOptions } from "../common-options.js";
import type { RunContext } from "../context.js";
import { errorJson, formatError, processOut, writeSecretPayload } from "../output.js";

const EXAMPLES = `
Examples:
  # print a token (stdout holds only the token, for passwordeval / PassCmd)
  AZURE_CLIENT_SECRET=... xoauth-mail token --tenant-id contoso.onmicrosoft.com \\
      --client-id 00000000-0000-0000-0000-000000000000
  xoauth-mail token --account shop --client-secret-file ~/.secret
  # show claims and check them for IMAP, without printing the token
  xoauth-mail token --decode --protocol imap
  # for scripts and monitoring: exit 3 unless the token carries what IMAP needs (audience, IMAP.AccessAsApp, ...)
  xoauth-mail token --check --protocol imap --json
  # a Microsoft Graph token (scope https://graph.microsoft.com/.default), its audience and Mail.* roles checked
  xoauth-mail token --decode --protocol graph
  # JSON for scripts: {ok, expires_on, from_cache, claims, checks, checks_ok}, without the token
  xoauth-mail token --json | jq .checks
  # the token itself in the JSON as access_token: only with --show-token (keep that output out of logs)
  xoauth-mail token --json --show-token | jq -r .access_token
  # certificate credential, local test endpoint with a private CA
  xoauth-mail token --certificate app.pem --authority-host https://127.0.0.1:8443 --ca-file ca.pem

${AUTH_ENV_HELP}

--protocol graph requests a Graph token and checks aud = Microsoft Graph and the roles Mail.Read, Mail.ReadBasic,
Mail.ReadWrite (reading) and Mail.Send (sending). A Graph token WITHOUT such roles is no failure: an app scoped with
RBAC for Applications (New-ManagementRoleAssignment -App ...) has no roles in its token and may still be allowed.
That role check is shown as "?" ("unknown": true in --json) and --check passes; \`xoauth-mail test --protocol graph\`
asks the mailbox itself.

Exit codes: 0 ok, 2 usage/config, 3 the identity platform refused (or, with --check, a claim check failed),
5 network/TLS, 1 unexpected. Without --check the token is obtained (exit 0) even when checks fail.`;

interface TokenFlags extends AuthFlags {
  decode?: boolean;
  check?: boolean;
  showToken?: boolean;
  protocol?: Transport;
}

function localExpiry(exp: number | undefined, now = Date.now()): string {
  if (typeof exp !== "number") return t("token.noExp");
  const minutes = Math.floor((exp * 1000 - now) / 60_000);
  const left = minutes >= 0 ? t("token.minLeft", { minutes }) : t("token.expiredAgo", { minutes: -minutes });
  return `${new Date(exp * 1000).toLocaleString(getLang() === "de" ? "de-DE" : undefined)} (${left})`;
}

function show(v: unknown): string {
  if (v === undefined) return t("token.absent");
  return Array.isArray(v) ? v.join(", ") || t("token.empty") : String(v);
}

/** The check's detail in the current language (the --json `checks` keep src/auth/claims.ts's English detail). */
function checkText(c: ClaimCheck, claims: TokenClaims, protocol: Transport, now = Date.now()): string {
  const role = protocol === "graph" ? GRAPH_READ_ROLES.join("/") : ROLE_FOR_PROTOCOL[protocol];
  const aud = typeof claims.aud === "string" ? claims.aud : "(missing)";
  const exp = typeof claims.exp === "number" ? claims.exp : undefined;
  const minutes = exp === undefined ? 0 : Math.abs(Math.floor((exp * 1000 - now) / 60_000));
  const time = exp === undefined ? "-" : new Date(exp * 1000).toISOString();
  const hasRoles = Array.isArray(claims.roles) && claims.roles.length > 0;
  const forGraph = protocol === "graph";
  const key: Record<ClaimCheck["id"], string> = {
    audience: forGraph
      ? `forGraph.${c.ok ? "ok" : isExchangeAudience(aud) ? "exchange" : "other"}`
      : c.ok
        ? "ok"
        : isGraphAudience(aud)
          ? "graph"
          : "other",
    role: forGraph
      ? `forGraph.${!c.unknown ? "ok" : hasRoles ? "noRead" : "noRoles"}`
      : c.ok
        ? "ok"
        : Array.isArray(claims.roles)
          ? "lack"
          : "noRoles",
    expiry: exp === undefined ? "none" : c.ok ? "ok" : "expired",
    "app-only": c.ok ? "ok" : "delegated",
  };
  const params = {
    aud,
    role,
    roles: Array.isArray(claims.roles) ? claims.roles.join(", ") : "",
    mailRoles: Array.isArray(claims.roles)
      ? claims.roles.filter((r) => typeof r === "string" && r.startsWith("Mail.")).join(", ")
      : "",
    time,
    minutes,
    appidacr: String(claims.appidacr ?? "-"),
    idtyp: String(claims.idtyp ?? "-"),
    scp: String(typeof claims.scp === "string"),
  };
  return t(`token.check.${c.id}.${key[c.id]}`, params);
}

export function formatDecoded(
  header: JwtHeader,
  claims: TokenClaims,
  checks: ClaimCheck[],
  protocol: Transport,
  fromCache: boolean,
): string {
  const h = ["alg", "typ", "kid", "x5t"].filter((k) => header[k] !== undefined).map((k) => `${k}=${String(header[k])}`);
  const rows: [string, unknown][] = [
    ["appid", claims.appid],
    ["oid", claims.oid],
    ["tid", claims.tid],
    ["aud", claims.aud],
    ["roles", claims.roles],
    ["idtyp", claims.idtyp],
    ["appidacr", claims.appidacr],
    ["iss", claims.iss],
  ];
  const expires = t("token.expires");
  const source = t("token.source");
  const w = Math.max(9, expires.length + 1, source.length + 1);
  const lines = [`${t("token.header")}:  ${h.join("  ")}`, `${t("token.claims")}:`];
  for (const [k, v] of rows) lines.push(`  ${k.padEnd(w)}${show(v)}`);
  lines.push(`  ${expires.padEnd(w)}${localExpiry(claims.exp)}`);
  lines.push(`  ${source.padEnd(w)}${t(fromCache ? "token.source.cache" : "token.source.endpoint")}`);
  lines.push(`${t("token.checks", { protocol })}:`);
  for (const c of checks)
    lines.push(
      `  ${c.unknown ? "?" : c.ok ? "✓" : "✗"} ${c.id.padEnd(9)}${checkText(c, claims, protocol)}${c.code ? ` [${c.code}]` : ""}`,
    );
  return `${lines.join("\n")}\n`;
}

async function run(flags: TokenFlags): Promise<number> {
  const settings = await resolveSettings(flags);
  const protocol: Transport = flags.protocol ?? settings.protocol ?? "pop3";
  const provider = createTokenProvider(settings);
  const tok: AccessToken = await provider.getToken();
  if (!flags.json && !flags.decode && !flags.check) {
    writeSecretPayload(`${tok.token}\n`);
    return 0;
  }
  // The token is printed only when asked for: --json, --decode and --check output ends up in monitoring logs.
  const { header, claims } = decodeClaims(tok.token);
  const checks = checkClaims(claims, protocol);
  const checksOk = checks.every((c) => c.ok);
  // --check: the exit code says whether the token is fit for the protocol (identity class, like `test`).
  const code = flags.check && !checksOk ? 3 : 0;
  if (flags.json) {
    const out = { ok: true, expires_on: tok.expiresOn.toISOString(), from_cache: tok.fromCache, claims, checks };
    if (flags.showToken)
      writeSecretPayload(`${JSON.stringify({ ...out, checks_ok: checksOk, access_token: tok.token }, null, 2)}\n`);
    else processOut.stdout(`${JSON.stringify({ ...out, checks_ok: checksOk }, null, 2)}\n`);
    return code;
  }
  processOut.stdout(formatDecoded(header, claims, checks, protocol, tok.fromCache));
  if (flags.showToken) writeSecretPayload(`access_token: ${tok.token}\n`);
  return code;
}

export function registerToken(program: Command, ctx: RunContext): void {
  const cmd = program
    .command("token")
    .summary("get an app-only access token for Exchange Online or Microsoft Graph")
    .description(
      "Get an app-only (client credentials) access token for Exchange Online (or, with --protocol graph, Microsoft Graph) from the Microsoft identity platform.\nPrints only the token on stdout, usable as passwordeval / PassCmd. --decode, --check and --json show and check its claims instead, without the token (--show-token adds it).",
    );
  addAuthOptions(cmd)
    .option("--decode", "print header, claims and checks instead of the token")
    .option("--check", "like --decode, and exit 3 when a check fails (for scripts and monitoring)")
    .option(
      "--show-token",
      "with --json, --decode or --check: include the token itself (access_token); keep it out of logs",
    )
    .addOption(
      new Option(
        "--protocol <protocol>",
        "protocol whose audience and permission the checks look for (default pop3); graph also requests a Graph token",
      ).choices([...TRANSPORTS]),
    )
    .addHelpText("after", EXAMPLES)
    .action(async (flags: TokenFlags) => {
      try {
        ctx.exitCode = await run(flags);
      } catch (e) {
        const err = toXoauthError(e);
        if (flags.json) processOut.stdout(`${JSON.stringify({ ok: false, error: errorJson(err) }, null, 2)}\n`);
        else processOut.stderr(formatError(err));
        ctx.exitCode = err.exitCode;
      }
    });
}
