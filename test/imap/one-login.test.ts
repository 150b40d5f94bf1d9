/**
 * `test --protocol imap`, `fetch --protocol imap` and the proxy's IMAP upstream log in through one function,
 * src/imap/login.ts loginXoauth2 (its call counter is the proof), against the Exchange fake.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { runMailTest } from "../../src/diagnose/test-run.js";
import { fetchAccount } from "../../src/fetch/engine.js";
import { loginXoauth2Calls } from "../../src/imap/login.js";
import { createUpstreamLogin } from "../../src/proxy/upstream/index.js";
import { address, ca, options, ports, provider } from "../harness/exchange-world.js";

test("test, fetch and the proxy upstream log in over IMAP through loginXoauth2", async () => {
  const start = loginXoauth2Calls.count;
  const tokens = provider();
  const r = await runMailTest({
    protocol: "imap",
    mailbox: address,
    server: { host: "127.0.0.1", port: ports.imaps, tls: "implicit" },
    cloud: "global",
    ca: [ca],
    getToken: () => tokens.getToken(),
  });
  assert.equal(r.diagnosis.code, "OK", JSON.stringify(r.steps));
  assert.equal(loginXoauth2Calls.count, start + 1, "test");

  const f = await fetchAccount(options("imap", { delete: false }));
  assert.equal(f.error, undefined, f.error?.message);
  assert.equal(loginXoauth2Calls.count, start + 2, "fetch");

  const up = createUpstreamLogin({ ca: [ca] });
  const target = { host: "127.0.0.1", port: ports.imaps, tls: "implicit" as const };
  const s = await up.login({ protocol: "imap", target, account: { name: "a", mailbox: address, tokens } });
  s.socket.destroy();
  assert.equal(loginXoauth2Calls.count, start + 3, "proxy");
  assert.ok(s.capabilities?.includes("IDLE"), String(s.capabilities));
});
