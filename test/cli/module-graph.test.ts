/**
 * What a CLI run loads (issue #16: start-up): `--help` and `<command> --help` load no command's implementation
 * (src/cli/run/) and no package but commander; `token` served from the disk cache loads neither msal, node-forge,
 * mailparser, nodemailer, the prompts, the sandbox nor the proxy, and without a config file no YAML parser or zod
 * either. The CLI runs from its modules in dist/src (CLI_MODULES: the module graph is what the bundle initialises too,
 * and what bin/ runs without a bundle) with a module tracer preloaded (module-trace.ts); the test asserts the graph,
 * never a time. A token request (cache miss) is the control: there msal is loaded, so the tracer sees it.
 * `fetch --keep` over POP3 and IMAP that finds nothing new (real Dovecot, cached token) loads commander and nothing
 * else of node_modules (no zod: the state file has its own small parser), and a POP3 run no IMAP client.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { COMMANDS } from "../../src/cli/commands/index.js";
import { defaultSandboxTenant, IdentityFake } from "../../src/sandbox/identity/index.js";
import { createTestPki } from "../../src/sandbox/pki.js";
import { CLI_MODULES, type CliOptions, type CliResult, runCli } from "../harness/cli.js";
import { describeDovecot } from "../harness/dovecot/dovecot.js";
import { type FetchEnv, MAILBOX, startFetchEnv } from "../harness/fetch-env.js";

const TRACER = fileURLToPath(new URL("./module-trace.js", import.meta.url));
/** Packages a cached token must never load. */
const NOT_FOR_A_CACHED_TOKEN = [
  "@azure/msal-node",
  "@azure/msal-common",
  "node-forge",
  "mailparser",
  "nodemailer",
  "@inquirer/prompts",
  "@inquirer/core",
  "smtp-server",
];

interface Loaded {
  /** Package names (from node_modules paths). */
  packages: Set<string>;
  /** Our own modules, relative to dist/src/ ("cli/run/token.js"). */
  own: Set<string>;
}

let dir: string;
let traceN = 0;

async function traced(
  args: string[],
  env: Record<string, string> = {},
  run: (args: string[], opts: CliOptions) => Promise<CliResult> = (a, o) => runCli(a, { ...o, entry: CLI_MODULES }),
): Promise<Loaded & { code: number; out: string }> {
  const file = join(dir, `trace-${++traceN}.txt`);
  writeFileSync(file, "");
  const r = await run(args, { env: { NODE_OPTIONS: `--import ${TRACER}`, XOAUTH_MAIL_MODULE_TRACE: file, ...env } });
  const packages = new Set<string>();
  const own = new Set<string>();
  for (const url of readFileSync(file, "utf8").split("\n")) {
    const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
    if (pkg) packages.add(pkg);
    const mine = /\/dist\/src\/(.+)$/.exec(url)?.[1];
    if (mine) own.add(mine);
  }
  return { code: r.code, out: r.stdout + r.stderr, packages, own };
}

const implementations = (l: Loaded) => [...l.own].filter((m) => m.startsWith("cli/run/"));

before(() => {
  dir = mkdtempSync(join(tmpdir(), "xoauth-module-graph-"));
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("help loads the command definitions only", () => {
  test("--help: commander and no command's implementation", async () => {
    const r = await traced(["--help"]);
    assert.equal(r.code, 0, r.out);
    assert.deepEqual([...r.packages], ["commander"]);
    assert.deepEqual(implementations(r), []);
    assert.ok(r.own.has("cli/commands/fetch.js"), "the tracer sees our modules");
    assert.ok(!r.own.has("i18n/catalogs.js"), "help text is not from the message catalogs");
    const table = [...r.own].filter((m) => m.startsWith("exchange/") || m.startsWith("sandbox/"));
    assert.deepEqual(table, [], "the Exchange table is for sandbox --help and demo --help only");
  });

  test("sandbox --help and help demo: the help text from the Exchange table (scenarios, expected diagnosis)", async () => {
    const sandbox = await traced(["sandbox", "--help"]);
    assert.equal(sandbox.code, 0, sandbox.out);
    assert.match(sandbox.out, /^ {2}no-fullaccess +Add-MailboxPermission/m);
    const demo = await traced(["help", "demo"]);
    assert.equal(demo.code, 0, demo.out);
    assert.match(demo.out, /diagnose-misconfiguration \(expected: MAILBOX_NOT_CONNECTED\)/);
  });

  for (const { name } of COMMANDS) {
    test(`${name} --help: commander and no command's implementation`, async () => {
      const r = await traced([name, "--help"]);
      assert.equal(r.code, 0, r.out);
      assert.deepEqual([...r.packages], ["commander"]);
      assert.deepEqual(implementations(r), []);
    });
  }
});

describe("token from the disk cache", () => {
  const base = defaultSandboxTenant();
  const app = base.apps[0] as NonNullable<(typeof base.apps)[0]>;
  let fake: IdentityFake;
  let flags: string[];

  before(async () => {
    fake = new IdentityFake({ pki: createTestPki(), tenants: [base] });
    await fake.start();
    const caFile = join(dir, "ca.pem");
    writeFileSync(caFile, fake.caPem);
    const secretFile = join(dir, "secret.txt");
    writeFileSync(secretFile, `${app.secrets[0]?.value}\n`, { mode: 0o600 });
    flags = ["--authority-host", fake.url, "--ca-file", caFile, "--client-secret-file", secretFile];
    const config = join(dir, "config.yaml");
    writeFileSync(
      config,
      `accounts:\n  shop:\n    tenantId: ${base.tenantId}\n    clientId: ${app.clientId}\n    authorityHost: ${fake.url}\n` +
        `    caFile: ${caFile}\n    secret:\n      file: ${secretFile}\n`,
    );
  });

  after(async () => {
    await fake.stop();
  });

  function assertLight(r: Loaded & { code: number; out: string }): void {
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^eyJ/);
    for (const p of NOT_FOR_A_CACHED_TOKEN) assert.ok(!r.packages.has(p), `${p} is loaded`);
    const heavy = [...r.own].filter((m) =>
      /^(sandbox|proxy|fetch|imap|pop3|smtp|send|init)\/|^auth\/request\.js$/.test(m),
    );
    assert.deepEqual(heavy, []);
  }

  test("with credentials from flags: commander only (no msal, no network code, no YAML parser, no zod)", async () => {
    const cache = { XOAUTH_MAIL_CACHE_DIR: join(dir, "cache-flags") };
    const ids = ["--tenant-id", base.tenantId, "--client-id", app.clientId];
    const first = await traced(["token", ...ids, ...flags], cache);
    assert.equal(first.code, 0, first.out);
    assert.ok(first.packages.has("@azure/msal-node"), "a token request loads msal (the tracer's control)");
    assert.ok(first.own.has("auth/request.js"));

    const cached = await traced(["token", ...ids, ...flags], cache);
    assertLight(cached);
    assert.deepEqual([...cached.packages], ["commander"]);
  });

  test("with a config file: its YAML parser and schema (zod) as well, nothing else", async () => {
    const args = ["token", "--config", join(dir, "config.yaml"), "--account", "shop"];
    const cache = { XOAUTH_MAIL_CACHE_DIR: join(dir, "cache-config") };
    assert.equal((await traced(args, cache)).code, 0);
    const cached = await traced(args, cache);
    assertLight(cached);
    assert.deepEqual([...cached.packages].sort(), ["commander", "yaml", "zod"]);
  });
});

describeDovecot("fetch that finds nothing new (cached token, no config file)", () => {
  let env: FetchEnv;

  before(async () => {
    env = await startFetchEnv();
    await env.dc.deliver(MAILBOX, Buffer.from("Subject: module graph\r\n\r\nhello\r\n"));
  });

  after(async () => {
    await env?.stop();
  });

  for (const protocol of ["pop3", "imap"] as const) {
    test(`${protocol}: commander only, no fetch code of another protocol, no diagnosis engine`, async () => {
      const args = env.args(protocol, join(env.dir, `md-${protocol}`), ["--keep", "--json"]);
      const first = await env.cli(args);
      assert.equal(first.code, 0, first.stderr);
      const r = await traced(args, {}, (a, o) =>
        env.cli(a, { ...o, env: o.env as Record<string, string>, entry: CLI_MODULES }),
      );
      assert.equal(r.code, 0, r.out);
      assert.equal(JSON.parse(r.out).skipped, 1, r.out);
      assert.deepEqual([...r.packages], ["commander"]);
      const other = protocol === "pop3" ? "imap" : "pop3";
      const heavy = [...r.own].filter((m) =>
        new RegExp(
          `^(sandbox|proxy|smtp|send|init|graph/client|${other})/|^fetch/(graph-|daemon)|^diagnose/engine|^config/(load|schema)|^auth/request`,
        ).test(m),
      );
      // POP3 keeps imap/bye.js (the engine's check for a server that ended the session over an expired token).
      assert.deepEqual(heavy, other === "imap" ? ["imap/bye.js"] : []);
      assert.ok(r.own.has(`fetch/${protocol}-fetch.js`), "the tracer sees the protocol's fetch pass");
    });
  }
});
