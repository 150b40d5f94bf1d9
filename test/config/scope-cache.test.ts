/**
 * One run may need two audiences (fetch over IMAP, send over Graph): scopeFor gives each its scope, and the token
 * cache keeps them apart, so each app and audience costs one token request per token lifetime.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { decodeJwt } from "../../src/auth/jwt.js";
import { createTokenProvider } from "../../src/auth/provider.js";
import { resolveSettings, scopeFor } from "../../src/config/settings.js";
import "../../src/i18n/catalogs.js";
import { defaultSandboxTenant, IdentityFake } from "../../src/sandbox/identity/index.js";

const tenant = defaultSandboxTenant();
const app = tenant.apps[0] as NonNullable<(typeof tenant.apps)[0]>;
let fake: IdentityFake;
let dir: string;

before(async () => {
  fake = new IdentityFake({ tenants: [tenant] });
  await fake.start();
  dir = mkdtempSync(join(tmpdir(), "xoauth-scope-cache-"));
});
after(async () => {
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("Graph and Exchange tokens of one app: one request per audience, concurrent callers share it", async () => {
  const s = await resolveSettings(
    { tenantId: tenant.tenantId, clientId: app.clientId, authorityHost: fake.url, protocol: "imap" },
    { AZURE_CLIENT_SECRET: app.secrets[0]?.value as string },
    { warn: () => {} },
  );
  const env = { XOAUTH_MAIL_CACHE_DIR: dir };
  // One provider per audience, as `test` keeps them (a provider's memory is its own).
  const providers = {
    imap: createTokenProvider({ ...s, ca: [fake.caPem], scope: scopeFor(s, "imap") }, { env }),
    graph: createTokenProvider({ ...s, ca: [fake.caPem], scope: scopeFor(s, "graph") }, { env }),
  };
  const providerFor = (t: "imap" | "graph") => providers[t];
  const before = fake.tokenRequests;
  const [imap1, graph1, imap2, graph2] = await Promise.all([
    providerFor("imap").getToken(),
    providerFor("graph").getToken(),
    providerFor("imap").getToken(),
    providerFor("graph").getToken(),
  ]);
  assert.equal(fake.tokenRequests - before, 2, "one request per audience");
  assert.equal(imap1?.token, imap2?.token);
  assert.equal(graph1?.token, graph2?.token);
  assert.equal(decodeJwt(imap1.token).claims.aud, "https://outlook.office365.com");
  assert.equal(decodeJwt(graph1.token).claims.aud, "https://graph.microsoft.com");
  // A new provider (another process) finds it in the disk cache.
  const again = await createTokenProvider({ ...s, ca: [fake.caPem], scope: scopeFor(s, "graph") }, { env }).getToken();
  assert.equal(again.fromCache, true, "from the disk cache");
  assert.equal(again.token, graph1.token);
  assert.equal(fake.tokenRequests - before, 2);
});
