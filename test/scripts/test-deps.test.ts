/** scripts/test-deps.mjs (the first step of `npm test`): what it installs, when, and what it says otherwise. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { REPO_ROOT } from "../harness/cli.js";

interface Need {
  pkg: string;
  file?: string;
  bin?: string;
}
interface System {
  has(need: Need, env: NodeJS.ProcessEnv): boolean;
  root(): boolean;
  apt(env: NodeJS.ProcessEnv): boolean;
  dovecotVersion(): string | undefined;
  install(pkgs: string[], env: NodeJS.ProcessEnv): void;
}
interface Prepared {
  env: Record<string, string>;
  warnings: string[];
  summary: string | undefined;
}
const { prepareTestDeps } = (await import(pathToFileURL(join(REPO_ROOT, "scripts", "test-deps.mjs")).href)) as {
  prepareTestDeps(env: NodeJS.ProcessEnv, sys: System): Prepared;
};

/** A machine with the given packages missing; install() makes them present and is recorded. */
function machine(o: { missing?: string[]; root?: boolean; apt?: boolean; dovecot?: string }) {
  const missing = new Set(o.missing ?? []);
  const installed: string[][] = [];
  const sys: System = {
    has: (need) => !missing.has(need.pkg),
    root: () => o.root ?? true,
    apt: () => o.apt ?? true,
    dovecotVersion: () => (missing.has("dovecot-core") ? undefined : (o.dovecot ?? "2.3.19.1")),
    install: (pkgs) => {
      installed.push(pkgs);
      for (const p of pkgs) missing.delete(p);
    },
  };
  return { sys, installed };
}

test("everything there: nothing installed, nothing skipped, one line saying so", () => {
  const m = machine({});
  const r = prepareTestDeps({}, m.sys);
  assert.deepEqual(m.installed, []);
  assert.deepEqual(r.warnings, []);
  assert.deepEqual(r.env, {});
  assert.match(
    r.summary ?? "",
    /Dovecot 2\.3\.19\.1 and every peer \(python3, .*curl\) are here; the whole suite runs/,
  );
});

test("as root on Debian/Ubuntu the missing packages are installed, then the whole suite runs", () => {
  const m = machine({ missing: ["dovecot-imapd", "tmux"] });
  const r = prepareTestDeps({}, m.sys);
  assert.deepEqual(m.installed, [["dovecot-imapd", "tmux"]]);
  assert.deepEqual(r.warnings, []);
  assert.deepEqual(r.env, {});
});

test("not root: nothing installed; the exact command, what is lost, and the Dovecot tests skipped", () => {
  const m = machine({ missing: ["dovecot-imapd", "tmux"], root: false });
  const r = prepareTestDeps({}, m.sys);
  assert.deepEqual(m.installed, []);
  assert.match(r.warnings[0] ?? "", /sudo apt-get install --no-install-recommends dovecot-imapd tmux$/);
  assert.ok(r.warnings.includes("Without dovecot-imapd: the real-server tests with Dovecot (skipped)."));
  assert.ok(r.warnings.includes("Without tmux: the interactive `init` test in tmux (skipped)."));
  assert.deepEqual(r.env, { XOAUTH_MAIL_SKIP_DOVECOT: "1" });
  assert.equal(r.summary, undefined);
});

test("not root with Dovecot installed: the Dovecot tests are skipped (they need root), and it says why", () => {
  const r = prepareTestDeps({}, machine({ root: false }).sys);
  assert.deepEqual(r.env, { XOAUTH_MAIL_SKIP_DOVECOT: "1" });
  assert.match(r.warnings.join("\n"), /Not running as root: .*sudo npm test/);
});

test("XOAUTH_TEST_NO_INSTALL=1 never installs, even as root; only tmux missing skips no Dovecot test", () => {
  const m = machine({ missing: ["tmux"] });
  const r = prepareTestDeps({ XOAUTH_TEST_NO_INSTALL: "1" }, m.sys);
  assert.deepEqual(m.installed, []);
  assert.match(r.warnings[0] ?? "", /XOAUTH_TEST_NO_INSTALL=1 is set; install them yourself: .* tmux$/);
  assert.deepEqual(r.env, {});
});

test("not Debian/Ubuntu: points to the system's package manager", () => {
  const r = prepareTestDeps({}, machine({ missing: ["dovecot-core"], apt: false }).sys);
  assert.match(r.warnings[0] ?? "", /not Debian\/Ubuntu: install the equivalents of dovecot-core/);
  assert.deepEqual(r.env, { XOAUTH_MAIL_SKIP_DOVECOT: "1" });
});

test("a Dovecot other than 2.3 (Debian 13 ships 2.4) skips the real-server tests and says so", () => {
  const r = prepareTestDeps({}, machine({ dovecot: "2.4.1-4" }).sys);
  assert.deepEqual(r.env, { XOAUTH_MAIL_SKIP_DOVECOT: "1" });
  assert.match(r.warnings.join("\n"), /Dovecot 2\.4\.1-4 is installed; the tests configure Dovecot 2\.3/);
});

test("XOAUTH_TEST_STRICT=1 (CI) turns anything missing into an error instead of skipped tests", () => {
  assert.throws(() => prepareTestDeps({ XOAUTH_TEST_STRICT: "1" }, machine({ root: false }).sys), /STRICT=1 .* cannot/);
  assert.doesNotThrow(() => prepareTestDeps({ XOAUTH_TEST_STRICT: "1" }, machine({}).sys));
});
