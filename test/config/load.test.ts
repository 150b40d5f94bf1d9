/** The config file itself: unknown keys are errors with a suggestion; BOM and UTF-16 files (Windows editors) load. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { closest, editDistance } from "../../src/config/closest.js";
import { loadConfigFile, selectAccount } from "../../src/config/load.js";
import { XoauthError } from "../../src/errors.js";
import "../../src/i18n/catalogs.js";
import { setLang } from "../../src/i18n/index.js";

const T1 = "11111111-1111-4111-8111-111111111111";
let dir: string;
let n = 0;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "xoauth-load-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function config(content: string | Buffer): string {
  const p = join(dir, `c${++n}.yaml`);
  writeFileSync(p, content, { mode: 0o644 });
  return p;
}

function invalid(content: string, ...patterns: RegExp[]): XoauthError {
  const p = config(content);
  let err: XoauthError | undefined;
  assert.throws(
    () => loadConfigFile(p),
    (e: unknown) => {
      assert.ok(e instanceof XoauthError, String(e));
      err = e;
      return true;
    },
  );
  const e = err as XoauthError;
  assert.equal(e.code, "CONFIG_INVALID");
  assert.equal(e.exitCode, 2);
  assert.ok(e.message.includes(p), e.message);
  for (const re of patterns) assert.match(e.message, re);
  return e;
}

describe("unknown keys", () => {
  test("in an account: named with its path and the closest valid key", () => {
    const e = invalid(
      `accounts:\n  billing:\n    tenantId: ${T1}\n    protocl: imap\n`,
      /unknown key "protocl" in account "billing" \(accounts\.billing\.protocl\) - did you mean "protocol"\?/,
    );
    assert.match(e.why ?? "", /typo cannot silently fall back/);
    assert.match(e.fix.join(" "), /schema\/config\.schema\.json/);
    invalid(`accounts:\n  shop:\n    maildr: /srv/mail\n`, /"maildr" in account "shop".*did you mean "maildir"\?/);
    invalid(`accounts:\n  shop:\n    client_id: x\n`, /did you mean "clientId"\?/);
  });

  test("at the top level, in defaults and deeper", () => {
    invalid(`acounts:\n  a: {tenantId: ${T1}}\n`, /unknown key "acounts" at the top level - did you mean "accounts"\?/);
    invalid(`defaultAcount: a\n`, /did you mean "defaultAccount"\?/);
    invalid(
      `defaults:\n  protocoll: pop3\n`,
      /unknown key "protocoll" in defaults \(defaults\.protocoll\) - did you mean "protocol"\?/,
    );
    invalid(
      `accounts:\n  a:\n    servers:\n      pop3: {hots: x}\n`,
      /unknown key "hots" \(accounts\.a\.servers\.pop3\.hots\) - did you mean "host"\?/,
    );
    invalid(
      `accounts:\n  a:\n    secret: {fiel: /x}\n`,
      /unknown key "fiel" \(accounts\.a\.secret\.fiel\) - did you mean "file"\?/,
    );
  });

  test("without a close match the valid keys are listed", () => {
    invalid(`accounts:\n  a:\n    servers:\n      pop3: {xyzzy: 1}\n`, /"xyzzy".*valid keys here: host, port, tls/);
  });

  test("a secret with both env and file names both choices", () => {
    invalid(`accounts:\n  a:\n    secret: {env: X, file: /y}\n`, /accounts\.a\.secret: .*expected \{env\} \| \{file\}/);
  });

  test("German", () => {
    setLang("de");
    try {
      invalid(
        `accounts:\n  a:\n    protocl: imap\n`,
        /unbekannter Schlüssel "protocl" im Konto "a".*meinten Sie "protocol"\?/,
      );
    } finally {
      setLang("en");
    }
  });

  test("a mistyped --account gets a suggestion too", () => {
    const cfg = loadConfigFile(config(`accounts:\n  shop: {tenantId: ${T1}}\n  invoices: {tenantId: ${T1}}\n`));
    assert.throws(
      () => selectAccount(cfg, "shpo"),
      /Account "shpo" is not in .* \(accounts: shop, invoices\) - did you mean "shop"\?/,
    );
    assert.throws(() => selectAccount(cfg, "nothing-like-it"), /\(accounts: shop, invoices\)\.$/);
  });
});

describe("config file encodings", () => {
  const yaml = `# Grüße\naccounts:\n  shop:\n    tenantId: ${T1}\n    mailbox: shop@contoso.com\n`;
  const cases: [string, Buffer][] = [
    ["UTF-8 with BOM", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(yaml)])],
    [
      "UTF-16LE with BOM",
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(yaml.replace(/\n/g, "\r\n"), "utf16le")]),
    ],
    ["UTF-16BE with BOM", Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(yaml, "utf16le").swap16()])],
  ];
  for (const [name, bytes] of cases) {
    test(`${name} loads`, () => {
      const cfg = loadConfigFile(config(bytes));
      assert.deepEqual(Object.keys(cfg.raw.accounts ?? {}), ["shop"]);
      assert.equal(cfg.raw.accounts?.shop?.mailbox, "shop@contoso.com");
    });
  }
});

describe("closest", () => {
  test("edit distance counts a transposition as one edit", () => {
    assert.equal(editDistance("hots", "host"), 1);
    assert.equal(editDistance("protocl", "protocol"), 1);
    assert.equal(editDistance("", "abc"), 3);
  });

  test("suggests only what is close", () => {
    assert.equal(closest("tenantid", ["tenantId", "clientId"]), "tenantId");
    assert.equal(closest("mailbx", ["mailbox", "maildir"]), "mailbox");
    assert.equal(closest("zzz", ["tls", "port", "host"]), undefined);
  });
});
