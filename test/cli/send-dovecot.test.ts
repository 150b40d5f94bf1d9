/**
 * `xoauth-mail send` through the BUILT CLI against real Dovecot submission (two-step XOAUTH2 after STARTTLS), with
 * tokens from the identity fake; Dovecot relays to a local sink. Compile first: `npx tsc -p tsconfig.json`.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { simpleParser } from "mailparser";
import { defaultSandboxTenant, type FakeApp } from "../../src/sandbox/identity/index.js";
import { runCli } from "../harness/cli.js";
import { type Dovecot, describeDovecot, type SinkMessage } from "../harness/dovecot/dovecot.js";
import { loginArgs } from "../harness/e2e.js";
import { type DovecotWorld, startWorld } from "../harness/world.js";

const tenant = defaultSandboxTenant();
const app = tenant.apps[0] as FakeApp;
const SENDER = "reports@contoso.com";

/** What Dovecot relayed, minus the trace fields it prepends (RFC 5321 §4.4 Received). */
function withoutTrace(m: SinkMessage): Buffer {
  let raw = m.raw;
  while (/^Received:/i.test(raw.subarray(0, 9).toString("latin1"))) {
    let end = raw.indexOf("\r\n");
    while (end >= 0 && (raw[end + 2] === 0x20 || raw[end + 2] === 0x09)) end = raw.indexOf("\r\n", end + 2);
    raw = raw.subarray(end + 2);
  }
  return raw;
}

describeDovecot("send through the built CLI to real Dovecot submission", () => {
  let fakes: DovecotWorld;
  let dc: Dovecot;
  let dir: string;
  let n = 0;

  before(async () => {
    fakes = await startWorld({ prefix: "xoauth-send-dovecot-", identity: { tenants: [tenant] }, dovecot: {} });
    ({ dovecot: dc, dir } = fakes);
  });
  after(async () => {
    await fakes?.stop();
  });

  /** --authority-host, --ca-file, --tenant-id, --client-id and --mailbox SENDER. */
  const login = () => loginArgs({ ...fakes, tenantId: tenant.tenantId, clientId: app.clientId, mailbox: SENDER });

  const send = (args: string[], input?: string) =>
    runCli(
      [
        "send",
        "--json",
        ...login(),
        "--host",
        "127.0.0.1",
        "--port",
        String(dc.ports.submission),
        "--tls",
        "starttls",
        ...args,
      ],
      {
        env: { AZURE_CLIENT_SECRET: app.secrets[0]?.value, XOAUTH_MAIL_CACHE_DIR: join(dir, `cache-${++n}`) },
        ...(input !== undefined ? { input } : {}),
      },
    );

  it("sends an .eml from stdin byte for byte, with the envelope from --mailbox and --to/--cc/--bcc", async () => {
    const eml =
      "From: Reports <reports@contoso.com>\r\nTo: ops@fabrikam.com\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n" +
      "Message-ID: <raw-1@contoso.com>\r\nX-Odd:  two  spaces\r\n\r\n.leading dot\r\nline two\r\n\r\n";
    const before = dc.sink.messages.length;
    const r = await send(["--to", "ops@fabrikam.com", "--cc", "a@fabrikam.com", "--bcc", "b@fabrikam.com", "-"], eml);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const json = JSON.parse(r.stdout);
    assert.equal(json.ok, true);
    assert.equal(json.messageId, "<raw-1@contoso.com>");
    assert.deepEqual(json.envelope, { from: SENDER, to: ["ops@fabrikam.com", "a@fabrikam.com", "b@fabrikam.com"] });
    assert.match(json.response, /^250 /);
    assert.equal(typeof json.ms, "number");
    assert.equal(dc.sink.messages.length, before + 1);
    const got = dc.sink.messages.at(-1) as SinkMessage;
    assert.equal(got.from, SENDER);
    assert.deepEqual(got.to, ["ops@fabrikam.com", "a@fabrikam.com", "b@fabrikam.com"]);
    assert.equal(withoutTrace(got).toString("latin1"), eml);
  });

  it("sends an .eml file with --from as envelope sender", async () => {
    const file = join(dir, "m.eml");
    const eml = "From: noreply@contoso.com\r\nTo: x@fabrikam.com\r\nSubject: file\r\n\r\nbody\r\n";
    writeFileSync(file, eml);
    const r = await send(["--from", "noreply@contoso.com", "--to", "x@fabrikam.com", file]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const got = dc.sink.messages.at(-1) as SinkMessage;
    assert.equal(got.from, "noreply@contoso.com");
    assert.equal(withoutTrace(got).toString("latin1"), eml);
    assert.equal(JSON.parse(r.stdout).messageId, null, "no Message-ID header: none invented");
  });

  it("composes --subject/--body/--attach into a message that parses back, Bcc only in the envelope", async () => {
    const att = join(dir, "report.csv");
    const bin = Buffer.from([0, 1, 2, 255, 254, 10, 13, 46]);
    writeFileSync(att, bin);
    const r = await send([
      "--to",
      "ops@fabrikam.com,cfo@fabrikam.com",
      "--bcc",
      "audit@fabrikam.com",
      "--subject",
      "Nightly export ✓",
      "--body",
      "Hallo Grüße\nzweite Zeile",
      "--attach",
      att,
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const json = JSON.parse(r.stdout);
    const got = dc.sink.messages.at(-1) as SinkMessage;
    assert.deepEqual(got.to, ["ops@fabrikam.com", "cfo@fabrikam.com", "audit@fabrikam.com"]);
    const mail = await simpleParser(got.raw);
    assert.equal(mail.subject, "Nightly export ✓");
    assert.equal(mail.text?.trim(), "Hallo Grüße\nzweite Zeile");
    assert.equal(mail.from?.value[0]?.address, SENDER);
    assert.equal(mail.messageId, json.messageId);
    assert.equal(mail.attachments.length, 1);
    assert.equal(mail.attachments[0]?.filename, "report.csv");
    assert.deepEqual(mail.attachments[0]?.content, bin);
    assert.doesNotMatch(got.raw.toString("latin1"), /audit@fabrikam\.com/, "Bcc never in a header");
  });

  it("human output names the message and the server reply; --verbose shows the transcript without the token", async () => {
    const r = await runCli(
      [
        "send",
        "--verbose",
        ...login(),
        "--host",
        "127.0.0.1",
        "--port",
        String(dc.ports.submission),
        "--to",
        "ops@fabrikam.com",
        "--subject",
        "v",
        "--body",
        "secret-free body",
      ],
      { env: { AZURE_CLIENT_SECRET: app.secrets[0]?.value, XOAUTH_MAIL_CACHE_DIR: join(dir, "cache-v") } },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^✓ Sent <.+> from reports@contoso\.com to 1 recipient\(s\) via 127\.0\.0\.1:\d+ .*: 250 /);
    assert.match(r.stderr, /C: AUTH XOAUTH2\n/);
    assert.match(r.stderr, /C: <redacted XOAUTH2 initial response>/);
    assert.match(r.stderr, /S: 235 /);
    assert.doesNotMatch(r.stdout + r.stderr, /eyJ[A-Za-z0-9_-]{8,}\.|dXNlcj1/);
    assert.doesNotMatch(r.stderr, /secret-free body/, "the message itself is not in the transcript");
  });
});
