/**
 * `fetch --idle --log-format json` during an outage: every stderr line is one JSON object (errors too, with code,
 * cause and fix as fields), and a server that answered earlier in the run is reported as unreachable for the moment
 * and being retried, not as a wrong host or port (which is still the first-contact diagnosis).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { type LocalTenant, startLocalTenant, writeTenantFiles } from "../../src/sandbox/local-tenant.js";
import { type Daemon, startDaemon as startChild } from "../harness/children/daemon-child.js";

function startDaemon(args: string[], dir: string): Daemon {
  return startChild(args, {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: dir,
    LANG: "C",
    XOAUTH_MAIL_CACHE_DIR: join(dir, "cache"),
    XDG_CONFIG_HOME: join(dir, "no-config"),
  });
}

function fetchArgs(tn: LocalTenant, dir: string, port: number): string[] {
  const { caFile, secretFile } = writeTenantFiles(tn, join(dir, "tenant"));
  return [
    "fetch",
    "--idle",
    "--log-format",
    "json",
    "--protocol",
    "imap",
    "--maildir",
    join(dir, "md"),
    "--authority-host",
    tn.authorityHost,
    "--ca-file",
    caFile,
    "--tenant-id",
    tn.tenantId,
    "--client-id",
    tn.clientId,
    "--client-secret-file",
    secretFile,
    "--mailbox",
    tn.mailbox,
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
    "--retries",
    "0",
  ];
}

describe("fetch --idle --log-format json during an outage", () => {
  const cleanup: (() => unknown)[] = [];
  after(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it("a server that had answered: one JSON line per error, 'unreachable, being retried', not 'wrong host'", async () => {
    const dir = mkdtempSync(join(tmpdir(), "daemon-outage-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const tn = await startLocalTenant();
    cleanup.push(() => tn.stop());
    const d = startDaemon(fetchArgs(tn, dir, tn.ports.imaps), dir);
    cleanup.push(() => d.stop());
    await d.waitFor((e) => e.msg === "cycle done" && e.ok === true, 30_000);
    await tn.exchange.stop(); // the mail server goes down (ECONNREFUSED from now on)
    const err = await d.waitFor((e) => e.level === "error" && e.code === "MAIL_SERVER_UNREACHABLE", 30_000);
    assert.match(String(err.message), /refused/);
    assert.match(String(err.cause), /answered earlier in this run, so host and port are right/);
    assert.doesNotMatch(JSON.stringify(err), /Wrong host or port/i);
    assert.ok(Array.isArray(err.fix) && /keeps retrying/.test(String(err.fix[0])), JSON.stringify(err.fix));
    await d.waitFor((e) => /cycle failed, next attempt in/.test(String(e.msg)), 30_000);
    assert.equal(await d.stop(), 0);
    assert.deepEqual(d.notJson, [], "every line is one JSON object");
  });

  it("a server that never answered keeps the first-contact diagnosis (wrong host or port), as one JSON line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "daemon-outage-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const tn = await startLocalTenant();
    cleanup.push(() => tn.stop());
    const port = tn.ports.imaps;
    await tn.exchange.stop();
    const d = startDaemon(fetchArgs(tn, dir, port), dir);
    cleanup.push(() => d.stop());
    const err = await d.waitFor((e) => e.level === "error" && e.code === "MAIL_SERVER_UNREACHABLE", 30_000);
    assert.match(String(err.cause), /Wrong host or port/);
    assert.equal(await d.stop(), 0);
    assert.deepEqual(d.notJson, [], "every line is one JSON object");
  });
});
