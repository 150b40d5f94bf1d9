/**
 * Renders the generated sections of docs/exchange-behaviour.md: the per-situation section from the table
 * (src/exchange/contract.ts) and the Microsoft Graph section from src/exchange/graph-replies.ts and the Graph hosts of
 * src/auth/clouds.ts, and splices each between its markers. Pure: the caller reads and writes the file
 * (`npm run docs`, scripts/docs/render-exchange-behaviour.ts).
 */
import { CLOUDS, type MailProtocol } from "../auth/clouds.js";
import { PROTOCOLS, PROXY_REPLIES, REPLIES, replyRow, SITUATIONS, situationCode, situationKind } from "./contract.js";
import { GRAPH_REPLIES, GRAPH_SRC, type GraphReplyId, graphReply } from "./graph-replies.js";
import type { Situation, Source } from "./types.js";

export const BEGIN_MARKER =
  "<!-- BEGIN GENERATED from src/exchange/contract.ts by src/exchange/render-doc.ts; regenerate: XOAUTH_UPDATE_DOCS=1 node --test dist/test/exchange/doc.test.js -->";
export const END_MARKER = "<!-- END GENERATED -->";
export const GRAPH_BEGIN_MARKER =
  "<!-- BEGIN GENERATED GRAPH from src/exchange/graph-replies.ts and src/auth/clouds.ts by src/exchange/render-doc.ts; regenerate: npm run docs -->";
export const GRAPH_END_MARKER = "<!-- END GENERATED GRAPH -->";

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

/** Per channel (POP3, IMAP, SMTP, Graph) of a situation: its code and kind, `undefined` where it does not apply. */
function channelDiagnoses(s: Situation): { name: string; diag: string }[] {
  const out = PROTOCOLS.filter((p) => s.protocols[p]).map((p) => ({
    name: NAME[p],
    diag: `${situationCode(s, p)}, ${situationKind(s, p)}`,
  }));
  if (s.graph) {
    const row = graphReply(s.graph.reply as GraphReplyId);
    out.push({ name: "Graph", diag: `${s.code ?? row.ourCode}, ${row.kind}` });
  }
  return out;
}

function situationTable(src: SourceList): string {
  const names = [...PROTOCOLS.map((p) => NAME[p]), "Graph"];
  const head = `| Situation | Cause (admin side) | ${names.join(" | ")} | Diagnosis | Sources |`;
  const rows = SITUATIONS.map((s) => {
    const per = PROTOCOLS.map((p) => {
      const e = s.protocols[p];
      if (!e) return "–";
      return `${e.reply} (${replyRow(e.reply).protocols[p]?.steps.join(", ")})`;
    });
    per.push(s.graph ? `${s.graph.reply} (${s.graph.operation})` : "–");
    const channels = channelDiagnoses(s);
    const codes = [...new Set(channels.map((c) => c.diag))];
    const diag = codes.length === 1 ? (codes[0] as string) : channels.map((c) => `${c.name}: ${c.diag}`).join("; ");
    const scenario = s.scenario ? `; sandbox \`--scenario ${s.scenario}\`` : "";
    return `| ${cell(s.title)} (\`${s.id}\`${scenario}) | ${cell(s.cause)} | ${per.join(" | ")} | ${diag} | ${src.ref(s.sources)} |`;
  });
  return [head, `|${" --- |".repeat(names.length + 4)}`, ...rows].join("\n");
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
    "Each cell names the reply (see below; Graph's: section 11) and the step where it surfaces (Graph: the first operation",
    "that gets it). Placeholders: `{tag}` IMAP tag, `{host}` the server's host name, `{user}` the XOAUTH2 user, `{from}`",
    "the From address, `{limit}` / `{ms}` numbers.",
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

/** Public sources of the Graph hosts per cloud. */
const GRAPH_HOST_SOURCES: readonly Source[] = [
  "https://learn.microsoft.com/en-us/graph/deployments",
  "https://learn.microsoft.com/en-us/graph/sdks/national-clouds",
];

function graphHostTable(src: SourceList): string {
  const rows = Object.values(CLOUDS).map(
    (c) => `| ${c.name} | \`${c.graphUrl}\` | \`${c.graphScope}\` | \`${c.authorityHost}\` |`,
  );
  return [
    `Sources: ${src.ref(GRAPH_HOST_SOURCES)}. \`--graph-url\` overrides the API root: for tests, the sandbox, or a`,
    "deployment the table lacks, such as US Government L5 (DoD) at `https://dod-graph.microsoft.us/v1.0`.",
    "",
    "| `--cloud` | Graph API root (`--graph-url`) | Token scope | Authority host |",
    `|${" --- |".repeat(4)}`,
    ...rows,
  ].join("\n");
}

function graphReplyTable(src: SourceList): string {
  const rows = GRAPH_REPLIES.map((r) => {
    const retry = r.retryAfter ? "yes" : "–";
    const message = r.message ? cell(r.message, true) : "(empty)";
    return `| \`${r.id}\` | ${cell(r.title)} | ${r.status} | \`${r.code}\` | ${message} | \`${r.ourCode}\`, ${r.kind} | ${retry} | ${src.ref(r.sources)} |`;
  });
  return [
    "| Answer | Situation | HTTP | `error.code` | `error.message` | Diagnosis | Retry-After | Sources |",
    `|${" --- |".repeat(8)}`,
    ...rows,
  ].join("\n");
}

/** The generated Graph section (without markers). */
export function renderGraphSection(): string {
  const src = new SourceList();
  const hosts = graphHostTable(src);
  const replies = graphReplyTable(src);
  return [
    "### Graph hosts per cloud",
    "",
    hosts,
    "",
    "### Graph error answers",
    "",
    `Every error body has the form \`{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}\``,
    `with the headers \`request-id\` and \`client-request-id\` ${src.ref([GRAPH_SRC.errors])}; xoauth-mail keeps both for`,
    "error reports. Placeholders: `{user}` the mailbox as given, `{generation}` / `{highest}` numbers of the sync state.",
    "`access-denied` gives `GRAPH_MAILBOX_OUT_OF_SCOPE` when the token has a `Mail.*` role and `GRAPH_PERMISSION_MISSING`",
    "when it has none (src/graph/classify.ts); an app granted mail only through RBAC for Applications has no roles in its",
    `token either ${src.ref([GRAPH_SRC.rbac])}, so the diagnosis then also names the scope as a possible cause.`,
    "Retry-After: the answer carries the header (seconds) and the client waits that long.",
    "",
    replies,
    "",
    "### Sources of the Graph section",
    "",
    src.render(),
  ].join("\n");
}

/** `page` with the text between `begin` and `end` replaced by `section`; throws when the markers are missing. */
export function spliceBetween(page: string, begin: string, end: string, section: string): string {
  const b = page.indexOf(begin);
  const e = page.indexOf(end, b + 1);
  if (b < 0 || e < b)
    throw new Error(`docs/exchange-behaviour.md lacks the generated-section markers ${begin.slice(0, 30)}...`);
  return `${page.slice(0, b + begin.length)}\n${section}\n${page.slice(e)}`;
}

/** The page with the generated section replaced; throws when the markers are missing. */
export function spliceGenerated(page: string, section: string = renderContractSection()): string {
  return spliceBetween(page, BEGIN_MARKER, END_MARKER, section);
}

/** The page with both generated sections (Exchange table, Graph table) replaced. */
export function spliceAllGenerated(page: string): string {
  return spliceBetween(spliceGenerated(page), GRAPH_BEGIN_MARKER, GRAPH_END_MARKER, renderGraphSection());
}
