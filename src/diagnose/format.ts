/** Human output of `test`: one line per step, then the diagnosis (what happened, likely causes, exact fix). */
import type { MailProtocol } from "../auth/clouds.js";
import type { MailServer } from "./server.js";
import { diagUi } from "./text.js";
import type { Diagnosis, DiagnosisStep } from "./types.js";

const NAME_WIDTH = 26;
const PROTOCOL_NAME: Record<MailProtocol, string> = { pop3: "POP3", imap: "IMAP", smtp: "SMTP" };

export function formatHeader(protocol: MailProtocol, mailbox: string, server: MailServer | undefined): string {
  const where = server
    ? ` ${diagUi("header.at", { host: server.host, port: server.port, tls: diagUi(`tls.${server.tls}`) })}`
    : "";
  return `${PROTOCOL_NAME[protocol]} · ${mailbox || "-"}${where}\n`;
}

export function formatStep(step: DiagnosisStep): string {
  const mark = step.ok ? "✓" : "✗";
  const name = diagUi(`step.${step.id}`).padEnd(NAME_WIDTH);
  const ms = (step.measured === false ? "–" : `${step.ms} ms`).padStart(8);
  const detail = step.detail.length > 110 ? `${step.detail.slice(0, 107)}...` : step.detail;
  return `  ${mark} ${name}${ms}  ${detail}\n`;
}

export function formatDiagnosis(d: Diagnosis): string {
  if (d.code === "OK") return `✓ ${d.summary}\n`;
  const lines = ["", `✗ ${d.code}: ${d.summary}`];
  if (d.causes.length === 1) lines.push(`  ${diagUi("diag.cause")}: ${d.causes[0]}`);
  else if (d.causes.length > 1) {
    lines.push(`  ${diagUi("diag.causes")}:`);
    d.causes.forEach((c, i) => {
      lines.push(`    ${i + 1}. ${c}`);
    });
  }
  if (d.fix.length) {
    lines.push(`  ${diagUi("diag.fix")}:`);
    for (const f of d.fix) lines.push(`    ${f.split("\n").join("\n    ")}`);
  }
  return `${lines.join("\n")}\n`;
}
