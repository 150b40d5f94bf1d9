/**
 * docs/clients.md's msmtp recipe (`auth xoauth2` + `passwordeval "xoauth-mail token --account shop"`): msmtp runs the
 * token command itself, logs in to real Dovecot submission with XOAUTH2 after STARTTLS (the test CA in
 * `tls_trust_file`), and the message Dovecot relays is the one msmtp was given, byte for byte.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, it } from "node:test";
import {
  type ClientWorld,
  describeClient,
  fill,
  MAILBOX,
  recipe,
  recipeMessage,
  runTool,
  startClientWorld,
} from "../harness/clients.js";

/** What Dovecot relayed, minus the Received field it put in front (RFC 5321 section 4.4). */
function withoutTrace(raw: Buffer): Buffer {
  let rest = raw;
  while (rest.subarray(0, 9).toString("latin1").toLowerCase() === "received:") {
    let end = rest.indexOf("\r\n");
    while (end >= 0 && (rest[end + 2] === 0x20 || rest[end + 2] === 0x09)) end = rest.indexOf("\r\n", end + 2);
    rest = rest.subarray(end + 2);
  }
  return rest;
}

describeClient(
  "msmtp recipe: XOAUTH2 with passwordeval against real Dovecot",
  { bins: ["msmtp"], install: "apt-get install msmtp" },
  () => {
    let w: ClientWorld;
    let rc = "";

    before(async () => {
      w = await startClientWorld("xoauth-msmtp-");
      rc = join(w.dir, "msmtprc");
      const config = fill(recipe("msmtp"), [
        ["tls_trust_file /etc/ssl/certs/ca-certificates.crt", `tls_trust_file ${w.caFile}`],
        ["host smtp.office365.com", "host localhost"],
        ["port 587", `port ${w.dovecot.ports.submission}`],
      ]);
      writeFileSync(rc, config, { mode: 0o600 });
    });
    after(async () => {
      await w?.stop();
    });

    it("sends one message; Dovecot relays it byte for byte", async () => {
      const msg = recipeMessage("msmtp recipe");
      const r = await runTool("msmtp", ["-C", rc, "-a", "shop", "office@contoso.com"], {
        env: w.env,
        input: msg.toString("latin1"),
      });
      assert.equal(r.code, 0, r.stdout + r.stderr + w.dovecot.log());
      const got = w.dovecot.sink.messages.at(-1);
      assert.ok(got, "Dovecot relayed nothing");
      assert.equal(got.from, MAILBOX);
      assert.deepEqual(got.to, ["office@contoso.com"]);
      assert.equal(withoutTrace(got.raw).toString("latin1"), msg.toString("latin1"));
    });

    it("fails when the token command yields a token Dovecot refuses (the test can fail)", async () => {
      const before = w.dovecot.sink.messages.length;
      const r = await runTool("msmtp", ["-C", rc, "-a", "shop", "office@contoso.com"], {
        env: w.badTokenEnv,
        input: recipeMessage("refused").toString("latin1"),
      });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /authentication failed \(method XOAUTH2\)/);
      assert.equal(w.dovecot.sink.messages.length, before);
    });
  },
);
