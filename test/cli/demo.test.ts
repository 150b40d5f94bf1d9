/** `xoauth-mail demo` end to end through the BUILT CLI (compile first: `npx tsc -p tsconfig.json`). */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runCli } from "../harness/cli.js";

interface Step {
  id: string;
  ok: boolean;
  code?: string;
  expected?: unknown;
  fetched?: number;
  diagnosis?: { code: string; fix: string[] };
  aud?: string;
  roles?: string[];
  steps?: { id: string; ok: boolean }[];
  status?: number;
  requestId?: string;
}

const EXPECTED_IDS = [
  "token",
  "token-graph",
  "test-pop3",
  "test-imap",
  "test-graph",
  "fetch",
  "fetch-again",
  "fetch-graph",
  "fetch-graph-again",
  "diagnose-misconfiguration",
  "test-after-fix",
  "send-graph",
];

describe("xoauth-mail demo", () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("--json: exits 0 with every expected outcome, including the diagnosed misconfiguration", async () => {
    const r = await runCli(["demo", "--json"], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { ok: boolean; steps: Step[]; maildir: string | null };
    assert.equal(out.ok, true);
    assert.equal(out.maildir, null);
    assert.deepEqual(
      out.steps.map((s) => s.id),
      EXPECTED_IDS,
    );
    for (const s of out.steps) assert.equal(s.ok, true, `step ${s.id}`);
    const byId = new Map(out.steps.map((s) => [s.id, s]));
    assert.equal(byId.get("fetch")?.fetched, 3);
    assert.equal(byId.get("fetch-again")?.fetched, 0);
    const diag = byId.get("diagnose-misconfiguration");
    assert.equal(diag?.code, "MAILBOX_NOT_CONNECTED");
    assert.equal(diag?.expected, "MAILBOX_NOT_CONNECTED");
    assert.ok(
      diag?.diagnosis?.fix.some((f) =>
        f.includes(
          "Add-MailboxPermission -Identity info@contoso.onmicrosoft.com -User 6d2b4f8a-1e3c-4a5b-8c7d-9e0f1a2b3c4d",
        ),
      ),
    );
    assert.equal(byId.get("test-after-fix")?.code, "OK");
    assert.equal(byId.get("token-graph")?.aud, "https://graph.microsoft.com");
    assert.deepEqual(byId.get("token-graph")?.roles, ["Mail.ReadWrite", "Mail.Send"]);
    const graphTest = byId.get("test-graph");
    assert.equal(graphTest?.code, "OK");
    assert.deepEqual(
      graphTest?.steps?.filter((s) => ["mailbox", "list", "send-probe"].includes(s.id)).map((s) => [s.id, s.ok]),
      [
        ["mailbox", true],
        ["list", true],
        ["send-probe", true],
      ],
    );
    assert.equal(byId.get("fetch-graph")?.fetched, 3);
    assert.equal(byId.get("fetch-graph-again")?.fetched, 0);
    assert.equal(byId.get("send-graph")?.status, 202);
    assert.match(byId.get("send-graph")?.requestId ?? "", /^[0-9a-f-]{36}$/);
    assert.doesNotMatch(r.stdout + r.stderr, /eyJ[A-Za-z0-9_-]{8,}\./, "no token in the output");
    assert.doesNotMatch(r.stdout + r.stderr, /Sbx8Q~/, "no client secret in the output");
  });

  it("--lang de narrates in German and keeps the Maildir given with --maildir", async () => {
    const dir = mkdtempSync(join(tmpdir(), "demo-test-"));
    dirs.push(dir);
    const maildir = join(dir, "Maildir");
    const r = await runCli(["demo", "--lang", "de", "--maildir", maildir], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Access Token von der lokalen Identity Platform/);
    assert.match(r.stdout, /zweiter Lauf: 0 neu, 3 schon zugestellt/);
    assert.match(r.stdout, /→ Diagnose MAILBOX_NOT_CONNECTED: Exchange hat die XOAUTH2-Anmeldung/);
    assert.match(r.stdout, /Demo in \d+ ms abgeschlossen/);
    assert.match(
      r.stdout,
      /✓ Graph {2}TCP \d+ ms · TLS \d+ ms · Postfach \d+ ms · 1 Nachricht gelistet \d+ ms · Sendeprobe \d+ ms/,
    );
    assert.match(r.stdout, /✓ 202 Accepted in \d+ ms \(request-id [0-9a-f-]{36}\): Graph stellt später zu/);
    assert.doesNotMatch(r.stdout, /Likely cause|every expected outcome/);
    assert.equal(readdirSync(join(maildir, "new")).length, 3);
    assert.equal(
      readdirSync(join(maildir, ".Graph", "new")).length,
      3,
      "the Graph fetch, in the Maildir++ folder .Graph",
    );
    assert.match(r.stdout, /✓ 3 neue Nachrichten \(\d+ Bytes\) in \d+ ms: Byte für Byte dieselben wie per POP3/);
  });

  it("narrates in English by default, with the token's appid but never the token", async () => {
    const r = await runCli(["demo"], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /✓ appid 4a1aa1d5-c567-49d0-ad0b-cd957a47f842 · roles POP\.AccessAsApp/);
    assert.match(r.stdout, /✓ POP3 {2}TCP \d+ ms · TLS \d+ ms/);
    assert.match(
      r.stdout,
      /✓ Microsoft Graph token \(scope https:\/\/graph\.microsoft\.com\/\.default\): aud https:\/\/graph\.microsoft\.com · roles Mail\.ReadWrite, Mail\.Send/,
    );
    assert.match(
      r.stdout,
      /✓ Graph {2}TCP \d+ ms · TLS \d+ ms · mailbox \d+ ms · 1 message listed \d+ ms · send probe \d+ ms/,
    );
    assert.match(r.stdout, /✗ IMAP .*✗ mailbox \d+ ms/);
    assert.match(r.stdout, /✓ Demo complete in \d+ ms/);
    assert.doesNotMatch(r.stdout, /eyJ[A-Za-z0-9_-]{8,}\./);
  });
});
