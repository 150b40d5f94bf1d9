/**
 * docs/clients.md's mutt recipes (`*_authenticators = "xoauth2"` + `*_oauth_refresh_command = "xoauth-mail token
 * --account shop"`), run by mutt itself against real Dovecot with the test CA in `ssl_ca_certificates_file`: IMAP (the
 * INBOX opened in a pseudo-terminal from `script`, every message copied to a local Maildir by `push`ed keys), SMTP
 * (batch mode, no terminal) and POP3 (`<fetch-mail>` into a local Maildir). Every run is bounded by a timeout.
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

/** Header fields mutt adds when it copies a message into a Maildir. */
const MUTT_ADDED = ["Content-Length", "Lines", "Status", "X-Status"];

describeClient(
  "mutt recipes: XOAUTH2 with *_oauth_refresh_command against real Dovecot",
  { bins: ["mutt", "script"], install: "apt-get install mutt util-linux" },
  () => {
    let w: ClientWorld;
    let n = 0;
    const trust = (w: ClientWorld): [string, string] => [
      'ssl_ca_certificates_file = "/etc/ssl/certs/ca-certificates.crt"',
      `ssl_ca_certificates_file = "${w.caFile}"`,
    ];
    /** The recipe plus the test's own settings, as a muttrc; returns its path. */
    const muttrc = (text: string, extra: string[]) => {
      const file = join(w.dir, `muttrc-${++n}`);
      writeFileSync(file, [text, `set certificate_file = "${w.dir}/mutt-certs"`, ...extra, ""].join("\n"));
      return file;
    };
    const imapRc = () =>
      fill(recipe("mutt"), [
        ["imaps://outlook.office365.com:993/", `imaps://localhost:${w.dovecot.ports.imaps}/`],
        ["@smtp.office365.com:587/", `@localhost:${w.dovecot.ports.submission}/`],
        trust(w),
      ]);
    /** mutt on a pseudo-terminal (it needs one for its index), with `keys` pushed; bounded by a timeout. */
    const interactive = (rc: string, keys: string, env: Record<string, string>) =>
      runTool("script", ["-qec", `mutt -n -F ${rc} -e 'push "${keys}"'`, "/dev/null"], { env, timeoutMs: 30_000 });
    const maildirFiles = (dir: string) =>
      ["new", "cur"].flatMap((s) => readdirSync(join(dir, s)).map((f) => join(dir, s, f)));

    before(async () => {
      w = await startClientWorld("xoauth-mutt-");
    });
    after(async () => {
      await w?.stop();
    });

    it("IMAP: opens the INBOX and copies the message out; headers and body as stored", async () => {
      const msg = recipeMessage("mutt imap");
      await w.dovecot.deliver(MAILBOX, msg);
      const out = join(w.dir, "mutt-imap-copy");
      const rc = muttrc(imapRc(), ["set mbox_type = Maildir", "set confirmcreate = no", "set confirmappend = no"]);
      const r = await interactive(
        rc,
        `<tag-pattern>~s mutt.imap<enter><tag-prefix><copy-message>${out}<enter><quit>`,
        w.env,
      );
      assert.equal(r.timedOut, false, r.stdout);
      const files = maildirFiles(out);
      assert.equal(files.length, 1, r.stdout + w.dovecot.log());
      assert.equal(normalized(readFileSync(files[0] as string), MUTT_ADDED), normalized(msg));
    });

    it("SMTP: batch mode sends without a terminal; Dovecot relays the body", async () => {
      const rc = muttrc(imapRc(), ['set record = ""']);
      const r = await runTool("mutt", ["-n", "-F", rc, "-s", "mutt smtp", "office@contoso.com"], {
        env: w.env,
        input: "sent by mutt\n.leading dot\n",
      });
      assert.equal(r.code, 0, r.stdout + r.stderr + w.dovecot.log());
      const got = w.dovecot.sink.messages.at(-1);
      assert.equal(got?.from, MAILBOX);
      const text = got?.raw.toString("latin1") ?? "";
      assert.match(text, /^Subject: mutt smtp\r$/m);
      assert.ok(text.endsWith("\r\n\r\nsent by mutt\r\n.leading dot\r\n"), text);
    });

    it("SMTP with a token Dovecot refuses: mutt fails and nothing is relayed (the test can fail)", async () => {
      const before = w.dovecot.sink.messages.length;
      const rc = muttrc(imapRc(), ['set record = ""']);
      const r = await runTool("mutt", ["-n", "-F", rc, "-s", "refused", "office@contoso.com"], {
        env: w.badTokenEnv,
        input: "x\n",
      });
      assert.notEqual(r.code, 0);
      assert.equal(w.dovecot.sink.messages.length, before);
    });

    it("POP3: <fetch-mail> retrieves the INBOX into a local Maildir", async () => {
      const spool = join(w.dir, "mutt-pop-spool");
      for (const s of ["new", "cur", "tmp"]) mkdirSync(join(spool, s), { recursive: true });
      mkdirSync(join(w.env.HOME as string, "Mail")); // mutt's default $folder; else it asks whether to create it
      const text = fill(recipe("mutt-pop3"), [
        ["pops://outlook.office365.com:995", `pops://localhost:${w.dovecot.ports.pop3s}`],
        trust(w),
      ]);
      const rc = muttrc(text, ["set mbox_type = Maildir", `set spoolfile = "${spool}"`]);
      const r = await interactive(rc, "<fetch-mail><quit>", w.env);
      assert.equal(r.timedOut, false, r.stdout);
      const got = maildirFiles(spool).map((f) => normalized(readFileSync(f), MUTT_ADDED));
      assert.ok(got.length >= 1, r.stdout + w.dovecot.log());
      assert.ok(got.includes(normalized(recipeMessage("mutt imap"))), got.join("\n---\n"));
    });
  },
);
