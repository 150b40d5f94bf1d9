/**
 * docs/clients.md's getmail6 recipes against real Dovecot: IMAP with `use_xoauth2 = True` and `password_command =
 * ("xoauth-mail", "token", ...)` (the test CA in `ca_certs`), and POP3 through the BUILT `xoauth-mail proxy` (Debian
 * 12's getmail6 6.18 has no POP3 XOAUTH2): a pop3 listener on loopback, USER/PASS, XOAUTH2 upstream. Both deliver the
 * message into a Maildir. As root getmail refuses to deliver, so the test delivers as `nobody` then.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { parse, stringify } from "yaml";
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
import { hashWithCli, type ProxyChild, startProxyChild } from "../harness/proxy/cli-proxy.js";

/** Header fields getmail adds on delivery. */
const GETMAIL_ADDED = ["Return-Path", "Delivered-To", "Received", "X-getmail-retrieved-from-mailbox"];
const ROOT = process.getuid?.() === 0;

describeClient(
  "getmail6 recipes: IMAP with use_xoauth2 + password_command, POP3 through the proxy, real Dovecot",
  { bins: ["getmail"], install: "apt-get install getmail6" },
  () => {
    let w: ClientWorld;
    let proxy: ProxyChild | undefined;

    before(async () => {
      w = await startClientWorld("xoauth-getmail-");
      await w.dovecot.deliver(MAILBOX, recipeMessage("getmail"));
    });
    after(async () => {
      proxy?.kill();
      await w?.stop();
    });

    /** A Maildir getmail may write to (owned by `nobody` when the test runs as root), and the [destination] lines. */
    const maildir = (name: string): { dir: string; pairs: [string, string][] } => {
      const dir = join(w.dir, name);
      for (const s of ["new", "cur", "tmp"]) mkdirSync(join(dir, s), { recursive: true });
      if (ROOT) {
        chmodSync(w.dir, 0o755); // getmail reads the Maildir's parent as `nobody`; the secrets inside stay 0600
        execFileSync("chown", ["-R", "nobody", dir]);
      }
      const path = `path = ${dir}/${ROOT ? "\nuser = nobody" : ""}`;
      return { dir, pairs: [["path = ~/Maildir/", path]] };
    };
    const getmail = (name: string, config: string) => {
      const rc = join(w.dir, `${name}.getmailrc`);
      writeFileSync(rc, config, { mode: 0o600 });
      const state = join(w.dir, `${name}-state`);
      mkdirSync(state);
      return runTool("getmail", ["--getmaildir", state, "--rcfile", rc], { env: w.env, timeoutMs: 60_000 });
    };
    /** getmail re-folds long header fields (Python's email package): compare them unfolded (RFC 5322 section 2.2.3). */
    const unfolded = (text: string) => text.replace(/[ \t]*\n[ \t]+/g, " ");
    const delivered = (dir: string) =>
      readdirSync(join(dir, "new")).map((f) => unfolded(normalized(readFileSync(join(dir, "new", f)), GETMAIL_ADDED)));
    const expected = () => [unfolded(normalized(recipeMessage("getmail")))];

    it("IMAP: XOAUTH2 with the token from password_command; the message lands in the Maildir", async () => {
      const md = maildir("imap-maildir");
      const config = fill(recipe("getmail-imap"), [
        ["server = outlook.office365.com", "server = localhost"],
        ["port = 993", `port = ${w.dovecot.ports.imaps}`],
        ["ca_certs = /etc/ssl/certs/ca-certificates.crt", `ca_certs = ${w.caFile}`],
        ...md.pairs,
      ]);
      const r = await getmail("imap", config);
      assert.equal(r.code, 0, r.stdout + r.stderr + w.dovecot.log());
      assert.deepEqual(delivered(md.dir), expected());
    });

    it("POP3 through xoauth-mail proxy (USER/PASS on loopback, XOAUTH2 upstream)", async () => {
      const configFile = join(w.env.XDG_CONFIG_HOME as string, "xoauth-mail", "config.yaml");
      const config = parse(readFileSync(configFile, "utf8"));
      config.proxy = {
        authFailureDelayMs: 10,
        listeners: [
          {
            name: "pop3",
            protocol: "pop3",
            listen: { port: 0 },
            upstream: { host: "localhost", port: w.dovecot.ports.pop3s, tls: "implicit" },
          },
        ],
        users: [{ username: "erp", passwordHash: await hashWithCli("erp-password-1"), account: "shop" }],
      };
      writeFileSync(configFile, stringify(config), { mode: 0o600 });
      proxy = await startProxyChild(["--log-format", "json", "--ca-file", w.caFile, "--drain-seconds", "1"], w.env);
      await proxy.waitFor((r) => r.event === "listening" && r.listener === "pop3");
      const passwordFile = join(w.dir, "erp.password");
      writeFileSync(passwordFile, "erp-password-1\n", { mode: 0o600 });
      const md = maildir("pop3-maildir");
      const rc = fill(recipe("getmail-pop3-proxy"), [
        ["port = 1110", `port = ${proxy.port("pop3")}`],
        ["/etc/xoauth-mail/erp.password", passwordFile],
        ...md.pairs,
      ]);
      const r = await getmail("pop3", rc);
      assert.equal(r.code, 0, r.stdout + r.stderr + proxy.stderr());
      assert.deepEqual(delivered(md.dir), expected());
      const login = await proxy.waitFor((x) => x.event === "login");
      assert.equal(login.outcome, "ok");
    });
  },
);
