/**
 * `xoauth-mail send` through the BUILT CLI against the identity fake and the Exchange fake: Exchange's failure
 * replies diagnosed with stable codes and exit codes, usage errors, no token in any output.
 * Compile first: `npx tsc -p tsconfig.json`.
 */
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { sandboxDirectory } from "../../src/sandbox/exchange/index.js";
import { defaultSandboxTenant, type FakeApp } from "../../src/sandbox/identity/index.js";
import { runCli } from "../harness/cli.js";
import { cliJson, loginArgs } from "../harness/e2e.js";
import { type ExchangeWorld, startWorld } from "../harness/world.js";

const tenant = defaultSandboxTenant();
const app = tenant.apps[0] as FakeApp;
const MB = "info@contoso.onmicrosoft.com";
const MB_NO_FULLACCESS = "nofa-send@contoso.onmicrosoft.com";
const MB_SMTP_OFF = "smtpoff-send@contoso.onmicrosoft.com";
const MB_NO_SENDAS = "fullaccess-only-send@contoso.onmicrosoft.com";
const EML = "From: info@contoso.onmicrosoft.com\r\nTo: someone@fabrikam.example\r\nSubject: t\r\n\r\nhi\r\n";
const TOKEN_RE = /eyJ[A-Za-z0-9_-]{8,}\.|dXNlcj1/;

let fakes: ExchangeWorld;
let n = 0;

before(async () => {
  const directory = sandboxDirectory(tenant);
  directory.addMailbox({ address: MB_NO_FULLACCESS });
  directory.addMailbox({ address: MB_SMTP_OFF, smtpClientAuthEnabled: false });
  directory.grantFullAccess(app.servicePrincipalObjectId, MB_SMTP_OFF);
  directory.addMailbox({ address: MB_NO_SENDAS });
  directory.grantFullAccess(app.servicePrincipalObjectId, MB_NO_SENDAS);
  fakes = await startWorld({ prefix: "xoauth-send-exo-", identity: { tenants: [tenant] }, exchange: { directory } });
});

after(async () => {
  await fakes?.stop();
});

/** --authority-host, --ca-file, --tenant-id, --client-id and --mailbox (default: MB). */
const login = (mailbox = MB) => loginArgs({ ...fakes, tenantId: tenant.tenantId, clientId: app.clientId, mailbox });

function send(args: string[], opts: { mailbox?: string; input?: string; json?: boolean; cacheDir?: string } = {}) {
  return runCli(
    [
      "send",
      ...(opts.json === false ? [] : ["--json"]),
      ...login(opts.mailbox),
      "--host",
      "127.0.0.1",
      "--port",
      String(fakes.ports.smtp),
      ...args,
    ],
    {
      env: {
        AZURE_CLIENT_SECRET: app.secrets[0]?.value,
        XOAUTH_MAIL_CACHE_DIR: opts.cacheDir ?? join(fakes.dir, `cache-${++n}`),
      },
      input: opts.input ?? EML,
    },
  );
}

function expectFailure(r: Awaited<ReturnType<typeof send>>, code: string, exit: number): Record<string, any> {
  const json = cliJson(r);
  assert.equal(json.ok, false);
  assert.equal(json.diagnosis?.code, code, JSON.stringify(json, null, 2));
  assert.equal(r.code, exit, r.stderr);
  assert.ok(json.diagnosis.fix.length > 0, "a fix is given");
  assert.doesNotMatch(r.stdout + r.stderr, TOKEN_RE);
  return json;
}

describe("send against the Exchange fake", { concurrency: true }, () => {
  test("delivers a raw message byte for byte when the app may send as the mailbox", async () => {
    const eml = EML.replace("Subject: t", "Subject: byte-exact-1");
    const r = await send(["--to", "someone@fabrikam.example", "-"], { input: eml });
    const json = cliJson(r);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(json.ok, true);
    const got = fakes.exchange.sent.filter((m) => m.raw.includes("Subject: byte-exact-1"));
    assert.equal(got.length, 1);
    assert.equal(got[0]?.raw.toString("latin1"), eml);
    assert.equal(got[0]?.from, MB);
    assert.equal(got[0]?.authUser, MB);
    assert.deepEqual(got[0]?.to, ["someone@fabrikam.example"]);
  });

  test("sent with a token cache it refuses: why and the chmod on stderr, in text and --json runs; none otherwise", async () => {
    const open = join(fakes.dir, "send-open-cache");
    mkdirSync(open);
    chmodSync(open, 0o777);
    for (const json of [false, true]) {
      const r = await send(["--to", "someone@fabrikam.example", "-"], { json, cacheDir: open });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stderr, /^not cached: others can write .* \(mode 0777\), so it is not used; make it private: /m);
      assert.ok(r.stderr.trimEnd().endsWith(`chmod 700 ${open}`), r.stderr);
    }
    assert.deepEqual(readdirSync(open), [], "nothing written into it");
    const control = await send(["--to", "someone@fabrikam.example", "-"], { json: false });
    assert.equal(control.code, 0, control.stderr);
    assert.doesNotMatch(control.stderr, /not cached/);
  });

  test("SMTP_AUTH_DISABLED (535 5.7.139) -> exit 4, nothing sent", async () => {
    const json = expectFailure(
      await send(["--to", "someone@fabrikam.example", "-"], { mailbox: MB_SMTP_OFF }),
      "SMTP_AUTH_DISABLED",
      4,
    );
    assert.ok(!fakes.exchange.sent.some((m) => m.authUser === MB_SMTP_OFF));
    const auth = json.steps.find((s: { id: string }) => s.id === "auth");
    assert.equal(auth?.ok, false);
    assert.match(auth.detail, /5\.7\.139/);
  });

  test("SEND_AS_DENIED (554 5.2.252) for --from a mailbox the app has no right on -> exit 4, at the send step", async () => {
    const json = expectFailure(
      await send(["--from", MB_NO_FULLACCESS, "--to", "someone@fabrikam.example", "-"], { mailbox: MB_NO_SENDAS }),
      "SEND_AS_DENIED",
      4,
    );
    assert.deepEqual(
      json.steps.filter((s: { ok: boolean }) => !s.ok).map((s: { id: string }) => s.id),
      ["send"],
    );
    assert.match(json.diagnosis.summary, /5\.2\.252/);
    assert.ok(!fakes.exchange.sent.some((m) => m.from === MB_NO_FULLACCESS));
  });

  test("SEND_AS_DENIED for --from another address names that address in the fix", async () => {
    const json = expectFailure(
      await send([
        "--from",
        "ceo@contoso.onmicrosoft.com",
        "--to",
        "someone@fabrikam.example",
        "--subject",
        "x",
        "--body",
        "y",
      ]),
      "SEND_AS_DENIED",
      4,
    );
    assert.ok(
      json.diagnosis.fix.some((f: string) => f.includes("-Identity ceo@contoso.onmicrosoft.com")),
      json.diagnosis.fix.join("\n"),
    );
  });

  test("MAILBOX_ACCESS_DENIED (535 5.7.3) without FullAccess -> exit 4, human output with the fix", async () => {
    expectFailure(
      await send(["--to", "someone@fabrikam.example", "-"], { mailbox: MB_NO_FULLACCESS }),
      "MAILBOX_ACCESS_DENIED",
      4,
    );
    const r = await send(["--to", "someone@fabrikam.example", "-"], { mailbox: MB_NO_FULLACCESS, json: false });
    assert.equal(r.code, 4);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /✗ MAILBOX_ACCESS_DENIED: /);
    assert.match(r.stderr, /Add-MailboxPermission|FullAccess/);
  });

  test("--verbose prints the SMTP transcript with the token redacted", async () => {
    const r = await send(["--verbose", "--to", "someone@fabrikam.example", "-"], { json: false });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /C: AUTH XOAUTH2\n/);
    assert.match(r.stderr, /<redacted/);
    assert.match(r.stderr, /C: MAIL FROM:<info@contoso\.onmicrosoft\.com>/);
    assert.doesNotMatch(r.stdout + r.stderr, TOKEN_RE);
  });

  test("a closed port is MAIL_SERVER_UNREACHABLE -> exit 5", async () => {
    const r = await runCli(
      [
        "send",
        "--json",
        ...login(),
        "--host",
        "127.0.0.1",
        "--port",
        "1",
        "--tls",
        "starttls",
        "--to",
        "x@fabrikam.example",
        "-",
      ],
      {
        env: { AZURE_CLIENT_SECRET: app.secrets[0]?.value, XOAUTH_MAIL_CACHE_DIR: join(fakes.dir, "cache-closed") },
        input: EML,
      },
    );
    expectFailure(r, "MAIL_SERVER_UNREACHABLE", 5);
  });

  test("a wrong client secret is an identity-platform failure -> exit 3", async () => {
    const r = await runCli(
      [
        "send",
        "--json",
        ...login(),
        "--host",
        "127.0.0.1",
        "--port",
        String(fakes.ports.smtp),
        "--to",
        "x@fabrikam.example",
        "-",
      ],
      {
        env: { AZURE_CLIENT_SECRET: "wrong-secret-value", XOAUTH_MAIL_CACHE_DIR: join(fakes.dir, "cache-bad") },
        input: EML,
      },
    );
    expectFailure(r, "CLIENT_SECRET_INVALID", 3);
  });
});

describe("send usage errors (exit 2, nothing sent)", { concurrency: true }, () => {
  const cases: [string, string[], string | undefined, RegExp][] = [
    ["no message", ["--to", "a@fabrikam.example"], undefined, /No message/],
    ["no recipient", ["-"], EML, /No recipient/],
    ["invalid --to", ["--to", "not-an-address", "-"], EML, /--to "not-an-address" is not an e-mail address/],
    ["file and --subject", ["--to", "a@fabrikam.example", "--subject", "s", "-"], EML, /not both/],
    [
      "--body and --body-file",
      ["--to", "a@fabrikam.example", "--body", "b", "--body-file", "x"],
      undefined,
      /not both/,
    ],
    ["missing file", ["--to", "a@fabrikam.example", "/nonexistent/m.eml"], undefined, /does not exist/],
    [
      "missing attachment",
      ["--to", "a@fabrikam.example", "--subject", "s", "--attach", "/nonexistent/a"],
      undefined,
      /attachment .* does not exist/,
    ],
    ["empty stdin", ["--to", "a@fabrikam.example", "-"], "", /is empty/],
  ];
  for (const [name, args, input, re] of cases) {
    test(name, async () => {
      const r = await send(args, input === undefined ? {} : { input });
      const json = cliJson(r);
      assert.equal(json.ok, false);
      assert.equal(json.diagnosis.code, "USAGE");
      assert.match(json.diagnosis.summary, re);
      assert.equal(r.code, 2);
      assert.deepEqual(
        json.steps.map((s: { id: string }) => s.id),
        ["options"],
      );
    });
  }

  test("in German: the usage message and its cause both in German", async () => {
    const r = await runCli(["send", ...login(), "--to", "a@fabrikam.example"], {
      env: { AZURE_CLIENT_SECRET: app.secrets[0]?.value, LANG: "de_DE.UTF-8" },
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /USAGE: Keine Nachricht: FILE\.eml angeben, - um die Nachricht von stdin zu lesen/);
    assert.doesNotMatch(r.stderr, /No message/);
    const noTo = await runCli(["send", ...login(), "-"], {
      env: { AZURE_CLIENT_SECRET: app.secrets[0]?.value, LANG: "de_DE.UTF-8" },
      input: EML,
    });
    assert.match(noTo.stderr, /Kein Empfänger: --to ADRESSE angeben/);
  });

  test("an unknown option is a usage error too", async () => {
    const r = await send(["--to", "a@fabrikam.example", "--frobnicate", "-"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option '--frobnicate'/);
  });
});
