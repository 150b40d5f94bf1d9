/** The token provider in-process against the identity fake: caching (per provider), in-flight sharing, typed errors. */
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createTokenProvider, type ProviderSettings } from "../../src/auth/provider.js";
import type { XoauthError } from "../../src/errors.js";
import "../../src/i18n/catalogs.js";
import { defaultSandboxTenant, IdentityFake } from "../../src/sandbox/identity/index.js";

const tenant = defaultSandboxTenant();
const app = tenant.apps[0] as NonNullable<(typeof tenant.apps)[0]>;
/** A second tenant with the same app and secret (only its ID differs). */
const other = {
  ...defaultSandboxTenant(),
  tenantId: "4d0b6c1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f",
  domains: ["fabrikam.example"],
};
const SECRET = app.secrets[0]?.value as string;
let fake: IdentityFake;
let dir: string;
let n = 0;

before(async () => {
  fake = new IdentityFake({ tenants: [tenant, other] });
  await fake.start();
  dir = mkdtempSync(join(tmpdir(), "xoauth-provider-"));
});
after(async () => {
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

function settings(over: Partial<ProviderSettings> = {}): ProviderSettings {
  return {
    tenantId: tenant.tenantId,
    clientId: app.clientId,
    credential: { kind: "secret", secret: SECRET, source: "env" },
    authorityHost: fake.url,
    scope: "https://outlook.office365.com/.default",
    ca: [fake.caPem],
    proxy: undefined,
    noProxy: undefined,
    noCache: false,
    ...over,
  };
}

const env = () => ({ XOAUTH_MAIL_CACHE_DIR: join(dir, `c${++n}`) });

describe("createTokenProvider", () => {
  test("concurrent getToken() calls of one provider share one request", async () => {
    const before = fake.tokenRequests;
    const provider = createTokenProvider(settings(), { env: env() });
    const toks = await Promise.all([0, 1, 2, 3, 4].map(() => provider.getToken()));
    assert.equal(fake.tokenRequests - before, 1);
    assert.equal(new Set(toks.map((t) => t.token)).size, 1);
    const again = await provider.getToken();
    assert.equal(again.fromCache, true);
    assert.equal(fake.tokenRequests - before, 1);
  });

  test("a cache dir others can write: every token is requested, and the token says why", async () => {
    const d = join(dir, `open-${++n}`);
    mkdirSync(d);
    chmodSync(d, 0o777);
    const before = fake.tokenRequests;
    const first = await createTokenProvider(settings(), { diskCacheDir: d }).getToken();
    const second = await createTokenProvider(settings(), { diskCacheDir: d }).getToken();
    assert.equal(fake.tokenRequests - before, 2, "the second provider finds nothing on disk");
    assert.deepEqual([first.fromCache, second.cacheRefused], [false, { dir: d, problem: "others-write", mode: 0o777 }]);
    assert.deepEqual(readdirSync(d), [], "nothing written into it");
    chmodSync(d, 0o700);
    const p = createTokenProvider(settings(), { diskCacheDir: d });
    const third = await p.getToken();
    assert.equal(third.cacheRefused, undefined, "the control: a private dir");
    assert.equal((await createTokenProvider(settings(), { diskCacheDir: d }).getToken()).fromCache, true);
  });

  test("providers keep their tokens to themselves: no process-wide memory cache", async () => {
    const before = fake.tokenRequests;
    const first = await createTokenProvider(settings(), { diskCacheDir: false }).getToken();
    const second = await createTokenProvider(settings(), { diskCacheDir: false }).getToken();
    assert.equal(second.fromCache, false, "a new provider without a disk cache asks the endpoint itself");
    assert.equal(fake.tokenRequests - before, 2);
    assert.notEqual(second.token, first.token);
  });

  test("two providers for different tenants of the same app never get each other's token", async () => {
    const e = env();
    const [a, b] = await Promise.all([
      createTokenProvider(settings(), { env: e }).getToken(),
      createTokenProvider(settings({ tenantId: other.tenantId }), { env: e }).getToken(),
    ]);
    assert.notEqual(a.token, b.token);
    const tid = (t: string) => JSON.parse(Buffer.from(t.split(".")[1] as string, "base64url").toString()).tid;
    assert.equal(tid(a.token), tenant.tenantId);
    assert.equal(tid(b.token), other.tenantId);
  });

  test("a provider with a changed secret is never served the cached token", async () => {
    const e = env();
    await createTokenProvider(settings(), { env: e }).getToken();
    const wrong = createTokenProvider(
      settings({ credential: { kind: "secret", secret: "changed~secret~value~42", source: "env" } }),
      { env: e },
    );
    await assert.rejects(wrong.getToken(), (err: XoauthError) => err.code === "CLIENT_SECRET_INVALID");
  });

  test("the disk cache serves a new process (memory cleared) without a request; noCache bypasses it", async () => {
    const e = env();
    const first = await createTokenProvider(settings(), { env: e }).getToken();
    const before = fake.tokenRequests;
    const second = await createTokenProvider(settings(), { env: e }).getToken();
    assert.equal(second.token, first.token);
    assert.equal(second.fromCache, true);
    assert.equal(fake.tokenRequests, before);
    const third = await createTokenProvider(settings({ noCache: true }), { env: e }).getToken();
    assert.equal(third.fromCache, false);
    assert.equal(fake.tokenRequests, before + 1);
  });

  test("msal makes no discovery request: only the token POST reaches the fake", async () => {
    const start = fake.requests.length;
    await createTokenProvider(settings({ noCache: true }), { env: env() }).getToken({ forceRefresh: true });
    const paths = fake.requests.slice(start).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(paths, [`POST /${tenant.tenantId}/oauth2/v2.0/token`]);
  });

  test("a GUID-shaped secret rejected with AADSTS7000215 says the secret's ID was used", async () => {
    const p = createTokenProvider(
      settings({ credential: { kind: "secret", secret: app.secrets[0]?.id as string, source: "env" }, noCache: true }),
      { env: env() },
    );
    await assert.rejects(p.getToken(), (err: XoauthError) => {
      assert.equal(err.code, "CLIENT_SECRET_INVALID");
      assert.equal(err.details.aadsts, 7000215);
      assert.match(err.why ?? "", /ID, not its Value/);
      return true;
    });
  });

  test("5xx then success is retried; 5xx on every attempt is TOKEN_ENDPOINT_ERROR naming the status", async () => {
    const sleep = async () => {};
    fake.script.failNext(1, { status: 503 });
    const ok = await createTokenProvider(settings({ noCache: true }), { env: env(), http: { sleep } }).getToken();
    assert.equal(ok.fromCache, false);
    fake.script.failNext(3, { status: 500 });
    await assert.rejects(
      createTokenProvider(settings({ noCache: true }), { env: env(), http: { sleep } }).getToken(),
      (err: XoauthError) => err.code === "TOKEN_ENDPOINT_ERROR" && /HTTP 500/.test(err.message),
    );
    fake.script.clear();
  });

  test("an untrusted endpoint is TLS_UNTRUSTED even though msal wraps network errors", async () => {
    const p = createTokenProvider(settings({ ca: undefined, noCache: true }), { env: env() });
    await assert.rejects(p.getToken(), (err: XoauthError) => err.code === "TLS_UNTRUSTED");
  });

  test("HTTPS_PROXY: the request goes through a CONNECT tunnel; NO_PROXY bypasses it", async () => {
    const seen: string[] = [];
    const proxy = createHttpServer();
    const sockets = new Set<{ destroy(): void }>();
    let tunnelled = 0;
    proxy.on("connect", (req, client, head) => {
      seen.push(String(req.url));
      sockets.add(client);
      const [host, port] = String(req.url).split(":");
      const upstream = connect(Number(port), host, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      sockets.add(upstream);
      upstream.on("data", (d: Buffer) => {
        tunnelled += d.length;
      });
      upstream.on("error", () => client.destroy());
      client.on("error", () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
    try {
      const tok = await createTokenProvider(settings({ proxy: proxyUrl, noCache: true }), { env: env() }).getToken();
      assert.equal(tok.fromCache, false);
      assert.deepEqual(seen, [new URL(fake.url).host]);
      assert.ok(tunnelled > 0, "the token answer came back through the tunnel");
      await createTokenProvider(settings({ proxy: proxyUrl, noProxy: "127.0.0.1", noCache: true }), {
        env: env(),
      }).getToken();
      assert.equal(seen.length, 1, "NO_PROXY host went direct");
    } finally {
      for (const s of sockets) s.destroy();
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });
});

describe("proxy failures", () => {
  test("a proxy that is down is named (without credentials) with a fix about --proxy / HTTPS_PROXY / NO_PROXY", async () => {
    const p = createTokenProvider(settings({ proxy: "http://bob:hunter2@127.0.0.1:1", noCache: true }), {
      env: env(),
      http: { sleep: async () => {} },
    });
    await assert.rejects(p.getToken(), (err: XoauthError) => {
      assert.equal(err.code, "TOKEN_ENDPOINT_UNREACHABLE");
      assert.match(err.message, /proxy http:\/\/127\.0\.0\.1:1\b/);
      assert.equal(err.details.params?.host, "127.0.0.1");
      assert.equal(err.details.params?.port, "1");
      const all = `${err.message} ${err.why} ${err.fix.join(" ")}`;
      assert.ok(!all.includes("hunter2") && !all.includes("bob"), all);
      assert.match(err.message, /^Cannot reach the HTTPS proxy /);
      assert.match(err.fix.join(" "), /--proxy/);
      assert.match(err.fix.join(" "), /HTTPS_PROXY/);
      assert.match(err.fix.join(" "), /NO_PROXY/);
      return true;
    });
  });
});
