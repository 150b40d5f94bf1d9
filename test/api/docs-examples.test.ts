/**
 * Every code example of docs/api.md and README.md's library example, read from the page and run against the sandbox
 * as an integrator runs it (test/api/doc-examples.ts); the German page shows the same blocks; the names the examples
 * import exist in the package's exports, and the codes they switch on in ERROR_CODES.
 */
import assert from "node:assert/strict";
import { readdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ERROR_CODES } from "xoauth-mail";
import { type LocalTenant, startLocalTenant } from "xoauth-mail/sandbox";
import { ExampleProject, example, examples, fill, importedNames } from "./doc-examples.js";

const PAGES = ["docs/api.md", "docs/de/api.md", "README.md"];

describe("the examples as written", () => {
  test("docs/de/api.md shows the blocks of docs/api.md unchanged", () => {
    const en = examples("docs/api.md");
    assert.deepEqual([...en.keys()].sort(), [
      "errors",
      "fetch-job",
      "http-send",
      "imap-client",
      "imports",
      "nodemailer",
      "sandbox",
      "test-mailbox",
      "tokens",
    ]);
    assert.deepEqual(examples("docs/de/api.md"), en);
  });

  test("every name the pages import from xoauth-mail and xoauth-mail/sandbox is exported there", async () => {
    for (const [spec, mod] of [
      ["xoauth-mail", await import("xoauth-mail")],
      ["xoauth-mail/sandbox", await import("xoauth-mail/sandbox")],
    ] as const) {
      for (const page of PAGES) {
        const names = importedNames(page, spec);
        if (spec === "xoauth-mail") assert.ok(names.length >= 2, `${page} imports from ${spec}`);
        assert.deepEqual(
          names.filter((n) => !(n in mod)),
          [],
          `${page}: not exported by ${spec}`,
        );
      }
    }
  });

  test("the error codes the pages compare with exist in ERROR_CODES", () => {
    for (const page of PAGES.slice(0, 2)) {
      const code = [...examples(page).values()].join("\n");
      const used = [...code.matchAll(/case "([A-Z_0-9]+)"|\.code === "([A-Z_0-9]+)"/g)].map((m) => m[1] ?? m[2]);
      assert.ok(used.length >= 3, `${page}: ${used}`);
      assert.deepEqual(
        used.filter((c) => !(ERROR_CODES as readonly string[]).includes(c as string)),
        [],
      );
    }
  });
});

let tn: LocalTenant;
let project: ExampleProject;
const started: { kill(): boolean }[] = [];

/** A port nothing listens on (bound and closed again). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** The page's identity platform made tenant `t`'s: `tenantId: "contoso.onmicrosoft.com"` stays, the host is added. */
const authority = (t = tn): [string, string] => [
  'tenantId: "contoso.onmicrosoft.com",',
  `tenantId: "contoso.onmicrosoft.com", authorityHost: "${t.authorityHost}",`,
];

/** An example's mailbox made tenant `t`'s, with its server. */
const mailboxAt = (from: string, port: number, t = tn): [string, string] => [
  from,
  `mailbox: "${t.mailbox}", host: "${t.host}", port: ${port}`,
];

/** The environment for tenant `t`: its secret and its CA (the variables the examples read, and Node's). */
function envOf(t: LocalTenant): Record<string, string> {
  const caFile = join(project.dir, `ca-${t.ports.identity}.pem`);
  writeFileSync(caFile, t.caPem);
  return { AZURE_CLIENT_ID: t.clientId, AZURE_CLIENT_SECRET: t.clientSecret, NODE_EXTRA_CA_CERTS: caFile };
}

/** The Tokens example's provider (its import and `const tokens = ...`), which other examples continue from. */
function provider(t = tn): string {
  const m = /^const tokens = createTokenProvider\(\{[\s\S]*?^\}\);$/m.exec(example("tokens"));
  assert.ok(m, "the Tokens example creates `tokens`");
  return fill(`import { createTokenProvider } from "xoauth-mail";\n${m[0]}\n`, [authority(t)]);
}

before(async () => {
  tn = await startLocalTenant();
  project = new ExampleProject({});
  Object.assign(project.env, envOf(tn));
});
after(async () => {
  for (const c of started) c.kill();
  await tn?.stop();
  project?.remove();
});

describe("docs/api.md's examples against the sandbox", () => {
  test("imports: the names load", async () => {
    const r = await project.run(example("imports"));
    assert.equal(r.code, 0, r.stderr);
  });

  test("tokens: one token with its expiry and roles", async () => {
    const r = await project.run(fill(example("tokens"), [authority()]));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\d{4}-\d\d-\d\dT.* false \[.*'IMAP\.AccessAsApp'/s);
    assert.doesNotMatch(r.stdout + r.stderr, /eyJ/, "no token printed");
  });

  test("test-mailbox: a passing IMAP test prints nothing; a failing one its code, summary and fix", async () => {
    const code = (t: LocalTenant) =>
      provider(t) + fill(example("test-mailbox"), [mailboxAt('mailbox: "shared@contoso.com"', t.ports.imaps, t)]);
    const ok = await project.run(code(tn));
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout + ok.stderr, "");
    const t2 = await startLocalTenant({ scenario: "no-fullaccess" });
    try {
      const bad = await project.run(code(t2), envOf(t2));
      assert.equal(bad.code, 0, bad.stderr);
      assert.match(
        bad.stderr,
        /^MAILBOX_NOT_CONNECTED: Exchange accepted .+\n {2}Connect-ExchangeOnline .+\n {2}Check: /,
      );
    } finally {
      await t2.stop();
    }
  });

  test("fetch-job: into a Maildir, SIGTERM stops after a commit, the next run fetches the rest, nothing twice", async () => {
    const total = 300;
    for (let i = tn.sampleCount; i < total; i++) {
      tn.exchange.addMessage(tn.mailbox, Buffer.from(`Subject: ${i}\r\nMessage-ID: <job${i}@x>\r\n\r\nbody ${i}\r\n`));
    }
    const maildir = join(project.dir, "Maildir");
    const code = fill(example("fetch-job"), [
      authority(),
      mailboxAt('mailbox: "invoices@contoso.com"', tn.ports.imaps),
      ['"/srv/mail/invoices"', JSON.stringify(maildir)],
    ]);
    const first = project.start(code);
    // SIGTERM once the job has stored a message (its handler is set by then); it may also have finished already.
    await new Promise<void>((resolve) => {
      first.stdout?.on("data", function onData(d: Buffer) {
        if (!/^stored /m.test(d.toString())) return;
        first.stdout?.off("data", onData);
        first.kill("SIGTERM");
        resolve();
      });
      first.on("close", () => resolve());
    });
    const a = await first.output;
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.signal, null, "the job ended itself");
    const s1 = JSON.parse(a.stdout.trim().split("\n").at(-1) ?? "");
    assert.equal(s1.ok, true);
    assert.equal(a.stdout.match(/^stored /gm)?.length, s1.fetched);
    const b = await project.run(code);
    assert.equal(b.code, 0, b.stderr);
    const s2 = JSON.parse(b.stdout.trim().split("\n").at(-1) ?? "");
    assert.equal(s1.fetched + s2.fetched, total);
    assert.equal(readdirSync(join(maildir, "new")).length, total);
    assert.deepEqual(readdirSync(join(maildir, "tmp")), []);
    assert.equal(s1.deleted + s2.deleted, total, "delete: true");
  });

  test("http-send: a POST sends through SMTP (202); a bad request is 400 and the server keeps serving", async () => {
    const port = await freePort();
    const code = fill(example("http-send"), [
      authority(),
      [`mailbox: "noreply@contoso.com"`, mailboxAt("", tn.ports.smtp)[1]],
      ["listen(8080,", `listen(${port},`],
    ]);
    const server = project.start(code);
    started.push(server);
    const url = `http://127.0.0.1:${port}/`;
    const post = async (body: string): Promise<Response> => {
      for (let i = 0; ; i++) {
        try {
          return await fetch(url, { method: "POST", body });
        } catch (e) {
          if (i > 200 || server.exitCode !== null) throw e;
          await new Promise((r) => setTimeout(r, 50)); // not yet listening
        }
      }
    };
    const before = tn.exchange.sent.length;
    const ok = await post(JSON.stringify({ to: "ops@fabrikam.example", subject: "Ticket 42", text: "Closed." }));
    assert.equal(ok.status, 202);
    const { messageId } = (await ok.json()) as { messageId: string };
    assert.match(messageId, /^<.+@.+>$/);
    assert.equal(tn.exchange.sent.length, before + 1);
    assert.match(tn.exchange.sent[before]?.raw.toString() ?? "", /^Subject: Ticket 42\r$/m);
    const noTo = await post(JSON.stringify({ subject: "x" }));
    assert.equal(noTo.status, 400);
    assert.deepEqual(await noTo.json(), { code: "USAGE" });
    const notJson = await post("to=ops@fabrikam.example");
    assert.equal(notJson.status, 400);
    const again = await post(JSON.stringify({ to: "ops@fabrikam.example", subject: "Ticket 43", text: "Closed." }));
    assert.equal(again.status, 202, "the server survived the bad requests");
    server.kill();
    const r = await server.output;
    assert.equal(r.stderr, "");
  });

  test("nodemailer: verify, then send through the transport over SMTP XOAUTH2", async () => {
    const before = tn.exchange.sent.length;
    const r = await project.run(
      fill(example("nodemailer"), [authority(), mailboxAt('mailbox: "reports@contoso.com"', tn.ports.smtp)]),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^<.+@.+> 250 /);
    assert.equal(tn.exchange.sent.length, before + 1);
    assert.equal(tn.exchange.sent[before]?.authUser, tn.mailbox);
    assert.deepEqual(tn.exchange.sent[before]?.to, ["ops@contoso.com"]);
  });

  test("errors: a wrong secret alerts the admin with the fix, an unreachable endpoint retries later", async () => {
    const hooks =
      'const alertAdmin = (what, fix) => console.log("alertAdmin:", what, JSON.stringify(fix));\n' +
      'const retryLater = () => console.log("retryLater");\n';
    const code = (t = tn) => hooks + provider(t) + example("errors");
    const good = await project.run(code());
    assert.equal(good.code, 0, good.stderr);
    assert.equal(good.stdout, "");
    const wrong = await project.run(code(), { AZURE_CLIENT_SECRET: "wrong~secret~value~000000000000000" });
    assert.equal(wrong.code, 0, wrong.stderr);
    assert.match(wrong.stdout, /^alertAdmin: The app's client secret must be replaced \["/);
    const closed = `https://127.0.0.1:${await freePort()}`;
    const down = await project.run(code({ ...tn, authorityHost: closed }));
    assert.equal(down.code, 0, down.stderr);
    assert.equal(down.stdout, "retryLater\n");
  });

  test("imap-client: logs in with the provider's token and lists the folders", async () => {
    const r = await project.run(
      provider() +
        fill(example("imap-client"), [
          ['host: "outlook.office365.com", port: 993,', `host: "${tn.host}", port: ${tn.ports.imaps},`],
          ['user: "shared@contoso.com"', `user: "${tn.mailbox}"`],
        ]),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /'INBOX'/);
  });

  test("sandbox: runs unchanged and prints true", async () => {
    const r = await project.run(example("sandbox"), {
      AZURE_CLIENT_ID: "",
      AZURE_CLIENT_SECRET: "",
      NODE_EXTRA_CA_CERTS: "",
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "true\n");
  });

  test("README.md's library example sends", async () => {
    const before = tn.exchange.sent.length;
    const r = await project.run(
      fill(example("readme", "README.md"), [authority(), mailboxAt('mailbox: "scanner@contoso.com"', tn.ports.smtp)]),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(tn.exchange.sent.length, before + 1);
  });
});
