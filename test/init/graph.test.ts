/** `xoauth-mail init --protocol graph` driven by flags through the BUILT CLI against the sandbox's Graph fake. */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { runCli } from "../harness/cli.js";
import { cliJson } from "../harness/e2e.js";
import { type InitFixture, startInitFixture } from "../harness/init-fixture.js";

describe("xoauth-mail init --protocol graph", () => {
  let fx: InitFixture;
  let n = 0;
  before(async () => {
    fx = await startInitFixture();
  });
  after(async () => {
    await fx.close();
  });

  const init = (config: string, extra: string[] = [], graphArgs = fx.graphArgs()) =>
    runCli([...fx.initArgs(), ...graphArgs, "--config", config, ...extra], {
      timeoutMs: 40_000,
      env: { XOAUTH_MAIL_CACHE_DIR: join(fx.dir, `cache-${++n}`) },
    });

  const account = (config: string): Record<string, unknown> =>
    (parse(readFileSync(config, "utf8")) as { accounts: Record<string, Record<string, unknown>> }).accounts
      .default as Record<string, unknown>;

  it("gets a Graph token, reads the inbox, writes protocol graph + graphUrl (no servers), and `test --config` passes", async () => {
    const config = join(fx.dir, "ok", "config.yaml");
    const r = await init(config, ["--protocol", "graph"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /✓ Token received: appid 4a1aa1d5-c567-49d0-ad0b-cd957a47f842, roles .*Mail\./);
    assert.match(r.stdout, /^Graph · info@contoso\.onmicrosoft\.com /m);
    assert.match(
      r.stdout,
      /Microsoft Graph access to info@contoso\.onmicrosoft\.com at https:\/\/127\.0\.0\.1:\d+\/v1\.0 works/,
    );
    const acc = account(config);
    assert.equal(acc.protocol, "graph");
    assert.equal(acc.graphUrl, fx.tn.graphUrl);
    assert.equal(acc.servers, undefined);

    const again = await runCli(["test", "--json", "--no-cache", "--config", config], { timeoutMs: 30_000 });
    const json = cliJson(again, again.stderr);
    assert.equal(json.protocol, "graph");
    assert.equal(json.diagnosis.code, "OK", again.stdout + again.stderr);
    assert.equal(again.code, 0);
  });

  it("--graph-url without --protocol means graph", async () => {
    const config = join(fx.dir, "implied", "config.yaml");
    const r = await init(config, ["--skip-test"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(account(config).protocol, "graph");
  });

  it("an app without Graph roles: GRAPH_PERMISSION_MISSING with the admin step printed, config still written", async (t) => {
    const roles = fx.tn.app.graphRoles;
    fx.tn.app.graphRoles = [];
    t.after(() => {
      fx.tn.app.graphRoles = roles;
    });
    const config = join(fx.dir, "denied", "config.yaml");
    const r = await init(config, ["--protocol", "graph"]);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /roles \(none: no admin consent for a Mail\.\* permission/);
    assert.match(r.stdout, /Still to do by an admin \(GRAPH_PERMISSION_MISSING\)/);
    assert.match(r.stdout, /Microsoft Graph > Application permissions > Mail\.Read/);
    assert.match(r.stdout, new RegExp(`New-ServicePrincipal -AppId ${fx.tn.clientId} `));
    assert.match(r.stdout, /Then check again: xoauth-mail test --config .* --no-cache/);
    assert.equal(account(config).protocol, "graph");
  });

  it("mail server flags with graph, or --graph-url with IMAP, are usage errors (exit 2) and nothing is written", async () => {
    const config = join(fx.dir, "usage", "config.yaml");
    const host = await init(config, ["--protocol", "graph", "--host", "127.0.0.1"]);
    assert.equal(host.code, 2, host.stdout + host.stderr);
    assert.match(host.stderr, /--host, --port and --tls set a POP3\/IMAP\/SMTP server/);
    const imap = await init(config, ["--protocol", "imap", "--lang", "de"]);
    assert.equal(imap.code, 2, imap.stdout + imap.stderr);
    assert.match(imap.stderr, /--graph-url gilt nur mit --protocol graph, nicht mit IMAP/);
    assert.equal(existsSync(config), false);
  });
});
