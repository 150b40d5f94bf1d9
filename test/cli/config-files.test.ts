/**
 * End to end (the BUILT CLI against the identity fake): secret files and configs others can read are refused with
 * exit 2 before any request; unknown config keys name the key and the closest valid one; a secret file as Windows
 * Notepad saves it (UTF-16 with BOM, CRLF) and one with a leading blank line get a token.
 */
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { defaultSandboxTenant, IdentityFake } from "../../src/sandbox/identity/index.js";
import { createTestPki } from "../../src/sandbox/pki.js";
import { runCli } from "../harness/cli.js";

const base = defaultSandboxTenant();
const app = base.apps[0] as NonNullable<(typeof base.apps)[0]>;
const SECRET = app.secrets[0]?.value as string;
const ids = ["--tenant-id", base.tenantId, "--client-id", app.clientId];

let fake: IdentityFake;
let dir: string;
let caFile: string;
let n = 0;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "xoauth-config-files-e2e-"));
  fake = new IdentityFake({ pki: createTestPki(), tenants: [base] });
  await fake.start();
  caFile = join(dir, "ca.pem");
  writeFileSync(caFile, fake.caPem);
});

after(async () => {
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string | Buffer, mode: number): string {
  const p = join(dir, name);
  writeFileSync(p, content, { mode });
  chmodSync(p, mode);
  return p;
}

function token(args: string[]) {
  return runCli(["token", "--authority-host", fake.url, "--ca-file", caFile, ...args], {
    env: { XOAUTH_MAIL_CACHE_DIR: join(dir, `cache-${++n}`) },
  });
}

describe("xoauth-mail: files others can read are refused (exit 2)", () => {
  test("token --client-secret-file on a 0644 file: exit 2, the file and the chmod, no request sent", async () => {
    const secret = file("open-secret", `${SECRET}\n`, 0o644);
    const before = fake.requests.length;
    const r = await token([...ids, "--client-secret-file", secret]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /CONFIG_INVALID/);
    assert.ok(r.stderr.includes(`The client secret file ${secret} (--client-secret-file) can be read by group`));
    assert.ok(r.stderr.includes(`chmod 600 ${secret}`), r.stderr);
    assert.equal(r.stdout, "");
    assert.equal(fake.requests.length, before, "nothing was sent to the token endpoint");
    assert.ok(!r.stderr.includes(SECRET));
  });

  test("test --json with an inline clientSecret in a 0644 config: exit 2 and the fix in the JSON", async () => {
    const cfg = file(
      "inline.yaml",
      `accounts:\n  shop:\n    tenantId: ${base.tenantId}\n    clientId: ${app.clientId}\n    clientSecret: ${SECRET}\n    mailbox: shop@contoso.com\n`,
      0o644,
    );
    const r = await runCli(["test", "--config", cfg, "--json"]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const j = JSON.parse(r.stdout) as { diagnosis: { code: string; summary: string; fix: string[] } };
    assert.equal(j.diagnosis.code, "CONFIG_INVALID");
    assert.match(j.diagnosis.summary, /inline secret \(accounts\.shop\.clientSecret\).*mode 0644/);
    assert.ok(j.diagnosis.fix.join(" ").includes(`chmod 600 ${cfg}`));
    assert.ok(!r.stdout.includes(SECRET) && !r.stderr.includes(SECRET));
  });

  test("token --config with a mistyped key: exit 2 naming the key and the closest valid one", async () => {
    const secret = file("closed-secret", `${SECRET}\n`, 0o600);
    const cfg = file(
      "typo.yaml",
      `accounts:\n  billing:\n    tenantId: ${base.tenantId}\n    clientId: ${app.clientId}\n    secret: {file: ${secret}}\n    protocl: imap\n`,
      0o644,
    );
    const r = await token(["--config", cfg]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /unknown key "protocl" in account "billing" \(accounts\.billing\.protocl\) - did you mean "protocol"\?/,
    );
  });
});

describe("xoauth-mail token: secret files as editors save them", () => {
  test("UTF-16LE with BOM and CRLF (Notepad), UTF-8 with BOM, a leading blank line: each gets a token", async () => {
    const files = [
      file("notepad", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${SECRET}\r\n`, "utf16le")]), 0o600),
      file("utf8bom", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${SECRET}\n`)]), 0o600),
      file("blank-first", `\n\n${SECRET}\n`, 0o600),
    ];
    for (const f of files) {
      const r = await token([...ids, "--client-secret-file", f]);
      assert.equal(r.code, 0, `${f}: ${r.stderr}`);
      assert.match(r.stdout, /^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/);
    }
  });
});
