/**
 * End to end: the BUILT CLI (`node bin/xoauth-mail.js token`) against the identity fake on loopback,
 * with `--authority-host https://127.0.0.1:PORT --ca-file ca.pem`. Compile first: `npx tsc -p tsconfig.json`.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { defaultSandboxTenant, type FakeTenant, IdentityFake } from "../../src/sandbox/identity/index.js";
import { createTestPki } from "../../src/sandbox/pki.js";
import { runCli } from "../harness/cli.js";

const JWT_RE = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./;
const base = defaultSandboxTenant();
const app = base.apps[0] as NonNullable<(typeof base.apps)[0]>;
const TENANT = base.tenantId;
const CLIENT = app.clientId;
const SECRET = app.secrets[0]?.value as string;
const SECRET_ID = app.secrets[0]?.id as string;
const EXPIRED_CLIENT = "0b6c2f4e-1111-4a5b-8c7d-000000000001";
const DISABLED_CLIENT = "0b6c2f4e-1111-4a5b-8c7d-000000000002";
const CA_CLIENT = "0b6c2f4e-1111-4a5b-8c7d-000000000003";
const POP_ONLY_CLIENT = "0b6c2f4e-1111-4a5b-8c7d-000000000004";
/** Scoped with RBAC for Applications only: no Graph permission consented, so its Graph token has no roles. */
const RBAC_ONLY_CLIENT = "0b6c2f4e-1111-4a5b-8c7d-000000000005";
const USGOV_TENANT = "3f0e7a2b-2222-4c5d-9e8f-000000000009";

let fake: IdentityFake;
let dir: string;
let caFile: string;
let secretFile: string;
let certFile: string;
let otherCertFile: string;

function sibling(clientId: string, extra: Partial<(typeof base.apps)[0]>): (typeof base.apps)[0] {
  return { ...app, clientId, secrets: [{ id: SECRET_ID, value: SECRET }], certificates: [], ...extra };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "xoauth-token-e2e-"));
  const pki = createTestPki();
  const clientCert = pki.issueClientCert("xoauth-mail e2e app");
  const otherCert = pki.issueClientCert("not registered");
  const tenant: FakeTenant = {
    ...base,
    apps: [
      { ...app, certificates: [{ certPem: clientCert.certPem }] },
      sibling(EXPIRED_CLIENT, { secrets: [{ id: SECRET_ID, value: SECRET, expiresAt: new Date(Date.now() - 1000) }] }),
      sibling(DISABLED_CLIENT, { disabled: true }),
      sibling(CA_CLIENT, { conditionalAccessBlocked: true }),
      sibling(POP_ONLY_CLIENT, { grantedRoles: ["POP.AccessAsApp"] }),
      sibling(RBAC_ONLY_CLIENT, { graphRoles: [] }),
    ],
  };
  const usgov: FakeTenant = { tenantId: USGOV_TENANT, domains: ["fabrikam.onmicrosoft.us"], cloud: "usgov", apps: [] };
  fake = new IdentityFake({ pki, tenants: [tenant, usgov] });
  await fake.start();
  caFile = join(dir, "ca.pem");
  writeFileSync(caFile, fake.caPem);
  secretFile = join(dir, "secret.txt");
  writeFileSync(secretFile, `${SECRET}\n`, { mode: 0o600 });
  certFile = join(dir, "app.pem");
  writeFileSync(certFile, clientCert.combinedPem, { mode: 0o600 });
  otherCertFile = join(dir, "other.pem");
  writeFileSync(otherCertFile, otherCert.combinedPem, { mode: 0o600 });
});

after(async () => {
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

let cacheN = 0;
/** A fresh, empty cache dir per run unless one is given. */
function token(args: string[], env: Record<string, string | undefined> = {}) {
  return runCli(["token", "--authority-host", fake.url, "--ca-file", caFile, ...args], {
    env: { XOAUTH_MAIL_CACHE_DIR: join(dir, `cache-${++cacheN}`), ...env },
  });
}

const ids = (tenant = TENANT, client = CLIENT) => ["--tenant-id", tenant, "--client-id", client];

function jsonOf(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe("xoauth-mail token: success", () => {
  test("a client secret from a file prints only the token and a newline on stdout", async () => {
    const r = await token([...ids(), "--client-secret-file", secretFile]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/);
    assert.equal(r.stderr, "");
  });

  test("a certificate credential (PS256, x5t#S256) gets a token with appidacr 2", async () => {
    const r = await token([...ids(), "--certificate", certFile, "--json"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const j = jsonOf(r.stdout);
    assert.equal(j.ok, true);
    assert.equal((j.claims as Record<string, unknown>).appidacr, "2");
    const assertion = fake.requests.at(-1)?.form;
    assert.equal(assertion?.client_assertion_type, "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
  });

  test("--json prints ok, expires_on, claims and checks, not the token; checks pass for the consented app", async () => {
    const r = await token([...ids(), "--json", "--protocol", "imap"], { AZURE_CLIENT_SECRET: SECRET });
    assert.equal(r.code, 0, r.stderr);
    const j = jsonOf(r.stdout);
    assert.equal(j.ok, true);
    assert.equal("access_token" in j, false);
    assert.doesNotMatch(r.stdout, JWT_RE);
    assert.ok(Date.parse(String(j.expires_on)) > Date.now());
    assert.equal((j.claims as Record<string, unknown>).appid, CLIENT);
    const checks = j.checks as { id: string; ok: boolean }[];
    assert.deepEqual(
      checks.map((c) => [c.id, c.ok]),
      [
        ["audience", true],
        ["role", true],
        ["expiry", true],
        ["app-only", true],
      ],
    );
  });

  test("--decode shows claims and checks but neither the token nor the secret", async () => {
    const r = await token([...ids(), "--decode", "--client-secret", SECRET]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`appid\\s+${CLIENT}`));
    assert.match(r.stdout, /oid\s+6d2b4f8a-1e3c-4a5b-8c7d-9e0f1a2b3c4d/);
    assert.match(r.stdout, /min left/);
    assert.match(r.stdout, /✓ role\s+roles contain POP\.AccessAsApp/);
    assert.doesNotMatch(r.stdout, JWT_RE);
    assert.ok(!r.stdout.includes(SECRET) && !r.stderr.includes(SECRET));
    assert.match(r.stderr, /command line/, "warns that --client-secret is visible to other users");
  });
});

describe("xoauth-mail token: the token is printed only by plain `token` or with --show-token", () => {
  const env = () => ({ XOAUTH_MAIL_CACHE_DIR: join(dir, "cache-show-token") });
  const args = () => [...ids(), "--client-secret-file", secretFile];
  /** Every 24-character piece of the token (a monitoring log must hold none of them). */
  const pieces = (tok: string) => Array.from({ length: tok.length - 23 }, (_, i) => tok.slice(i, i + 24));

  test("--decode --json, --check --json and --json hold no piece of the token; --show-token adds access_token", async () => {
    const plain = await token(args(), env());
    assert.equal(plain.code, 0, plain.stderr);
    const tok = plain.stdout.trim();
    assert.match(tok, JWT_RE);
    for (const mode of [["--decode", "--json"], ["--check", "--json"], ["--json"], ["--decode"], ["--check"]]) {
      const r = await token([...args(), ...mode, "--protocol", "imap"], env());
      assert.equal(r.code, 0, `${mode.join(" ")}: ${r.stderr}`);
      if (mode.includes("--json")) {
        const j = jsonOf(r.stdout);
        assert.equal(j.from_cache, true, "the same (cached) token");
        assert.equal("access_token" in j, false, mode.join(" "));
      }
      const leaked = pieces(tok).find((p) => r.stdout.includes(p) || r.stderr.includes(p));
      assert.equal(leaked, undefined, `${mode.join(" ")} printed a piece of the token`);
    }
    const shown = await token([...args(), "--decode", "--json", "--show-token"], env());
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal(jsonOf(shown.stdout).access_token, tok);
    const text = await token([...args(), "--check", "--show-token"], env());
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`^access_token: ${tok.replace(/[.]/g, "\\.")}$`, "m"));
  });
});

describe("xoauth-mail token --check: the exit code says whether the token fits the protocol", () => {
  test("a token without IMAP.AccessAsApp: --check --protocol imap exits 3, pop3 exits 0; --decode alone stays 0", async () => {
    const args = [...ids(TENANT, POP_ONLY_CLIENT), "--client-secret-file", secretFile];
    const imap = await token([...args, "--check", "--protocol", "imap"]);
    assert.equal(imap.code, 3, imap.stderr);
    assert.match(imap.stdout, /✗ role/);
    assert.doesNotMatch(imap.stdout, JWT_RE);
    const pop = await token([...args, "--check", "--protocol", "pop3"]);
    assert.equal(pop.code, 0, pop.stderr);
    const decode = await token([...args, "--decode", "--protocol", "imap"]);
    assert.equal(decode.code, 0, decode.stderr);
    const json = await token([...args, "--json", "--check", "--protocol", "imap"]);
    assert.equal(json.code, 3);
    assert.equal(jsonOf(json.stdout).checks_ok, false);
  });
});

describe("xoauth-mail token --protocol graph", () => {
  const args = () => [...ids(), "--client-secret-file", secretFile];

  test("a Graph token with Mail.* roles: every check passes, none unknown", async () => {
    const r = await token([...args(), "--check", "--protocol", "graph", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const j = jsonOf(r.stdout);
    const checks = j.checks as { id: string; ok: boolean; unknown?: boolean }[];
    assert.deepEqual(
      checks.map((c) => [c.id, c.ok, c.unknown ?? false]),
      [
        ["audience", true, false],
        ["role", true, false],
        ["expiry", true, false],
        ["app-only", true, false],
      ],
    );
  });

  test("a Graph token without roles (RBAC for Applications): role unknown, --check exits 0", async () => {
    const rbac = () => [...ids(TENANT, RBAC_ONLY_CLIENT), "--client-secret-file", secretFile];
    const r = await token([...rbac(), "--check", "--protocol", "graph", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const j = jsonOf(r.stdout);
    assert.equal((j.claims as { aud: string }).aud, "https://graph.microsoft.com");
    const checks = j.checks as { id: string; ok: boolean; unknown?: boolean; detail: string }[];
    assert.deepEqual(
      checks.map((c) => [c.id, c.ok, c.unknown ?? false]),
      [
        ["audience", true, false],
        ["role", true, true],
        ["expiry", true, false],
        ["app-only", true, false],
      ],
    );
    assert.equal(j.checks_ok, true);
    const human = await token([...rbac(), "--decode", "--protocol", "graph"]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /\? role +no roles claim: .*RBAC for Applications has NO roles in its token/);
    const de = await token([...rbac(), "--decode", "--protocol", "graph"], { LANG: "de_DE.UTF-8" });
    assert.match(de.stdout, /RBAC for Applications eingeschränkte App hat KEINE roles/);
  });

  test("an Exchange token checked for Graph: WRONG_AUDIENCE, --check exits 3", async () => {
    const r = await token([
      ...args(),
      "--check",
      "--protocol",
      "graph",
      "--scope",
      "https://outlook.office365.com/.default",
    ]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(
      r.stdout,
      /✗ audience +aud https:\/\/outlook\.office365\.com is Exchange Online .*not Microsoft Graph/,
    );
    assert.match(r.stdout, /\[WRONG_AUDIENCE\]/);
  });

  test("Graph and Exchange tokens are cached apart: one request per audience, then none", async () => {
    const env = { XOAUTH_MAIL_CACHE_DIR: join(dir, "graph-cache") };
    const before = fake.tokenRequests;
    const ex = await token(args(), env);
    const gr = await token([...args(), "--protocol", "graph"], env);
    assert.equal(ex.code, 0, ex.stderr);
    assert.equal(gr.code, 0, gr.stderr);
    assert.notEqual(ex.stdout, gr.stdout);
    assert.equal(fake.tokenRequests - before, 2);
    const ex2 = await token(args(), env);
    const gr2 = await token([...args(), "--protocol", "graph"], env);
    assert.equal(ex2.stdout, ex.stdout);
    assert.equal(gr2.stdout, gr.stdout);
    assert.equal(fake.tokenRequests - before, 2, "both served from the cache");
  });
});

describe("xoauth-mail token: cache and retry", () => {
  test("a second run is served from the disk cache with zero requests to the fake", async () => {
    const cache = join(dir, "shared-cache");
    const env = { XOAUTH_MAIL_CACHE_DIR: cache };
    const first = await token([...ids(), "--client-secret-file", secretFile], env);
    assert.equal(first.code, 0, first.stderr);
    const before = fake.requests.length;
    const second = await token([...ids(), "--client-secret-file", secretFile], env);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(fake.requests.length, before, "no HTTP request on the second run");
    assert.equal(second.stdout, first.stdout);
    const third = await token([...ids(), "--client-secret-file", secretFile, "--no-cache"], env);
    assert.equal(third.code, 0);
    assert.equal(fake.requests.length, before + 1, "--no-cache bypasses the cache");
  });

  test("a wrong secret is never masked by a token cached for the right one", async () => {
    const env = { XOAUTH_MAIL_CACHE_DIR: join(dir, "cache-mask") };
    assert.equal((await token([...ids(), "--client-secret-file", secretFile], env)).code, 0);
    const r = await token([...ids(), "--json"], { ...env, AZURE_CLIENT_SECRET: "wrong~secret~value~0123456789" });
    assert.equal(r.code, 3);
    assert.equal((jsonOf(r.stdout).error as Record<string, unknown>).code, "CLIENT_SECRET_INVALID");
  });

  test("429 with Retry-After, then success", async () => {
    fake.script.failNext(1, { status: 429, retryAfterSec: 1 });
    const before = fake.tokenRequests;
    const r = await token([...ids(), "--client-secret-file", secretFile]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fake.tokenRequests - before, 2);
  });

  test("429 on every attempt ends in THROTTLED (exit 3)", async () => {
    fake.script.failNext(3, { status: 429, retryAfterSec: 0 });
    const r = await token([...ids(), "--client-secret-file", secretFile, "--json"]);
    fake.script.clear();
    assert.equal(r.code, 3);
    assert.equal((jsonOf(r.stdout).error as Record<string, unknown>).code, "THROTTLED");
  });
});

interface Case {
  name: string;
  aadsts: number;
  code: string;
  args?: string[];
  force?: boolean;
}

const CASES: Case[] = [
  {
    name: "unknown tenant",
    aadsts: 90002,
    code: "TENANT_NOT_FOUND",
    args: ids("11111111-2222-4333-8444-555555555555"),
  },
  { name: "malformed tenant (server)", aadsts: 900023, code: "TENANT_INVALID", force: true },
  { name: "multi-tenant endpoint (server)", aadsts: 9001023, code: "TENANT_INVALID", force: true },
  { name: "tenant of another cloud", aadsts: 90038, code: "WRONG_CLOUD", args: ids(USGOV_TENANT) },
  {
    name: "unknown client",
    aadsts: 700016,
    code: "APP_NOT_FOUND",
    args: ids(TENANT, "99999999-8888-4777-8666-555555555555"),
  },
  { name: "expired secret", aadsts: 7000222, code: "CLIENT_SECRET_EXPIRED", args: ids(TENANT, EXPIRED_CLIENT) },
  { name: "no credential sent", aadsts: 7000218, code: "CLIENT_CREDENTIAL_MISSING", force: true },
  { name: "unregistered certificate", aadsts: 700027, code: "CERTIFICATE_INVALID", args: [...ids(), "--certificate"] },
  { name: "clock skew", aadsts: 700024, code: "CLOCK_SKEW", force: true },
  { name: "bad scope", aadsts: 70011, code: "SCOPE_INVALID", force: true },
  {
    name: "scope without /.default",
    aadsts: 1002012,
    code: "SCOPE_INVALID",
    args: [...ids(), "--scope", "https://outlook.office365.com/POP.AccessAsApp"],
  },
  {
    name: "unknown resource",
    aadsts: 500011,
    code: "RESOURCE_NOT_FOUND",
    args: [...ids(), "--scope", "https://no-such-resource.example.com/.default"],
  },
  { name: "disabled app", aadsts: 7000112, code: "APP_DISABLED", args: ids(TENANT, DISABLED_CLIENT) },
  { name: "conditional access", aadsts: 53003, code: "CONDITIONAL_ACCESS_BLOCKED", args: ids(TENANT, CA_CLIENT) },
  { name: "request loop", aadsts: 50196, code: "THROTTLED", force: true },
];

function caseArgs(c: Case): string[] {
  const args = c.args ?? ids();
  return args.at(-1) === "--certificate" ? [...args, otherCertFile] : [...args, "--client-secret-file", secretFile];
}

async function assertJsonError(c: Case): Promise<void> {
  const j = await token([...caseArgs(c), "--json"]);
  assert.equal(j.code, 3, j.stdout + j.stderr);
  const err = jsonOf(j.stdout).error as Record<string, unknown>;
  assert.equal(err.code, c.code);
  assert.equal(err.aadsts, c.aadsts);
  assert.match(String(err.message), new RegExp(`AADSTS${c.aadsts}\\b`));
  assert.match(String(err.trace_id), /^[0-9a-f-]{36}$/);
  assert.match(String(err.correlation_id), /^[0-9a-f-]{36}$/);
  assert.ok(Array.isArray(err.fix) && (err.fix as string[]).length > 0);
  assert.ok(!j.stdout.includes(SECRET) && !j.stderr.includes(SECRET), "the secret never appears in the output");
}

describe("xoauth-mail token: AADSTS errors the fake produces from the request (exit 3)", { concurrency: 4 }, () => {
  for (const c of CASES.filter((x) => !x.force)) {
    test(`${c.name}: AADSTS${c.aadsts} -> ${c.code}`, () => assertJsonError(c));
  }
});

describe("xoauth-mail token: scripted AADSTS errors and the human form (exit 3)", () => {
  for (const c of CASES.filter((x) => x.force)) {
    test(`${c.name}: AADSTS${c.aadsts} -> ${c.code}`, async () => {
      fake.script.forceAadsts(c.aadsts);
      try {
        await assertJsonError(c);
      } finally {
        fake.script.clear();
      }
    });
  }

  test("the human form names code and AADSTS number on stderr, prints nothing on stdout", async () => {
    const r = await token([...ids(TENANT, DISABLED_CLIENT), "--client-secret-file", secretFile]);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /\[APP_DISABLED\]: AADSTS7000112\b/);
    assert.match(r.stderr, /Enterprise applications/);
    assert.match(r.stderr, /Trace ID: [0-9a-f-]{36}/);
    assert.ok(!r.stderr.includes(SECRET));
  });

  test("a GUID-shaped wrong secret (the secret's ID) gets the ID-instead-of-Value hint", async () => {
    const r = await token([...ids(), "--json"], { AZURE_CLIENT_SECRET: SECRET_ID });
    assert.equal(r.code, 3);
    const err = jsonOf(r.stdout).error as Record<string, unknown>;
    assert.equal(err.code, "CLIENT_SECRET_INVALID");
    assert.equal(err.aadsts, 7000215);
    assert.match(String(err.cause), /secret's ID, not its Value/);
    assert.match((err.fix as string[]).join(" "), /Certificates & secrets/);
  });

  test("a wrong non-GUID secret gets no ID hint", async () => {
    const r = await token([...ids(), "--json"], { AZURE_CLIENT_SECRET: "Abc8Q~definitely.not-the.right_value.xyz" });
    assert.equal(r.code, 3, r.stdout + r.stderr);
    const err = jsonOf(r.stdout).error as Record<string, unknown>;
    assert.equal(err.code, "CLIENT_SECRET_INVALID");
    assert.doesNotMatch(String(err.cause), /secret's ID/);
  });
});

describe("xoauth-mail token: local and network failures", () => {
  test("a tenant that is neither GUID nor DNS name fails locally (TENANT_INVALID, no request)", async () => {
    const before = fake.requests.length;
    const r = await token([...ids("not a tenant!"), "--client-secret-file", secretFile, "--json"]);
    assert.equal(r.code, 3);
    const err = jsonOf(r.stdout).error as Record<string, unknown>;
    assert.equal(err.code, "TENANT_INVALID");
    assert.match(String(err.message), /AADSTS900023/);
    assert.equal(fake.requests.length, before);
  });

  test("/common is refused locally with the fix to use the tenant ID", async () => {
    const r = await token([...ids("common"), "--client-secret-file", secretFile]);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /\[TENANT_INVALID\].*AADSTS9001023/);
    assert.match(r.stderr, /Tenant ID/);
  });

  test("without --ca-file the fake's certificate is untrusted: TLS_UNTRUSTED, exit 5", async () => {
    const r = await runCli(["token", "--authority-host", fake.url, ...ids(), "--json"], {
      env: { AZURE_CLIENT_SECRET: SECRET, XOAUTH_MAIL_CACHE_DIR: join(dir, "cache-tls") },
    });
    assert.equal(r.code, 5, r.stdout + r.stderr);
    assert.equal((jsonOf(r.stdout).error as Record<string, unknown>).code, "TLS_UNTRUSTED");
  });

  test("a certificate for another host name: TLS_HOSTNAME_MISMATCH, exit 5", async () => {
    const cert = fake.pki.issueServerCert(["other.example"]);
    const srv = createHttpsServer({ cert: cert.certPem, key: cert.keyPem }, (_q, res) => res.end("{}"));
    await new Promise<void>((res) => srv.listen(0, "127.0.0.1", res));
    const port = (srv.address() as { port: number }).port;
    try {
      const r = await runCli(
        ["token", "--authority-host", `https://127.0.0.1:${port}`, "--ca-file", caFile, ...ids(), "--json"],
        { env: { AZURE_CLIENT_SECRET: SECRET, XOAUTH_MAIL_CACHE_DIR: join(dir, "cache-host") } },
      );
      assert.equal(r.code, 5, r.stdout + r.stderr);
      assert.equal((jsonOf(r.stdout).error as Record<string, unknown>).code, "TLS_HOSTNAME_MISMATCH");
    } finally {
      srv.closeAllConnections();
      await new Promise<void>((res) => srv.close(() => res()));
    }
  });

  test("a closed port: TOKEN_ENDPOINT_UNREACHABLE, exit 5", async () => {
    const srv = createServer();
    await new Promise<void>((res) => srv.listen(0, "127.0.0.1", res));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((res) => srv.close(() => res()));
    const r = await runCli(
      ["token", "--authority-host", `https://127.0.0.1:${port}`, "--ca-file", caFile, ...ids(), "--json"],
      { env: { AZURE_CLIENT_SECRET: SECRET, XOAUTH_MAIL_CACHE_DIR: join(dir, "cache-closed") } },
    );
    assert.equal(r.code, 5, r.stdout + r.stderr);
    const err = jsonOf(r.stdout).error as Record<string, unknown>;
    assert.equal(err.code, "TOKEN_ENDPOINT_UNREACHABLE");
    assert.match(String(err.message), new RegExp(`127\\.0\\.0\\.1:${port}`));
  });

  test("a missing tenant ID is a usage error naming the flag, the variable and the config key (exit 2)", async () => {
    const r = await token(["--client-id", CLIENT, "--client-secret-file", secretFile]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--tenant-id/);
    assert.match(r.stderr, /AZURE_TENANT_ID/);
    assert.match(r.stderr, /tenantId/);
  });
});
