/** `xoauth-mail init` driven by flags (no prompts) through the BUILT CLI against an in-process sandbox tenant. */
import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { runCli } from "../harness/cli.js";
import { type InitFixture, startInitFixture } from "../harness/init-fixture.js";

const TENANT_GUID = "9188040d-6c67-4c5b-b112-36a304b66dad";
const MAILBOX = "info@contoso.onmicrosoft.com";

describe("xoauth-mail init --non-interactive", () => {
  let fx: InitFixture;
  before(async () => {
    fx = await startInitFixture();
  });
  after(async () => {
    await fx.close();
  });

  const base = (config: string, protocol: "pop3" | "imap" = "pop3"): string[] => [
    ...fx.initArgs(),
    "--protocol",
    protocol,
    ...fx.connArgs(protocol),
    "--config",
    config,
  ];

  it("resolves the domain to the tenant GUID, tests, and writes a config whose 0600 secret file `test` accepts", async () => {
    const config = join(fx.dir, "ok", "config.yaml");
    const r = await runCli(base(config, "imap"), { timeoutMs: 40_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`✓ Tenant contoso\\.onmicrosoft\\.com found \\(tenant ID ${TENANT_GUID}\\)`));
    assert.match(r.stdout, /✓ IMAP XOAUTH2 login to info@contoso\.onmicrosoft\.com .* works\./);
    const cfg = parse(readFileSync(config, "utf8")) as {
      defaultAccount: string;
      accounts: Record<string, Record<string, unknown>>;
    };
    assert.equal(cfg.defaultAccount, "default");
    const acc = cfg.accounts.default as Record<string, unknown>;
    assert.equal(acc.tenantId, TENANT_GUID);
    assert.equal(acc.protocol, "imap");
    const secretFile = (acc.secret as { file: string }).file;
    assert.equal(statSync(secretFile).mode & 0o777, 0o600);
    assert.equal(readFileSync(secretFile, "utf8").trim(), fx.tn.clientSecret);
    assert.equal(statSync(config).mode & 0o777, 0o600);
    assert.doesNotMatch(readFileSync(config, "utf8") + r.stdout + r.stderr, new RegExp(fx.tn.clientSecret.slice(6)));

    const again = await runCli(["test", "--json", "--no-cache", "--config", config], { timeoutMs: 30_000 });
    assert.equal(again.code, 0, again.stdout + again.stderr);
  });

  it("keeps other accounts of an existing config and refuses to replace an account without --yes", async () => {
    const config = join(fx.dir, "merge", "config.yaml");
    const first = await runCli(base(config), { timeoutMs: 40_000 });
    assert.equal(first.code, 0, first.stdout + first.stderr);
    writeFileSync(
      config,
      `# my notes\n${readFileSync(config, "utf8")}`.replace(
        "accounts:\n",
        "accounts:\n  other:\n    mailbox: x@y.example\n",
      ),
    );
    const refused = await runCli([...base(config), "--lang", "de"], { timeoutMs: 40_000 });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /Das Konto "default" gibt es in .* schon; mit --yes wird es ersetzt/);
    const replaced = await runCli([...base(config), "--yes", "--account", "default"], { timeoutMs: 40_000 });
    assert.equal(replaced.code, 0, replaced.stdout + replaced.stderr);
    const text = readFileSync(config, "utf8");
    assert.match(text, /# my notes/);
    assert.deepEqual(Object.keys((parse(text) as { accounts: object }).accounts).sort(), ["default", "other"]);
  });

  it("a wrong secret fails with the catalog explanation (exit 3) and writes nothing", async () => {
    const config = join(fx.dir, "wrong", "config.yaml");
    const bad = join(fx.dir, "bad-secret");
    writeFileSync(bad, "b0c5e2d1-7a3f-4e8b-9c6d-2f1e0a9b8c7d\n", { mode: 0o600 });
    const args = base(config);
    args[args.indexOf("--client-secret-file") + 1] = bad;
    const r = await runCli(args, { timeoutMs: 40_000 });
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stderr, /\[CLIENT_SECRET_INVALID\]: AADSTS7000215/);
    assert.match(r.stderr, /the secret's ID, not its Value/);
    assert.equal(existsSync(config), false);
  });

  it("a mailbox without FullAccess: config written, exit 4, and the missing admin command printed", async (t) => {
    const sp = fx.tn.app.servicePrincipalObjectId;
    fx.tn.exchange.directory.revokeFullAccess(sp, MAILBOX);
    t.after(() => fx.tn.exchange.directory.grantFullAccess(sp, MAILBOX));
    const config = join(fx.dir, "denied", "config.yaml");
    const r = await runCli(base(config), { timeoutMs: 40_000 });
    assert.equal(r.code, 4, r.stdout + r.stderr);
    assert.match(r.stdout, /Still to do by an admin \(MAILBOX_ACCESS_DENIED\)/);
    assert.match(
      r.stdout,
      new RegExp(`Add-MailboxPermission -Identity ${MAILBOX} -User ${sp} -AccessRights FullAccess`),
    );
    assert.equal(existsSync(config), true);
  });

  it("a missing value or a bad tenant shape is a usage error (exit 2) naming the flag", async () => {
    const config = join(fx.dir, "usage", "config.yaml");
    const noMailbox = base(config);
    noMailbox.splice(noMailbox.indexOf("--mailbox"), 2);
    const r = await runCli(noMailbox, { timeoutMs: 40_000 });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /Missing the mailbox: pass --mailbox/);
    const shape = base(config);
    shape[shape.indexOf("--tenant-id") + 1] = "not a tenant";
    const s = await runCli(shape, { timeoutMs: 40_000 });
    assert.equal(s.code, 2);
    assert.match(s.stderr, /"not a tenant" is not a tenant ID/);
    assert.equal(existsSync(config), false);
  });
});
