/**
 * `test` in German and English, end to end through the BUILT CLI against the identity + Exchange fakes: the human
 * output of three failure codes (PERMISSION_MISSING, MAILBOX_ACCESS_DENIED, CLIENT_SECRET_INVALID) with --lang de,
 * with LANG=de_DE.UTF-8, and in English; step names, step details, header and diagnosis all in one language.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  app,
  caFile,
  dir,
  IMAP_ONLY,
  identity,
  MB,
  MB_NO_FULLACCESS,
  runCli,
  SECRET,
  server,
  TENANT,
  useFakes,
} from "../harness/e2e-fixture.js";

useFakes();

let n = 0;
interface Case {
  code: string;
  exit: number;
  args: () => string[];
  client?: string;
  secret?: string;
  mailbox?: string;
}

async function human(c: Case, lang: { flag?: string; env?: string }) {
  const r = await runCli(
    [
      ...(lang.flag ? ["--lang", lang.flag] : []),
      "test",
      "--authority-host",
      identity.url,
      "--ca-file",
      caFile,
      "--tenant-id",
      TENANT,
      "--client-id",
      c.client ?? app.clientId,
      "--mailbox",
      c.mailbox ?? MB,
      ...c.args(),
    ],
    {
      env: {
        AZURE_CLIENT_SECRET: c.secret ?? SECRET,
        XOAUTH_MAIL_CACHE_DIR: join(dir, `cache-lang-${++n}`),
        ...(lang.env ? { LANG: lang.env } : {}),
      },
    },
  );
  assert.equal(r.code, c.exit, `${r.stdout}\n${r.stderr}`);
  return `${r.stdout}${r.stderr}`;
}

/** Phrases of the English output that must not appear in the German one. */
const ENGLISH = [
  /Likely causes?/,
  /^\s+Fix:/m,
  /from the token endpoint/,
  /rejected XOAUTH2/,
  / at 127\.0\.0\.1:/,
  /implicit TLS/,
  /Access token |Token claims|TCP connect|Authenticate \(XOAUTH2\)/,
  /\bmin left\b|\bexpires in\b/,
  /The mail server refused|The token has no|was rejected/,
];

const cases: Case[] = [
  { code: "PERMISSION_MISSING", exit: 3, args: () => server("pop3"), client: IMAP_ONLY.clientId },
  { code: "MAILBOX_ACCESS_DENIED", exit: 4, args: () => server("pop3"), mailbox: MB_NO_FULLACCESS },
  { code: "CLIENT_SECRET_INVALID", exit: 3, args: () => server("pop3"), secret: "wrong-secret-value" },
];

const GERMAN: Record<string, RegExp> = {
  PERMISSION_MISSING: /✗ PERMISSION_MISSING: Dem Token fehlt die Rolle POP\.AccessAsApp/,
  MAILBOX_ACCESS_DENIED: /✗ MAILBOX_ACCESS_DENIED: Der Mailserver hat die XOAUTH2-Anmeldung/,
  CLIENT_SECRET_INVALID: /✗ CLIENT_SECRET_INVALID: AADSTS7000215 \(invalid_client\): Der geheime Clientschlüssel/,
};
const ENGLISH_SUMMARY: Record<string, RegExp> = {
  PERMISSION_MISSING: /✗ PERMISSION_MISSING: The token has no POP\.AccessAsApp role/,
  MAILBOX_ACCESS_DENIED: /✗ MAILBOX_ACCESS_DENIED: The mail server refused the XOAUTH2 login/,
  CLIENT_SECRET_INVALID: /✗ CLIENT_SECRET_INVALID: AADSTS7000215 .*secret/i,
};

describe("test speaks German with --lang de or LANG=de_DE.UTF-8, English otherwise", () => {
  for (const c of cases) {
    for (const lang of [{ flag: "de" }, { env: "de_DE.UTF-8" }]) {
      test(`${c.code} in German (${lang.flag ? "--lang de" : "LANG=de_DE.UTF-8"})`, async () => {
        const out = await human(c, lang);
        assert.match(out, GERMAN[c.code] as RegExp, out);
        assert.match(out, /über 127\.0\.0\.1:\d+ \((implizites TLS|STARTTLS)\)/);
        assert.match(out, /✓ Optionen +\d+ ms {2}Mandant /);
        assert.match(out, /Lösung:/);
        if (c.code !== "CLIENT_SECRET_INVALID") {
          assert.match(out, /✓ Access Token +\d+ ms {2}vom Token-Endpunkt, läuft in \d+ Min\. ab/);
          assert.match(out, /Wahrscheinliche Ursachen/);
        }
        for (const en of ENGLISH) assert.doesNotMatch(out, en, out);
      });
    }
    test(`${c.code} in English (LANG=C)`, async () => {
      const out = await human(c, {});
      assert.match(out, ENGLISH_SUMMARY[c.code] as RegExp, out);
      assert.match(out, / at 127\.0\.0\.1:\d+ \(implicit TLS\)/);
      assert.match(out, /✓ Options +\d+ ms {2}tenant /);
      assert.doesNotMatch(out, /Lösung|Ursache|über 127|Mandant/);
    });
  }
  test("MAILBOX_ACCESS_DENIED over IMAP: the failed step names the code and the server reply in German", async () => {
    const out = await human(
      { code: "MAILBOX_ACCESS_DENIED", exit: 4, args: () => server("imap"), mailbox: "nobody@contoso.onmicrosoft.com" },
      { flag: "de" },
    );
    assert.match(out, /✗ Anmeldung \(XOAUTH2\) +\d+ ms {2}MAILBOX_ACCESS_DENIED – Antwort des Servers: NO /);
    assert.match(out, /✓ TLS +– {2}implizites TLS, Zertifikat vertrauenswürdig \(nicht einzeln gemessen\)/);
  });
});
