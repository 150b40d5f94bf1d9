/**
 * Config file discovery (src/config/paths.ts, missing.ts): every command reads the same default file, and a value
 * that is missing while no config file was found says where the file was looked for (en + de).
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { defaultConfigPath } from "../../src/config/paths.js";
import { resolveSettings } from "../../src/config/settings.js";
import { XoauthError } from "../../src/errors.js";
import { planAccounts } from "../../src/fetch/accounts.js";
import "../../src/i18n/catalogs.js";
import { setLang } from "../../src/i18n/index.js";

const T1 = "11111111-1111-4111-8111-111111111111";
const C1 = "33333333-3333-4333-8333-333333333333";
const quiet = { warn: () => {} };

let dir: string;
/** An XDG_CONFIG_HOME without a config file, and one with xoauth-mail/config.yaml. */
let emptyXdg: string;
let fullXdg: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "xoauth-discovery-"));
  emptyXdg = join(dir, "empty");
  fullXdg = join(dir, "full");
  mkdirSync(join(fullXdg, "xoauth-mail"), { recursive: true });
  writeFileSync(
    join(fullXdg, "xoauth-mail", "config.yaml"),
    `accounts:\n  shop:\n    tenantId: ${T1}\n    mailbox: shop@contoso.com\n`,
    { mode: 0o600 },
  );
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The error a promise rejects with (an XoauthError, else the assertion fails). */
async function errorOf(p: Promise<unknown>): Promise<XoauthError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof XoauthError, String(e));
    return e;
  }
  assert.fail("expected an error");
}

async function inGerman<T>(f: () => Promise<T>): Promise<T> {
  setLang("de");
  try {
    return await f();
  } finally {
    setLang("en");
  }
}

describe("a missing value without a config file names the places looked in", () => {
  const env = () => ({ XDG_CONFIG_HOME: emptyXdg });
  const expected = () => join(emptyXdg, "xoauth-mail", "config.yaml");

  test("tenant ID (en)", async () => {
    const e = await errorOf(resolveSettings({ clientId: C1, clientSecret: "x-secret-value" }, env(), quiet));
    assert.equal(e.code, "USAGE");
    assert.match(e.message, /tenant ID is missing: set --tenant-id, the environment variable AZURE_TENANT_ID/);
    assert.equal(
      e.why,
      `No config file was found: --config was not given, XOAUTH_MAIL_CONFIG is not set, and ${expected()} does not exist.`,
    );
    assert.match(e.fix.join("\n"), new RegExp(`xoauth-mail init\` to write ${expected()}.*--config FILE`));
  });

  test("client ID (de)", async () => {
    const e = await inGerman(() => errorOf(resolveSettings({ tenantId: T1 }, env(), quiet)));
    assert.match(
      e.message,
      /^Die Client-ID \(Anwendungs-ID\) fehlt: --client-id, die Umgebungsvariable AZURE_CLIENT_ID/,
    );
    assert.equal(
      e.why,
      `Keine Konfigurationsdatei gefunden: --config ist nicht angegeben, XOAUTH_MAIL_CONFIG ist nicht gesetzt und ${expected()} gibt es nicht.`,
    );
    assert.match(e.fix.join("\n"), /xoauth-mail init/);
  });

  test("client credential (en and de)", async () => {
    const flags = { tenantId: T1, clientId: C1 };
    const en = await errorOf(resolveSettings(flags, env(), quiet));
    assert.match(en.message, /^No client credential/);
    assert.match(en.why ?? "", new RegExp(`XOAUTH_MAIL_CONFIG is not set, and ${expected()} does not exist`));
    const de = await inGerman(() => errorOf(resolveSettings(flags, env(), quiet)));
    assert.match(de.message, /^Kein Client-Anmeldenachweis/);
    assert.match(de.why ?? "", new RegExp(`${expected()} gibt es nicht`));
  });

  test("--account (en and de)", async () => {
    const en = await errorOf(resolveSettings({ account: "shop" }, env(), quiet));
    assert.match(en.message, /--account shop needs a config file/);
    assert.match(en.why ?? "", new RegExp(`${expected()} does not exist`));
    const de = await inGerman(() => errorOf(resolveSettings({ account: "shop" }, env(), quiet)));
    assert.match(de.message, /--account shop braucht eine Konfigurationsdatei/);
    assert.match(de.why ?? "", /Keine Konfigurationsdatei gefunden/);
  });
});

test("a value missing from the config file that was read names that file and account, not the search", async () => {
  const e = await errorOf(resolveSettings({}, { XDG_CONFIG_HOME: fullXdg }, quiet));
  const path = join(fullXdg, "xoauth-mail", "config.yaml");
  assert.equal(
    e.message,
    `The client ID is missing: set --client-id, the environment variable AZURE_CLIENT_ID, or \`clientId\` in the config file ${path} (account shop).`,
  );
  assert.equal(e.why, undefined);
});

test("the default path is $XDG_CONFIG_HOME/xoauth-mail/config.yaml, else $HOME/.config/xoauth-mail/config.yaml", () => {
  assert.equal(defaultConfigPath({ XDG_CONFIG_HOME: "/x" }), join("/x", "xoauth-mail", "config.yaml"));
  assert.equal(defaultConfigPath({ HOME: "/home/u" }), join("/home/u", ".config", "xoauth-mail", "config.yaml"));
});

describe("fetch --all reads the default config file like every other command", () => {
  const saved = { xdg: process.env.XDG_CONFIG_HOME, config: process.env.XOAUTH_MAIL_CONFIG };
  const restore = () => {
    for (const [k, v] of [
      ["XDG_CONFIG_HOME", saved.xdg],
      ["XOAUTH_MAIL_CONFIG", saved.config],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  after(restore);

  test("without --config it plans the accounts of $XDG_CONFIG_HOME/xoauth-mail/config.yaml", async () => {
    delete process.env.XOAUTH_MAIL_CONFIG;
    process.env.XDG_CONFIG_HOME = fullXdg;
    const planned = await planAccounts(
      { all: true, maildir: join(dir, "mail"), clientId: C1, clientSecret: "x-secret-value" },
      quiet,
    );
    assert.deepEqual(
      planned.map((p) => [p.name, p.mailbox]),
      [["shop", "shop@contoso.com"]],
    );
  });

  test("with no config file anywhere, the error names the places looked in (en and de)", async () => {
    delete process.env.XOAUTH_MAIL_CONFIG;
    process.env.XDG_CONFIG_HOME = emptyXdg;
    const en = await errorOf(planAccounts({ all: true, maildir: join(dir, "mail") }, quiet));
    assert.equal(en.message, "--all needs a config file with accounts.");
    assert.match(en.why ?? "", new RegExp(`${join(emptyXdg, "xoauth-mail", "config.yaml")} does not exist`));
    const de = await inGerman(() => errorOf(planAccounts({ all: true, maildir: join(dir, "mail") }, quiet)));
    assert.equal(de.message, "--all braucht eine Konfigurationsdatei mit Konten.");
    assert.match(de.why ?? "", /Keine Konfigurationsdatei gefunden/);
  });
});
