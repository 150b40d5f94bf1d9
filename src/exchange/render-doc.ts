/**
 * Renders the per-situation section of docs/exchange-behaviour.md from the table (src/exchange/contract.ts), and
 * splices it between the markers of the page. Pure: the caller reads and writes the file.
 */
import type { MailProtocol } from "../auth/clouds.js";
import { PROTOCOLS, PROXY_REPLIES, REPLIES, replyRow, SITUATIONS, situationCode, situationKind } from "./contract.js";
import type { Source } from "./types.js";

export const BEGIN_MARKER =
  "<!-- BEGIN GENERATED from src/exchange/contract.ts by src/exchange/render-doc.ts; regenerate: XOAUTH_UPDATE_DOCS=1 node --test dist/test/exchange/doc.test.js -->";
export const END_MARKER = "<!-- END GENERATED -->";

const NAME: Record<MailProtocol, string> = { pop3: "POP3", imap: "IMAP", smtp: "SMTP" };

/** Text for a Markdown table cell: pipes escaped, as a code span when asked. */
function cell(text: string, code = false): string {
  const t = text.replace(/\|/g, "\\|");
  return code ? `\`${t}\`` : t;
}

class SourceList {
  private readonly all: Source[] = [];
  ref(sources: readonly Source[]): string {
    return sources
      .map((s) => {
        let i = this.all.indexOf(s);
        if (i < 0) i = this.all.push(s) - 1;
        return `[${i + 1}]`;
      })
      .join(" ");
  }
  render(): string {
    return this.all.map((s, i) => `${i + 1}. ${/^https:/.test(s) ? `<${s}>` : s}`).join("\n");
  }
}

function situationTable(src: SourceList): string {
  const head = `| Situation | Cause (admin side) | ${PROTOCOLS.map((p) => NAME[p]).join(" | ")} | Diagnosis | Sources |`;
  const rows = SITUATIONS.map((s) => {
    const per = PROTOCOLS.map((p) => {
      const e = s.protocols[p];
      if (!e) return "–";
      return `${e.reply} (${replyRow(e.reply).protocols[p]?.steps.join(", ")})`;
    });
    const codes = [
      ...new Set(PROTOCOLS.filter((p) => s.protocols[p]).map((p) => `${situationCode(s, p)}, ${situationKind(s, p)}`)),
    ];
    const diag =
      codes.length === 1
        ? (codes[0] as string)
        : PROTOCOLS.filter((p) => s.protocols[p])
            .map((p) => `${NAME[p]}: ${situationCode(s, p)}, ${situationKind(s, p)}`)
            .join("; ");
    const scenario = s.scenario ? `; sandbox \`--scenario ${s.scenario}\`` : "";
    return `| ${cell(s.title)} (\`${s.id}\`${scenario}) | ${cell(s.cause)} | ${per.join(" | ")} | ${diag} | ${src.ref(s.sources)} |`;
  });
  return [head, `|${" --- |".repeat(7)}`, ...rows].join("\n");
}

function replySections(src: SourceList): string {
  return REPLIES.map((r) => {
    const head = `#### \`${r.id}\`: ${r.title}\n\nCode \`${r.code}\`, ${r.kind}.\n`;
    const rows = PROTOCOLS.flatMap((p) => {
      const w = r.protocols[p];
      if (!w) return [];
      const ex = w.exchange ? w.exchange.map((l) => cell(l, true)).join("<br>") : "UNCONFIRMED";
      const others = (w.others ?? [])
        .map((o) => `${cell(o.server)}: ${o.lines.map((l) => cell(l, true)).join("<br>")}`)
        .join("<br>");
      return [
        `| ${NAME[p]} | ${w.steps.join(", ")} | ${ex} | ${others || "–"} | ${cell(String(w.match), true)} | ${src.ref(w.sources)} |`,
      ];
    });
    const table = [
      "| Protocol | Step | Exchange Online sends | Others send | Matcher | Sources |",
      `|${" --- |".repeat(6)}`,
    ];
    return `${head}\n${[...table, ...rows].join("\n")}`;
  }).join("\n\n");
}

function proxyTable(): string {
  const rows = (["temporary", "permanent", "notAuthorized"] as const).map(
    (k) => `| ${k} | ${PROTOCOLS.map((p) => cell(PROXY_REPLIES[k][p], true)).join(" | ")} |`,
  );
  return ["| Upstream failure | POP3 | IMAP | SMTP |", `|${" --- |".repeat(4)}`, ...rows].join("\n");
}

/** The generated section (without markers). */
export function renderContractSection(): string {
  const src = new SourceList();
  const situations = situationTable(src);
  const replies = replySections(src);
  return [
    "### Situations",
    "",
    "Each cell names the reply (see below) and the step where it surfaces. Placeholders: `{tag}` IMAP tag, `{host}` the",
    "server's host name, `{user}` the XOAUTH2 user, `{from}` the From address, `{limit}` / `{ms}` numbers.",
    "",
    situations,
    "",
    "### Replies on the wire",
    "",
    replies,
    "",
    "### What the proxy answers its client",
    "",
    proxyTable(),
    "",
    "### Sources of this section",
    "",
    src.render(),
  ].join("\n");
}

/** The page with the generated section replaced; throws when the markers are missing. */
export function spliceGenerated(page: string, section: string = renderContractSection()): string {
  const b = page.indexOf(BEGIN_MARKER);
  const e = page.indexOf(END_MARKER);
  if (b < 0 || e < b) throw new Error("docs/exchange-behaviour.md lacks the generated-section markers");
  return `${page.slice(0, b + BEGIN_MARKER.length)}\n${section}\n${page.slice(e)}`;
}
