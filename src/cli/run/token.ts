/**
 * `xoauth-mail token`: get an app-only access token; print it (passwordeval / PassCmd), decode it, or JSON. Its options
 * and help: src/cli/commands/token.ts.
 */

import type { CacheDirRefusal } from "../../auth/cache-dir.js";
import { type ClaimCheck, checkClaims, decodeClaims } from "../../auth/claims.js";
import {
  GRAPH_READ_ROLES,
  isExchangeAudience,
  isGraphAudience,
  ROLE_FOR_PROTOCOL,
  type Transport,
} from "../../auth/clouds.js";
import type { JwtHeader } from "../../auth/jwt.js";
import { createTokenProvider } from "../../auth/provider.js";
import type { AccessToken, TokenClaims } from "../../auth/types.js";
import { cacheRefusedText } from "../../config/privacy.js";
import { type AuthFlags, resolveSettings } from "../../config/settings.js";
import { toXoauthError } from "../../errors.js";
import { getLang, t } from "../../i18n/index.js";
import type { RunContext } from "../context.js";
import { processOut, writeSecretPayload } from "../process-out.js";

export interface TokenFlags extends AuthFlags {
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
  cacheRefused?: CacheDirRefusal,
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
  if (cacheRefused) lines.push(`  ${t("token.cache").padEnd(w)}${cacheRefusedText(cacheRefused)}`);
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
    const out = {
      ok: true,
      expires_on: tok.expiresOn.toISOString(),
      from_cache: tok.fromCache,
      ...(tok.cacheRefused
        ? {
            cache_refused: {
              dir: tok.cacheRefused.dir,
              problem: tok.cacheRefused.problem,
              fix: cacheRefusedText(tok.cacheRefused),
            },
          }
        : {}),
      claims,
      checks,
    };
    if (flags.showToken)
      writeSecretPayload(`${JSON.stringify({ ...out, checks_ok: checksOk, access_token: tok.token }, null, 2)}\n`);
    else processOut.stdout(`${JSON.stringify({ ...out, checks_ok: checksOk }, null, 2)}\n`);
    return code;
  }
  processOut.stdout(formatDecoded(header, claims, checks, protocol, tok.fromCache, tok.cacheRefused));
  if (flags.showToken) writeSecretPayload(`access_token: ${tok.token}\n`);
  return code;
}

/** The action of `token`: runs it and sets the exit code; failures are printed (JSON with --json). */
export async function tokenAction(flags: TokenFlags, ctx: RunContext): Promise<void> {
  try {
    ctx.exitCode = await run(flags);
  } catch (e) {
    const err = toXoauthError(e);
    const { errorJson, formatError } = await import("../output.js"); // only when there is an error to print
    if (flags.json) processOut.stdout(`${JSON.stringify({ ok: false, error: errorJson(err) }, null, 2)}\n`);
    else processOut.stderr(formatError(err));
    ctx.exitCode = err.exitCode;
  }
}
