/**
 * A mailbox at its connection limit, on real Dovecot 2.3 (mail_max_userip_connections=10: the 11th IMAP session of
 * one user from one IP gets `NO [LIMIT] Maximum number of connections ...`): `test --json` reports SERVER_BUSY with
 * exit 5 and a wait/close-sessions fix, the proxy answers its client with a temporary `NO [UNAVAILABLE]` and logs
 * SERVER_BUSY, and `fetch` retries and then succeeds once a session is closed.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { connect, type TLSSocket } from "node:tls";
import { fetchAccount } from "../../src/fetch/engine.js";
import type { FetchEvent } from "../../src/fetch/types.js";
import { defaultSandboxTenant } from "../../src/sandbox/identity/index.js";
import { buildXoauth2 } from "../../src/sasl/xoauth2.js";
import { runCli } from "../harness/cli.js";
import { describeDovecot } from "../harness/dovecot/dovecot.js";
import { cliJson, type IdentityAndDovecot, loginArgs, startIdentityAndDovecot } from "../harness/e2e.js";
import { countingTokens, startTestProxy } from "../harness/proxy/test-proxy.js";
import { RawClient } from "../harness/sandbox/exchange-fake.js";

const tenant = defaultSandboxTenant();
const app = tenant.apps[0] as NonNullable<(typeof tenant.apps)[0]>;
const MB = "busy@contoso.onmicrosoft.com";
const LIMIT = 10;

/** One logged-in IMAP session of MB, held open until closed. */
async function imapSession(w: IdentityAndDovecot): Promise<TLSSocket> {
  const s = connect({ host: "127.0.0.1", port: w.dovecot.ports.imaps, ca: w.pki.ca.certPem, servername: "localhost" });
  s.on("error", () => {});
  let buf = "";
  const until = (re: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const m = re.exec(buf);
        if (m) {
          s.off("data", onData);
          resolve(m[0]);
        }
      };
      const onData = (d: Buffer) => {
        buf += d.toString("latin1");
        check();
      };
      s.on("data", onData);
      s.once("close", () => reject(new Error(`closed: ${buf}`)));
      check();
    });
  await until(/^\* OK.*\r\n/m);
  s.write(`a AUTHENTICATE XOAUTH2 ${buildXoauth2(MB, w.identity.mintAccessToken())}\r\n`);
  const tagged = await until(/^a (OK|NO|BAD).*\r\n/m);
  assert.match(tagged, /^a OK/, tagged);
  return s;
}

describeDovecot("a mailbox at its connection limit on real Dovecot is SERVER_BUSY everywhere", () => {
  let w: IdentityAndDovecot;
  const held: TLSSocket[] = [];
  let n = 0;

  const holdAll = async () => {
    for (let i = held.length; i < LIMIT; i++) held.push(await imapSession(w));
  };
  const releaseOne = () => held.pop()?.destroy();

  before(async () => {
    w = await startIdentityAndDovecot("xoauth-busy-", tenant, [MB]);
    await w.dovecot.deliver(
      MB,
      Buffer.from("From: a@b.example\r\nTo: busy@contoso.onmicrosoft.com\r\nSubject: hi\r\n\r\nhi\r\n"),
    );
  });
  after(async () => {
    for (const s of held) s.destroy();
    await w?.stop();
  });

  it("test --json --protocol imap: SERVER_BUSY, exit 5, no permission fix", async () => {
    await holdAll();
    const r = await runCli(
      [
        "test",
        "--json",
        ...loginArgs({ ...w, tenantId: tenant.tenantId, clientId: app.clientId, mailbox: MB }),
        "--protocol",
        "imap",
        "--host",
        "127.0.0.1",
        "--port",
        String(w.dovecot.ports.imaps),
        "--tls",
        "implicit",
      ],
      { env: { AZURE_CLIENT_SECRET: app.secrets[0]?.value as string, XOAUTH_MAIL_CACHE_DIR: join(w.dir, `c${++n}`) } },
    );
    const json = cliJson(r);
    assert.equal(json.diagnosis.code, "SERVER_BUSY", JSON.stringify(json, null, 2));
    assert.equal(r.code, 5);
    assert.match(json.diagnosis.summary, /Maximum number of connections/);
    for (const f of json.diagnosis.fix as string[]) assert.doesNotMatch(f, /^(?:New-|Add-|Set-|Connect-)/, f);
  });

  it("the proxy answers its IMAP client with a temporary NO [UNAVAILABLE] and logs SERVER_BUSY", async () => {
    await holdAll();
    const proxy = await startTestProxy({
      listeners: [
        {
          name: "imap",
          protocol: "imap",
          upstream: { host: "127.0.0.1", port: w.dovecot.ports.imaps, tls: "implicit" },
        },
      ],
      tokens: countingTokens(async () => w.identity.mintAccessToken()),
      mailbox: MB,
      ca: w.pki.ca.certPem,
      extraUsers: [{ username: "busy-app", password: "busy-password-1" }],
    });
    try {
      const c = await RawClient.plain(proxy.port("imap"));
      await c.line();
      c.send("a LOGIN busy-app busy-password-1");
      const reply = (await c.until(/^a /)).at(-1) as string;
      c.close();
      assert.match(reply, /^a NO \[UNAVAILABLE\] /);
      const fail = proxy.logs.find((l) => l.outcome === "upstream-fail");
      assert.equal(fail?.code, "SERVER_BUSY", JSON.stringify(proxy.logs));
    } finally {
      await proxy.close();
    }
  });

  it("fetch retries SERVER_BUSY with backoff and succeeds once a session is closed", async () => {
    await holdAll();
    const events: FetchEvent[] = [];
    const r = await fetchAccount({
      account: MB,
      protocol: "imap",
      server: { host: "127.0.0.1", port: w.dovecot.ports.imaps, tls: "implicit", ca: [w.pki.ca.certPem] },
      tokenProvider: countingTokens(async () => w.identity.mintAccessToken()),
      maildir: join(w.dir, "maildir"),
      delete: false,
      retries: 3,
      backoffMs: 50,
      onEvent: (e) => {
        events.push(e);
        if (e.type === "retry") releaseOne();
      },
    });
    const retries = events.filter((e) => e.type === "retry");
    assert.ok(retries.length >= 1, JSON.stringify(events));
    assert.equal((retries[0] as { code?: string }).code, "SERVER_BUSY");
    assert.equal(r.ok, true, JSON.stringify(r.errors));
    assert.equal(r.fetched, 1);
  });
});
