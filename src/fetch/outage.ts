/**
 * A daemon's server that answered earlier in the run and now cannot be reached is down for a while (maintenance, a
 * network outage): its error says so and that it is being retried, instead of the first-contact causes ("wrong host
 * or port") that would send the admin to change a configuration that works.
 */
import type { XoauthError } from "../errors.js";
import { t } from "../i18n/index.js";

const OUTAGE_CODES: ReadonlySet<string> = new Set(["MAIL_SERVER_UNREACHABLE", "TIMEOUT", "CONNECTION_CLOSED"]);

/** Rewrites `why` and `fix` of a network failure of a server that had answered (codes and messages stay). */
export function explainOutage(err: XoauthError, server: { host: string; port: number }): XoauthError {
  if (!OUTAGE_CODES.has(err.code)) return err;
  const p = err.details.params ?? {};
  const params = { host: p.host ?? server.host, port: p.port ?? server.port };
  err.why = t("fetch.outage.why", params);
  err.fix = [t("fetch.outage.retry"), t("fetch.outage.check", params)];
  return err;
}
