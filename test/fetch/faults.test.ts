/**
 * Fault injection with the Exchange-like fake (in-process engine, fast): connection dropped mid-RETR, server stall
 * (timeout), 429 from the token endpoint, a fresh token asked at every reconnect. No loss, no duplicate.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { it } from "node:test";
import type { TokenProvider } from "../../src/auth/types.js";
import { fetchAccount } from "../../src/fetch/engine.js";
import type { FetchEvent, FetchOptions } from "../../src/fetch/types.js";
import {
  address,
  ca,
  dir,
  exo,
  identity,
  ports,
  provider,
  options as worldOptions,
} from "../harness/exchange-world.js";
import { deliveredHashes, sha256, tmpFiles } from "../harness/fetch-env.js";
import { plainMessage } from "../harness/messages.js";

/** The world's options, with POP3 as the default protocol of these tests. */
function options(over: Partial<FetchOptions>): FetchOptions {
  return worldOptions((over.protocol ?? "pop3") as "pop3" | "imap", over);
}

/** Fresh mailbox content: the given messages only. */
function fill(messages: Buffer[]): void {
  const mb = exo.directory.findMailbox(address);
  if (mb) mb.folders.get("INBOX")?.splice(0);
  for (const m of messages) exo.directory.deliver(address, m);
}

for (const protocol of ["pop3", "imap"] as const) {
  it(`${protocol}: a connection dropped mid-body reconnects with a fresh token and resumes without loss or duplicate`, async () => {
    const msgs = Array.from({ length: 6 }, (_, i) => plainMessage(i, 20_000));
    fill(msgs);
    exo.faults.dropAfterBytes = 7000;
    const events: FetchEvent[] = [];
    let tokens = 0;
    const base = provider();
    const counting: TokenProvider = {
      getToken: (o) => {
        tokens++;
        return base.getToken(o);
      },
    };
    const o = options({
      protocol,
      tokenProvider: counting,
      ...(protocol === "imap" ? { server: { host: "127.0.0.1", port: ports.imaps, tls: "implicit", ca: [ca] } } : {}),
      onEvent: (e) => {
        events.push(e);
        if (e.type === "retry") delete exo.faults.dropAfterBytes;
      },
    });
    const s = await fetchAccount(o);
    assert.equal(s.ok, true, JSON.stringify(s.errors));
    assert.equal(s.fetched, msgs.length);
    assert.ok(
      events.some((e) => e.type === "retry" && e.code === "CONNECTION_CLOSED"),
      "a retry happened",
    );
    assert.ok(tokens >= 2, "the provider is asked again before the reconnect");
    assert.deepEqual(deliveredHashes(o.maildir), msgs.map(sha256).sort());
  });
}

for (const protocol of ["pop3", "imap"] as const) {
  it(`${protocol}: a connection dropped inside a big streamed body: the partial file is dropped, the retry delivers it once`, async () => {
    const msgs = [plainMessage(1, 3000), plainMessage(2, 3 * 1024 * 1024), plainMessage(3, 3000)];
    fill(msgs);
    exo.faults.dropAfterBytes = 1_500_000; // inside message 2, which is streamed to tmp/ (bigger than 1 MiB)
    const o = options({
      protocol,
      ...(protocol === "imap" ? { server: { host: "127.0.0.1", port: ports.imaps, tls: "implicit", ca: [ca] } } : {}),
      onEvent: (e) => {
        if (e.type === "retry") delete exo.faults.dropAfterBytes;
      },
    });
    const s = await fetchAccount(o);
    delete exo.faults.dropAfterBytes;
    assert.equal(s.ok, true, JSON.stringify(s.errors));
    assert.equal(s.fetched, msgs.length);
    assert.deepEqual(deliveredHashes(o.maildir), msgs.map(sha256).sort());
    assert.deepEqual(tmpFiles(o.maildir), []);
  });
}

it("a stalled server times out (TIMEOUT, exit class network) and a retry after the stall completes", async () => {
  const msgs = [plainMessage(1, 5000)];
  fill(msgs);
  exo.faults.stallMs = 2000;
  const failing = await fetchAccount(options({ timeouts: { dataIdleMs: 300, commandMs: 300 }, retries: 0 }));
  assert.equal(failing.ok, false);
  assert.equal(failing.errors[0]?.code, "TIMEOUT");
  assert.equal(failing.error?.exitCode, 5);
  const o = options({
    timeouts: { dataIdleMs: 300, commandMs: 300 },
    onEvent: (e) => {
      if (e.type === "retry") delete exo.faults.stallMs;
    },
  });
  const ok = await fetchAccount(o);
  delete exo.faults.stallMs;
  assert.equal(ok.ok, true, JSON.stringify(ok.errors));
  assert.deepEqual(deliveredHashes(o.maildir), msgs.map(sha256).sort());
});

it("429 from the token endpoint is retried by the provider; the fetch succeeds", async () => {
  const msgs = [plainMessage(2, 3000)];
  fill(msgs);
  const before = identity.tokenRequests;
  identity.script.failNext(1, { status: 429, retryAfterSec: 1 });
  const s = await fetchAccount(options({}));
  assert.equal(s.ok, true, JSON.stringify(s.errors));
  assert.equal(identity.tokenRequests - before, 2);
});

it("persistent 429 ends the run with THROTTLED (exit 3) and touches nothing", async () => {
  fill([plainMessage(3, 3000)]);
  identity.script.failNext(5, { status: 429, retryAfterSec: 0 });
  const s = await fetchAccount(options({}));
  identity.script.clear();
  assert.equal(s.ok, false);
  assert.equal(s.errors[0]?.code, "THROTTLED");
  assert.equal(s.error?.exitCode, 3);
  assert.equal(s.fetched, 0);
});

it("--exec runs per message, --attachments writes files + sidecar; a failing --exec-required keeps mail on the server", async () => {
  const { bigAttachmentMessage } = await import("../harness/messages.js");
  const { readdirSync, readFileSync } = await import("node:fs");
  fill([bigAttachmentMessage(10_000), plainMessage(7, 2000)]);
  const log = join(dir, "exec.log");
  const att = join(dir, "att");
  const failing = await fetchAccount(options({ maildir: join(dir, "md-hooks"), exec: "exit 3", execRequired: true }));
  assert.equal(failing.ok, false);
  assert.equal(failing.errors[0]?.code, "EXEC_FAILED");
  assert.equal(failing.deleted, 0);
  const ok = await fetchAccount(
    options({ maildir: join(dir, "md-hooks"), exec: `echo "$1" >> ${log}`, execRequired: true, attachmentsDir: att }),
  );
  assert.equal(ok.ok, true, JSON.stringify(ok.errors));
  assert.equal(ok.deleted, 2, "owed hooks re-ran, then both were deleted");
  const lines = readFileSync(log, "utf8").trim().split("\n");
  assert.equal(lines.length, 2);
  for (const l of lines) assert.match(l, /md-hooks\/new\/\d+\.xm[0-9a-f]{32}\./);
  const files = readdirSync(att);
  assert.ok(files.includes("scan.bin"), files.join(","));
  assert.equal(files.filter((f) => f.endsWith(".json")).length, 2);
});
