/**
 * docs/clients.md's mbsync recipe (`AuthMechs XOAUTH2` + `PassCmd "xoauth-mail token --account shop"`, through the
 * Cyrus SASL plug-in of libsasl2-modules-kdexoauth2), with the test CA in `CertificateFile`: mbsync pulls the INBOX of
 * real Dovecot into a local Maildir, and every message there equals Dovecot's stored copy.
 * (A refused token makes mbsync 1.4.4 hang after "IMAP wants more steps despite successful SASL authentication", so
 * the failing case was checked by hand, not here: see docs/clients.md.)
 */
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, it } from "node:test";
import {
  type ClientWorld,
  describeClient,
  fill,
  MAILBOX,
  normalized,
  recipe,
  recipeMessage,
  runTool,
  startClientWorld,
} from "../harness/clients.js";

const SASL_PLUGIN = ["x86_64", "aarch64", "powerpc64le", "s390x"].map(
  (a) => `/usr/lib/${a}-linux-gnu/sasl2/libkdexoauth2.so`,
);

/** Maildir messages, normalized; without the X-TUID field mbsync adds to the copies it writes. */
function maildirMessages(dir: string): string[] {
  return ["new", "cur"]
    .flatMap((s) => readdirSync(join(dir, s)).map((f) => normalized(readFileSync(join(dir, s, f)), ["X-TUID"])))
    .sort();
}

describeClient(
  "mbsync recipe: XOAUTH2 with PassCmd and the SASL plug-in against real Dovecot",
  {
    bins: ["mbsync"],
    files: [SASL_PLUGIN],
    install: "apt-get install isync libsasl2-modules-kdexoauth2",
  },
  () => {
    let w: ClientWorld;

    before(async () => {
      w = await startClientWorld("xoauth-mbsync-");
    });
    after(async () => {
      await w?.stop();
    });

    it("pulls the INBOX into a local Maildir; the messages equal Dovecot's copies", async () => {
      await w.dovecot.deliver(MAILBOX, recipeMessage("mbsync one"));
      await w.dovecot.deliver(MAILBOX, recipeMessage("mbsync two"));
      const local = join(w.dir, "Mail", "shop");
      mkdirSync(local, { recursive: true });
      const rc = join(w.dir, "mbsyncrc");
      const config = fill(recipe("mbsync"), [
        ["Host outlook.office365.com", "Host localhost"],
        ["Port 993", `Port ${w.dovecot.ports.imaps}`],
        ["SSLType IMAPS", `SSLType IMAPS\nCertificateFile ${w.caFile}`],
        ["~/Mail/shop/", `${local}/`],
      ]);
      writeFileSync(rc, config);
      const r = await runTool("mbsync", ["-c", rc, "shop"], { env: w.env, timeoutMs: 60_000 });
      assert.equal(r.timedOut, false, r.stdout + r.stderr);
      assert.equal(r.code, 0, r.stdout + r.stderr + w.dovecot.log());
      const got = maildirMessages(join(local, "INBOX"));
      assert.equal(got.length, 2, r.stdout + r.stderr);
      assert.deepEqual(got, maildirMessages(w.dovecot.maildirOf(MAILBOX)));
      assert.ok(got.includes(normalized(recipeMessage("mbsync one"))));
    });
  },
);
