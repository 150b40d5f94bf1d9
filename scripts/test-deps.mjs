#!/usr/bin/env node
// What the test suite needs besides Node, and how it gets it (`npm test` runs this first, through scripts/test.mjs).
//
// The suite runs our clients and the proxy against real servers and real peers: Dovecot 2.3 (POP3, IMAP, submission),
// Python 3 (poplib/imaplib/smtplib as legacy clients of the proxy), fetchmail, getmail6, swaks and curl (clients of
// the proxy), msmtp, mutt, mbsync with the XOAUTH2 SASL plug-in (the recipes in docs/clients.md) and tmux (`init` in a
// terminal). Missing ones are installed with apt-get when this runs as root on Debian/Ubuntu
// (the system Dovecot service the package starts is stopped again: the tests start their own instances from temp
// dirs on 127.0.0.1). Otherwise it prints the exact command and the suite still runs: the Dovecot tests are skipped
// (XOAUTH_MAIL_SKIP_DOVECOT=1), which this says before and after the run.
//
// Environment: XOAUTH_TEST_NO_INSTALL=1 never installs (only reports); XOAUTH_TEST_STRICT=1 (CI) makes anything
// missing an error instead of skipped tests. Standalone: `node scripts/test-deps.mjs` installs/reports and exits.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Each need: a file that proves it is there, its Debian package, and what is lost without it. */
export const NEEDS = [
  { pkg: "dovecot-core", file: "/usr/sbin/dovecot", without: "the real-server tests with Dovecot (skipped)" },
  {
    pkg: "dovecot-pop3d",
    file: "/usr/lib/dovecot/pop3-login",
    without: "the real-server tests with Dovecot (skipped)",
  },
  {
    pkg: "dovecot-imapd",
    file: "/usr/lib/dovecot/imap-login",
    without: "the real-server tests with Dovecot (skipped)",
  },
  {
    pkg: "dovecot-submissiond",
    file: "/usr/lib/dovecot/submission-login",
    without: "the real-server tests with Dovecot (skipped)",
  },
  { pkg: "python3", bin: "python3", without: "proxy tests with Python's poplib/imaplib/smtplib (they fail)" },
  { pkg: "fetchmail", bin: "fetchmail", without: "the fetchmail-through-the-proxy test (skipped)" },
  { pkg: "tmux", bin: "tmux", without: "the interactive `init` test in tmux (skipped)" },
  { pkg: "getmail6", bin: "getmail", without: "the getmail6 tests (recipe and through the proxy; skipped)" },
  { pkg: "msmtp", bin: "msmtp", without: "the msmtp recipe test (skipped)" },
  { pkg: "mutt", bin: "mutt", without: "the mutt recipe test (skipped)" },
  { pkg: "isync", bin: "mbsync", without: "the mbsync recipe test (skipped)" },
  {
    pkg: "libsasl2-modules-kdexoauth2",
    sasl: "libkdexoauth2.so",
    without: "the mbsync recipe test (skipped: mbsync has no XOAUTH2 without this SASL plug-in)",
  },
  { pkg: "swaks", bin: "swaks", without: "the swaks-through-the-proxy tests (skipped)" },
  { pkg: "curl", bin: "curl", without: "the curl-through-the-proxy tests (skipped)" },
];

/** Where Cyrus SASL plug-ins live on Debian/Ubuntu (multiarch) and on others. */
export const SASL_DIRS = [
  "/usr/lib/x86_64-linux-gnu/sasl2",
  "/usr/lib/aarch64-linux-gnu/sasl2",
  "/usr/lib/powerpc64le-linux-gnu/sasl2",
  "/usr/lib/s390x-linux-gnu/sasl2",
  "/usr/lib/sasl2",
  "/usr/lib64/sasl2",
];

const DOVECOT_PKGS = new Set(NEEDS.filter((n) => n.pkg.startsWith("dovecot")).map((n) => n.pkg));

function onPath(bin, env) {
  return (env.PATH ?? "").split(delimiter).some((dir) => dir !== "" && existsSync(join(dir, bin)));
}

/** "2.3.19.1", or undefined when Dovecot is not installed or does not answer. */
function dovecotVersion() {
  if (!existsSync("/usr/sbin/dovecot")) return undefined;
  const r = spawnSync("/usr/sbin/dovecot", ["--version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim().split(/\s+/)[0] : undefined;
}

function run(cmd, args, env) {
  process.stderr.write(`test-deps: ${cmd} ${args.join(" ")}\n`);
  const r = spawnSync(cmd, args, { stdio: "inherit", env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.status ?? r.signal})`);
}

/** Installs the missing packages with apt-get (root on Debian/Ubuntu only). */
function aptInstall(pkgs, env) {
  const aptEnv = { ...env, DEBIAN_FRONTEND: "noninteractive" };
  run("apt-get", ["update", "-q"], aptEnv);
  run("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...pkgs], aptEnv);
  if (pkgs.includes("dovecot-core")) {
    // The package starts the system-wide Dovecot where an init system runs; the tests never use it.
    const stop = spawnSync("systemctl", ["stop", "dovecot"], { stdio: "ignore" });
    if (stop.status !== 0) spawnSync("service", ["dovecot", "stop"], { stdio: "ignore" });
  }
}

/** This machine, as prepareTestDeps sees it (tests pass their own). */
export const SYSTEM = {
  has: (need, env) =>
    need.file
      ? existsSync(need.file)
      : need.sasl
        ? SASL_DIRS.some((dir) => existsSync(join(dir, need.sasl)))
        : onPath(need.bin, env),
  root: () => typeof process.getuid === "function" && process.getuid() === 0,
  apt: (env) => existsSync("/etc/debian_version") && onPath("apt-get", env),
  dovecotVersion,
  install: aptInstall,
};

/**
 * Checks (and if it may, installs) what the suite needs. Returns the environment additions for the test run and the
 * warnings to repeat after it. Throws when XOAUTH_TEST_STRICT=1 and something is missing, or when apt-get fails.
 */
export function prepareTestDeps(env = process.env, sys = SYSTEM) {
  const missingNow = () => NEEDS.filter((n) => !sys.has(n, env));
  let missing = missingNow();
  const warnings = [];
  const strict = env.XOAUTH_TEST_STRICT === "1";
  if (missing.length > 0 && env.XOAUTH_TEST_NO_INSTALL !== "1" && sys.root() && sys.apt(env)) {
    sys.install(
      missing.map((n) => n.pkg),
      env,
    );
    missing = missingNow();
  }
  if (missing.length > 0) {
    const pkgs = missing.map((n) => n.pkg).join(" ");
    const how =
      env.XOAUTH_TEST_NO_INSTALL === "1"
        ? `XOAUTH_TEST_NO_INSTALL=1 is set; install them yourself: sudo apt-get install --no-install-recommends ${pkgs}`
        : sys.apt(env)
          ? `Install them (or run npm test as root, which does): sudo apt-get install --no-install-recommends ${pkgs}`
          : `This is not Debian/Ubuntu: install the equivalents of ${pkgs} with the system's package manager.`;
    const lost = [...new Set(missing.map((n) => n.without))].map((what) => {
      const by = missing.filter((n) => n.without === what).map((n) => n.pkg);
      return `Without ${by.join(", ")}: ${what}.`;
    });
    warnings.push(`Missing: ${pkgs}. ${how}`, ...lost);
  }
  const dovecotMissing = missing.some((n) => DOVECOT_PKGS.has(n.pkg));
  const version = sys.dovecotVersion();
  let skipDovecot = dovecotMissing;
  if (!dovecotMissing && version !== undefined && !version.startsWith("2.3.")) {
    skipDovecot = true;
    warnings.push(
      `Dovecot ${version} is installed; the tests configure Dovecot 2.3 (Debian 12, Ubuntu 22.04/24.04), whose ` +
        "configuration 2.4 no longer reads. The real-server tests are skipped.",
    );
  } else if (!dovecotMissing && !sys.root()) {
    skipDovecot = true;
    warnings.push(
      "Not running as root: the real-server tests start Dovecot, which needs root (it switches to its own users and " +
        "the mail directory belongs to nobody). They are skipped; run `sudo npm test`, or npm test in a container.",
    );
  }
  const extra = skipDovecot && env.XOAUTH_MAIL_SKIP_DOVECOT !== "1" ? { XOAUTH_MAIL_SKIP_DOVECOT: "1" } : {};
  if (warnings.length > 0 && strict) {
    throw new Error(`XOAUTH_TEST_STRICT=1 and the test suite cannot run completely:\n  ${warnings.join("\n  ")}`);
  }
  const summary =
    warnings.length === 0
      ? `test-deps: Dovecot ${version} and every peer (${NEEDS.filter((n) => !n.pkg.startsWith("dovecot"))
          .map((n) => n.pkg)
          .join(", ")}) are here; the whole suite runs, real servers included.`
      : undefined;
  return { env: extra, warnings, summary };
}

/** The warnings as a block that stands out in a long log. */
export function banner(warnings) {
  const line = "!".repeat(100);
  return `${line}\n${warnings.map((w) => `!! ${w}`).join("\n")}\n${line}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const r = prepareTestDeps();
    process.stderr.write(r.summary ? `${r.summary}\n` : banner(r.warnings));
  } catch (e) {
    process.stderr.write(`test-deps: ${e.message}\n`);
    process.exit(1);
  }
}
