/** Human output of `test`: one line per step, then the diagnosis (what happened, likely causes, exact fix). */
import { TRANSPORT_NAME, type Transport } from "../auth/clouds.js";
import { escapeControl } from "../log/sanitize.js";
import { graphRequestLine } from "./request-id.js";
import type { MailServer } from "./server.js";
import { diagUi } from "./text.js";
import type { Diagnosis, DiagnosisStep } from "./types.js";

const NAME_WIDTH = 26;
/** Where a step's detail starts: "  ✓ ", the name, the 8-column time and two spaces. */
const NOTE_INDENT = 4 + NAME_WIDTH + 8 + 2;

export function formatHeader(protocol: Transport, mailbox: string, server: MailServer | undefined): string {
  const where = server
    ? ` ${diagUi("header.at", { host: server.host, port: server.port, tls: diagUi(`tls.${server.tls}`) })}`
    : "";
  return `${TRANSPORT_NAME[protocol]} · ${mailbox || "-"}${where}\n`;
}

export function formatStep(step: DiagnosisStep): string {
  const mark = step.ok ? "✓" : "✗";
  const name = diagUi(`step.${step.id}`).padEnd(NAME_WIDTH);
  const ms = (step.measured === false ? "–" : `${step.ms} ms`).padStart(8);
  const raw = escapeControl(step.detail);
  const detail = raw.length > 140 ? `${raw.slice(0, 137)}...` : raw; // long enough for the full oid GUID
  const line = `  ${mark} ${name}${ms}  ${detail}\n`;
  // A note asks for action (e.g. the fix for a refused token cache): whole, under the detail.
  return step.note ? `${line}${" ".repeat(NOTE_INDENT)}${escapeControl(step.note)}\n` : line;
}

export function formatDiagnosis(d: Diagnosis): string {
  const summary = escapeControl(d.summary);
  if (d.code === "OK") return `✓ ${summary}\n`;
  const causes = d.causes.map((c) => escapeControl(c));
  const lines = ["", `✗ ${d.code}: ${summary}`];
  if (causes.length === 1) lines.push(`  ${diagUi("diag.cause")}: ${causes[0]}`);
  else if (causes.length > 1) {
    lines.push(`  ${diagUi("diag.causes")}:`);
    causes.forEach((c, i) => {
      lines.push(`    ${i + 1}. ${c}`);
    });
  }
  if (d.fix.length) {
    lines.push(`  ${diagUi("diag.fix")}:`);
    for (const f of d.fix) lines.push(`    ${escapeControl(f, { keepNewlines: true }).split("\n").join("\n    ")}`);
  }
  if (d.requestId) lines.push(graphRequestLine(d.requestId));
  return `${lines.join("\n")}\n`;
}
