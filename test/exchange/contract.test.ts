/**
 * The Exchange behaviour table (src/exchange/contract.ts): every row round-trips through its matcher on every
 * protocol, matchers do not overlap, codes and sources exist, and the replies the sandbox fake sends today are
 * byte-identical to the table's (so the wiring cannot drift).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ERROR_CODES, isTemporaryCode } from "../../src/errors.js";
import {
  classifyReply,
  EXCHANGE_SERVICE,
  normaliseReply,
  PROTOCOLS,
  PROXY_REPLIES,
  proxyReplyFor,
  REPLIES,
  renderLine,
  replyFor,
  replyRow,
  rowsFor,
  SITUATIONS,
  situation,
  situationCode,
  situationKind,
  situationsFor,
} from "../../src/exchange/contract.js";
import { DEMO_EXPECTED_DIAGNOSIS } from "../../src/sandbox/demo/expected.js";
import { IMAP_CAPABILITY, IMAP_TEXT, POP3_TEXT, SMTP_TEXT } from "../../src/sandbox/exchange/index.js";
import { SANDBOX_SCENARIOS } from "../../src/sandbox/local-tenant.js";

const VARS = { tag: "x7", host: "AM0PR01MB1234.eurprd01.prod.outlook.com", user: "a@b.example", from: "c@d.example" };

/** Every line a row knows on a protocol: Exchange's and the equivalents, rendered. */
function samples(id: string, protocol: (typeof PROTOCOLS)[number]): string[] {
  const w = REPLIES.find((r) => r.id === id)?.protocols[protocol];
  if (!w) return [];
  return [...(w.exchange ?? []), ...(w.others ?? []).flatMap((o) => o.lines)].map((l) => renderLine(l, VARS));
}

describe("exchange contract: round trip", () => {
  it("every situation's reply is classified back to its reply row, on every protocol and step it applies to", () => {
    let checked = 0;
    for (const s of SITUATIONS) {
      for (const p of PROTOCOLS) {
        const e = s.protocols[p];
        if (!e) continue;
        const row = replyRow(e.reply);
        const w = row.protocols[p];
        assert.ok(w, `${s.id}/${p}: reply ${e.reply} has no ${p} entry`);
        for (const step of w.steps) {
          for (const line of replyFor(s.id, p, VARS)) {
            assert.equal(classifyReply(p, step, line)?.id, row.id, `${s.id}/${p}/${step}: ${line}`);
            checked++;
          }
        }
        assert.ok(situationsFor(row.id, p).includes(s));
      }
    }
    assert.ok(checked >= 40, `only ${checked} checks`);
  });

  it("every reply row's Exchange and equivalent lines are classified back to that row", () => {
    for (const r of REPLIES) {
      for (const p of PROTOCOLS) {
        const lines = samples(r.id, p);
        if (r.protocols[p]) assert.ok(lines.length > 0, `${r.id}/${p} has no lines`);
        for (const line of lines) assert.equal(classifyReply(p, undefined, line)?.id, r.id, `${r.id}/${p}: ${line}`);
      }
    }
  });

  it("no line of one row is matched by another row's matcher (no overlap)", () => {
    for (const r of REPLIES) {
      for (const p of PROTOCOLS) {
        for (const line of samples(r.id, p)) {
          const text = normaliseReply(p, line);
          const others = REPLIES.filter((o) => o !== r && o.protocols[p]?.match.test(text)).map((o) => o.id);
          assert.deepEqual(others, [], `${r.id}/${p} line also matches ${others.join(", ")}: ${line}`);
        }
      }
    }
  });

  it("a step where a reply does not surface does not classify it", () => {
    assert.equal(classifyReply("imap", "auth", "A1 BAD User is authenticated but not connected."), undefined);
    assert.equal(
      classifyReply("imap", "mailbox", "A1 BAD User is authenticated but not connected.")?.id,
      "not-connected",
    );
    assert.equal(classifyReply("smtp", "auth", replyFor("send-as-denied", "smtp")[0] as string), undefined);
  });

  it("ordinary replies of the fake and of Dovecot are not failures of the table", () => {
    const benign: [(typeof PROTOCOLS)[number], string][] = [
      ["pop3", "+OK Logged in."],
      ["pop3", POP3_TEXT.authOk],
      ["pop3", POP3_TEXT.badState],
      ["pop3", POP3_TEXT.bye],
      ["imap", `A1 ${IMAP_TEXT.authOk}`],
      ["imap", IMAP_TEXT.bye],
      ["imap", `A1 ${IMAP_TEXT.badState}`],
      ["imap", "a OK [CAPABILITY IMAP4rev1 SASL-IR] Logged in"],
      ["smtp", "235 2.7.0 Authentication successful"],
      ["smtp", "250 2.0.0 OK"],
      ["smtp", "530 5.7.57 Client not authenticated to send mail."],
    ];
    for (const [p, line] of benign) assert.equal(classifyReply(p, undefined, line), undefined, `${p}: ${line}`);
  });
});

describe("exchange contract: codes, kinds, sources", () => {
  const known = new Set<string>(ERROR_CODES);

  it("every code is in src/errors.ts", () => {
    for (const r of REPLIES) assert.ok(known.has(r.code), `${r.id}: ${r.code}`);
    for (const s of SITUATIONS)
      for (const p of PROTOCOLS) if (s.protocols[p]) assert.ok(known.has(situationCode(s, p)));
  });

  it("a reply's kind and its code's kind (isTemporaryCode in src/errors.ts) agree", () => {
    for (const r of REPLIES) assert.equal(isTemporaryCode(r.code), r.kind === "temporary", `${r.id}: ${r.code}`);
  });

  it("connection limits and busy servers are temporary SERVER_BUSY, never a permission code", () => {
    for (const id of ["connection-limit", "server-busy"] as const) {
      for (const p of PROTOCOLS) {
        assert.equal(situationCode(situation(id), p), "SERVER_BUSY");
        assert.equal(situationKind(situation(id), p), "temporary");
      }
    }
  });

  it("every row has a source: a public URL, an observation or an explicit UNCONFIRMED", () => {
    const ok = (s: string) => /^https:\/\/\S+$/.test(s) || /^(observed|UNCONFIRMED): \S/.test(s);
    for (const r of REPLIES) {
      for (const [p, w] of Object.entries(r.protocols)) {
        assert.ok(w.sources.length > 0, `${r.id}/${p} has no source`);
        for (const s of w.sources) assert.ok(ok(s), `${r.id}/${p}: ${s}`);
      }
    }
    for (const s of SITUATIONS) {
      assert.ok(s.sources.length > 0, `${s.id} has no source`);
      for (const src of s.sources) assert.ok(ok(src), `${s.id}: ${src}`);
    }
  });

  it("ids are unique and rowsFor lists each protocol's situations", () => {
    assert.equal(new Set(REPLIES.map((r) => r.id)).size, REPLIES.length);
    assert.equal(new Set(SITUATIONS.map((s) => s.id)).size, SITUATIONS.length);
    assert.ok(rowsFor("imap").some((s) => s.id === "token-expired-in-session"));
    assert.ok(!rowsFor("pop3").some((s) => s.id === "imap-disabled"));
  });
});

describe("exchange contract: the fake and the demo say what the table says", () => {
  it("the fake's POP3 texts are byte-identical", () => {
    assert.equal(replyFor("auth-failed", "pop3")[0], POP3_TEXT.authFail);
    assert.equal(EXCHANGE_SERVICE.pop3.greeting, `${POP3_TEXT.greeting} [{serverId}]`);
    assert.equal(EXCHANGE_SERVICE.pop3.authOk, POP3_TEXT.authOk);
  });

  it("the fake's IMAP texts are byte-identical", () => {
    assert.equal(replyFor("auth-failed", "imap", VARS)[0], `x7 ${IMAP_TEXT.authFail}`);
    assert.equal(replyFor("basic-auth", "imap", VARS)[0], `x7 ${IMAP_TEXT.loginFail}`);
    assert.equal(replyFor("not-connected", "imap", VARS)[0], `x7 ${IMAP_TEXT.notConnected}`);
    assert.equal(EXCHANGE_SERVICE.imap.greeting, `${IMAP_TEXT.greeting} [{serverId}]`);
    assert.equal(EXCHANGE_SERVICE.imap.capability, IMAP_CAPABILITY);
    assert.equal(renderLine(EXCHANGE_SERVICE.imap.authOk, VARS), `x7 ${IMAP_TEXT.authOk}`);
  });

  it("the fake's SMTP texts are byte-identical (smtp-server adds the 535 / 554 code)", () => {
    const h = VARS.host;
    assert.equal(replyFor("auth-failed", "smtp", VARS)[0], `535 ${SMTP_TEXT.authFail(h)}`);
    assert.equal(replyFor("smtp-auth-disabled-tenant", "smtp", VARS)[0], `535 ${SMTP_TEXT.tenantDisabled(h)}`);
    assert.equal(replyFor("smtp-auth-disabled-mailbox", "smtp", VARS)[0], `535 ${SMTP_TEXT.mailboxDisabled(h)}`);
    assert.equal(replyFor("basic-auth", "smtp", VARS)[0], `535 ${SMTP_TEXT.basicDisabled(h)}`);
    assert.equal(replyFor("send-as-denied", "smtp", VARS)[0], `554 ${SMTP_TEXT.sendAsDenied(VARS.user, VARS.from, h)}`);
  });

  it("the sandbox scenarios are exactly the situations with a scenario (no-sendas is send-as-denied)", () => {
    const used = SITUATIONS.flatMap((s) => (s.scenario ? [s.scenario] : []));
    assert.deepEqual(Object.keys(SANDBOX_SCENARIOS).sort(), [...used].sort());
    assert.equal(new Set(used).size, used.length);
    assert.equal(SITUATIONS.find((s) => s.scenario === "no-sendas")?.id, "send-as-denied");
  });

  it("the demo's expected diagnosis is the table's code for a missing FullAccess over IMAP", () => {
    assert.equal(DEMO_EXPECTED_DIAGNOSIS, situationCode(situation("no-fullaccess"), "imap"));
  });
});

describe("exchange contract: the proxy's replies", () => {
  it("a temporary upstream failure gets a temporary reply that classifies as temporary again", () => {
    for (const p of PROTOCOLS) {
      const line = proxyReplyFor(replyRow("connection-limit"), p, VARS);
      assert.equal(line, renderLine(PROXY_REPLIES.temporary[p], VARS));
      assert.equal(classifyReply(p, "auth", line)?.kind, "temporary", line);
    }
  });

  it("a permanent failure gets the RFC's permanent reply; IMAP's not-connected gets AUTHORIZATIONFAILED", () => {
    for (const p of PROTOCOLS) {
      const line = proxyReplyFor(replyRow("auth-failed"), p, VARS);
      assert.equal(classifyReply(p, "auth", line)?.id, "auth-failed", line);
    }
    const nc = proxyReplyFor(replyRow("not-connected"), "imap", VARS);
    assert.match(nc, /^x7 NO \[AUTHORIZATIONFAILED\] /);
    assert.equal(classifyReply("imap", "mailbox", nc)?.id, "not-connected");
  });
});
