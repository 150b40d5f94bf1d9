/**
 * Regression (issue 11, item 7): a client's TCP reset is a normal disconnect (outcome client-closed, no error code),
 * and client-provided strings (user names) reach a text log only escaped: no ESC sequence, no line break.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { createProxyLogger, type ProxyLogRecord } from "../../src/proxy/log.js";
import type { ProxyServer } from "../../src/proxy/server.js";
import { rawConnect } from "../harness/proxy/raw-client.js";
import { startLoginPhaseProxy, testListener, waitForLog } from "../harness/proxy/test-proxy.js";

const b64 = (s: string): string => Buffer.from(s).toString("base64");

describe("client disconnects and hostile user names in the logs", () => {
  let proxy: ProxyServer;
  const records: ProxyLogRecord[] = [];
  const textLines: string[] = [];
  const text = createProxyLogger("text", (l) => textLines.push(l));
  const port = (name: string): number => proxy.listeners.find((l) => l.name === name)?.port ?? 0;

  before(async () => {
    proxy = await startLoginPhaseProxy([testListener("pop3", "pop3", 5), testListener("imap", "imap", 5)], {
      logger: (r) => {
        records.push(r);
        text(r);
      },
    });
  });
  after(() => proxy.close(100));

  for (const protocol of ["pop3", "imap"] as const) {
    it(`${protocol}: a TCP reset before login is logged as client-closed without an error code`, async () => {
      const connects = records.filter((r) => r.event === "connect").length;
      const s = net.connect({ host: "127.0.0.1", port: port(protocol) });
      s.on("error", () => {});
      await new Promise((r) => s.once("data", r));
      s.write("NOOP"); // half a command, then RST
      await sleep(20);
      s.resetAndDestroy();
      const session = (): string | undefined => records.filter((r) => r.event === "connect")[connects]?.session;
      const rec = await waitForLog(records, (x) => x.event === "close" && x.session === session());
      assert.equal(rec.outcome, "client-closed");
      assert.equal(rec.code, undefined);
      assert.equal(rec.level, "info");
    });
  }

  it("a user name with escape sequences and line breaks is escaped in text logs", async () => {
    const evil = "\x1b]0;pwned\x07\x1b[2J\r\n2026-01-01T00:00:00Z INFO login outcome=ok\u202e";
    const c = await rawConnect(port("pop3"));
    await c.waitFor(/^\+OK/);
    c.send(`AUTH PLAIN ${b64(`\0${evil}\0wrong-password`)}\r\n`);
    await c.waitFor(/-ERR \[AUTH\]/);
    c.destroy();
    const line = textLines.find((l) => l.includes("local-reject"));
    assert.ok(line, textLines.join(""));
    assert.equal(line.indexOf("\n"), line.length - 1, "one line");
    assert.doesNotMatch(line, /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/);
    assert.match(
      line,
      /user="\\x1b\]0;pwned\\x07\\x1b\[2J\\x0d\\x0a2026-01-01T00:00:00Z INFO login outcome=ok\\u202e"/,
    );
    const rec = records.find((r) => r.outcome === "local-reject");
    assert.equal(rec?.user, evil, "the structured record keeps the value; only the text sink escapes it");
  });

  it("text logs quote values that could fake a field, and cut very long user names", () => {
    const lines: string[] = [];
    const log = createProxyLogger("text", (l) => lines.push(l));
    log({ level: "warn", event: "login", user: "a=b", outcome: "local-reject" });
    log({ level: "warn", event: "login", user: "x".repeat(5000), outcome: "local-reject" });
    assert.match(lines[0] ?? "", / user="a=b" outcome=local-reject$/m);
    assert.ok((lines[1] ?? "").length < 400, `cut: ${(lines[1] ?? "").length}`);
  });
});
