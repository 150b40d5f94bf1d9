/**
 * The BUILT `xoauth-mail proxy` with a YAML config whose SMTP listener has `upstream: graph`: the account's graphUrl,
 * authorityHost and caFile are used as by `send --protocol graph`, the token is Graph's (the fake checks the audience
 * and Mail.Send), and a message sent with curl arrives byte for byte. Compile first: `npm run build:all`.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { defaultSandboxTenant } from "../../src/sandbox/identity/index.js";
import { hashWithCli, type ProxyChild, startProxyWithConfig } from "../harness/proxy/cli-proxy.js";
import { type GraphWorld, startWorld } from "../harness/world.js";

const tenant = defaultSandboxTenant();
const app = tenant.apps[0] as NonNullable<(typeof tenant.apps)[0]>;
const SECRET = app.secrets[0]?.value as string;
const MB = "info@contoso.onmicrosoft.com";
const PASSWORD = "scanner-password-1";

describe("xoauth-mail proxy (built CLI): SMTP listener with upstream: graph", () => {
  let w: GraphWorld;
  let proxy: ProxyChild;

  before(async () => {
    w = await startWorld({ graph: {}, prefix: "xoauth-proxy-graph-" });
    const config = {
      accounts: {
        shop: {
          tenantId: tenant.tenantId,
          clientId: app.clientId,
          secret: { env: "PROXY_TEST_SECRET" },
          authorityHost: w.identity.url,
          caFile: w.caFile,
          graphUrl: w.graphUrl,
          mailbox: MB,
        },
      },
      proxy: {
        authFailureDelayMs: 10,
        listeners: [{ name: "scanner", protocol: "smtp", listen: { port: 0 }, upstream: "graph" }],
        users: [{ username: "scanner", passwordHash: await hashWithCli(PASSWORD), account: "shop" }],
      },
    };
    proxy = await startProxyWithConfig(w.dir, config, 5, {
      PROXY_TEST_SECRET: SECRET,
      XOAUTH_MAIL_CACHE_DIR: join(w.dir, "cache"),
    });
    await proxy.waitFor((r) => r.event === "listening" && r.listener === "scanner");
  });
  after(async () => {
    proxy?.kill();
    await w?.stop();
  });

  it("curl sends through the proxy; the message arrives in the Graph fake byte for byte", async () => {
    const eml = Buffer.from(`From: ${MB}\r\nTo: office@contoso.example\r\nSubject: scan\r\n\r\npage 1\r\n`);
    const file = join(w.dir, "scan.eml");
    writeFileSync(file, eml);
    const url = `smtp://127.0.0.1:${proxy.port("scanner")}`;
    const common = [
      "--silent",
      "--show-error",
      "--url",
      url,
      "--mail-from",
      MB,
      "--mail-rcpt",
      "office@contoso.example",
    ];
    await promisify(execFile)("curl", [...common, "--user", `scanner:${PASSWORD}`, "--upload-file", file]);
    const sent = w.graph.sent.at(-1);
    assert.ok(sent?.raw.equals(eml), proxy.stderr());
    assert.equal(sent?.mailbox.toLowerCase(), MB);
    const ok = await proxy.waitFor((r) => r.event === "send" && r.outcome === "ok");
    assert.equal(ok.user, "scanner");
  });
});
