/** The one line that says NODE_TLS_REJECT_UNAUTHORIZED=0 is ignored: in the log format of the command, on stderr. */
import { t } from "../i18n/index.js";
import { processOut } from "./process-out.js";

type LogFormat = "text" | "json";

/**
 * Commands with `--log-format` (fetch, proxy) write it as one of their own log records, so a JSON log stays one
 * object per line; the others print `warning: ...`. `--json` output on stdout is never touched.
 */
export async function noticeTlsEnvIgnored(commandPath: string, logFormat: unknown): Promise<void> {
  const message = t("tls.envIgnored");
  if (logFormat !== "text" && logFormat !== "json") {
    processOut.stderr(`warning: ${message}\n`);
    return;
  }
  const format = logFormat as LogFormat;
  if (commandPath === "proxy") {
    const { createProxyLogger } = await import("../proxy/log.js");
    createProxyLogger(format, processOut.stderr)({ level: "warn", event: "tls-env-ignored", message });
    return;
  }
  const { createLogger } = await import("../fetch/log.js");
  createLogger(format, processOut.stderr).log("warn", message, { event: "tls-env-ignored" });
}
