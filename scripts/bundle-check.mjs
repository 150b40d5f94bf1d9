#!/usr/bin/env node
// Checks the one-file distribution as a user without internet gets it: the bundle copied alone into an empty
// directory, run by `node` with an empty environment (only PATH to node, HOME in that directory: no config, cache or
// node_modules can leak in), no network beyond 127.0.0.1.
//   1. `--version` is package.json's; `node xoauth-mail.mjs demo --json`: every step ok;
//   2. `node xoauth-mail.mjs sandbox --dir sb --json` in the background, then
//      `node xoauth-mail.mjs test --config sb/config.yaml --protocol all --json`: ok;
//   3. a trace build of the same bundle (scripts/bundle.mjs, trace: true): `--help` initialises no
//      @azure/msal-node (its import stays lazy inside the bundle);
//   4. V8's code cache (src/cli/bundle/code-cache.ts): the first run writes it (0600 in a 0700 dir, one per command),
//      the next uses it unchanged; a broken or readable-by-others cache is replaced; NODE_DISABLE_COMPILE_CACHE=1
//      writes nothing.
// Usage: node scripts/bundle-check.mjs [BUNDLE]   (without BUNDLE it builds one into a temporary directory)
// Exit codes: 0 ok, 1 a check failed, 3 the bundle cannot be built here (esbuild missing): test/bundle skips then.
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, parse, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildBundle, packageJson } from "./bundle.mjs";

export const EXIT_CANNOT_BUILD = 3;

/** Lazily loaded packages the bare `--help` must not initialise. */
const NOT_FOR_HELP = ["@azure/msal-node"];

const log = (s) => process.stderr.write(`bundle-check: ${s}\n`);

/** A directory without any node_modules in it or above it (else a leaked import could still resolve there). */
function emptyDir() {
  const dir = mkdtempSync(join(tmpdir(), "xoauth-mail-bundle-check-"));
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, "node_modules")))
      throw new Error(`${join(d, "node_modules")} exists above the check directory`);
    if (d === parse(d).root) break;
  }
  return dir;
}

function cleanEnv(home, extra = {}) {
  return { PATH: dirname(process.execPath), HOME: home, ...extra };
}

function runNode(dir, args, extraEnv) {
  const r = spawnSync(process.execPath, args, {
    cwd: dir,
    env: cleanEnv(dir, extraEnv),
    encoding: "utf8",
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return r;
}

function parseJsonOut(what, r) {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`${what}: exit ${r.status}, no JSON on stdout.\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
}

function checkVersion(dir) {
  const want = packageJson().version;
  const r = runNode(dir, ["xoauth-mail.mjs", "--version"]);
  if (r.status !== 0 || r.stdout.trim() !== want) {
    throw new Error(`--version printed "${r.stdout.trim()}" (exit ${r.status}), expected ${want}:\n${r.stderr}`);
  }
  log(`--version ${want}`);
}

function checkDemo(dir) {
  const r = runNode(dir, ["xoauth-mail.mjs", "demo", "--json"]);
  const out = parseJsonOut("demo --json", r);
  const bad = (out.steps ?? []).filter((s) => !s.ok).map((s) => s.id);
  if (r.status !== 0 || !out.ok || bad.length > 0) {
    throw new Error(
      `demo --json failed (exit ${r.status}; steps not ok: ${bad.join(", ") || "-"}):\n${r.stdout}\n${r.stderr}`,
    );
  }
  log(`demo ok (${out.steps.length} steps)`);
}

/** Starts `sandbox --json` and resolves with its connection details once it printed them. */
function startSandbox(dir) {
  const child = spawn(process.execPath, ["xoauth-mail.mjs", "sandbox", "--dir", "sb", "--json"], {
    cwd: dir,
    env: cleanEnv(dir),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr.setEncoding("utf8").on("data", (s) => {
    err += s;
  });
  const ready = new Promise((done, fail) => {
    child.stdout.setEncoding("utf8").on("data", (s) => {
      out += s;
      if (out.includes("\n")) done(JSON.parse(out.slice(0, out.indexOf("\n"))));
    });
    child.on("exit", (code) => fail(new Error(`sandbox exited (${code}) before it was ready:\n${out}\n${err}`)));
  });
  const stop = () =>
    new Promise((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done(child.exitCode);
      child.on("exit", (code) => done(code));
      child.kill("SIGTERM");
    });
  return { ready, stop };
}

async function checkSandboxTest(dir) {
  const sandbox = startSandbox(dir);
  try {
    const info = await sandbox.ready;
    const r = runNode(dir, ["xoauth-mail.mjs", "test", "--config", info.config, "--protocol", "all", "--json"]);
    const out = parseJsonOut("test --protocol all --json", r);
    if (r.status !== 0 || !out.ok) {
      throw new Error(`test --protocol all against the sandbox failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    }
    log(`sandbox + test --protocol all ok (${(out.results ?? []).length} protocols)`);
  } finally {
    const code = await sandbox.stop();
    if (code !== 0) log(`sandbox ended with exit code ${code}`);
  }
}

/** The code cache files in HOME=`home` after the runs so far: name -> stat. */
function codeCaches(home) {
  const dir = join(home, ".cache", "xoauth-mail", "code");
  if (!existsSync(dir)) return { dir, files: new Map() };
  return { dir, files: new Map(readdirSync(dir).map((n) => [n, statSync(join(dir, n))])) };
}

function mustRun(dir, args, extraEnv) {
  const r = runNode(dir, ["xoauth-mail.mjs", ...args], extraEnv);
  if (r.status !== 0) throw new Error(`${args.join(" ")}: exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** Runs after checkVersion and checkDemo (HOME is `dir`): their caches are there. */
function checkCodeCache(dir) {
  const suffix = `-${process.version}-${process.arch}.v8`;
  const { dir: cacheDir, files } = codeCaches(dir);
  const names = [...files.keys()].sort();
  const kind = (command) => new RegExp(`-${command}(-[0-9a-f]{8})?${suffix.replaceAll(".", "\\.")}$`);
  const main = names.find((n) => kind("main").test(n));
  if (!main || !names.some((n) => kind("demo").test(n)) || names.length !== 2) {
    throw new Error(
      `expected a code cache for --version (main) and one for demo in ${cacheDir}, found: ${names.join(", ") || "none"}`,
    );
  }
  if ((statSync(cacheDir).mode & 0o777) !== 0o700) throw new Error(`${cacheDir} is not 0700`);
  for (const [n, st] of files) if ((st.mode & 0o777) !== 0o600) throw new Error(`${n} is not 0600`);
  const file = join(cacheDir, main);
  const before = statSync(file);
  mustRun(dir, ["--version"]);
  const again = statSync(file);
  if (again.ino !== before.ino || again.mtimeMs !== before.mtimeMs) {
    throw new Error("the second --version run rewrote its code cache: V8 rejected it (or it was not read)");
  }
  // A good cache that others could read (0644): not used, so the run writes a new 0600 one over it. Were the mode not
  // checked, V8 would take it and the file would stay as it is.
  const good = readFileSync(file);
  rmSync(file);
  writeFileSync(file, good, { mode: 0o644 });
  chmodSync(file, 0o644);
  mustRun(dir, ["--version"]);
  if ((statSync(file).mode & 0o777) !== 0o600) throw new Error("a cache readable by others (0644) was used");
  // Broken data of a cache of the right length and header: refused by its CRC, never given to V8 (which crashes on
  // some such data: exit 133 at every later run), and replaced.
  const bad = Buffer.from(good);
  bad[bad.length - 100] ^= 0xff;
  rmSync(file);
  writeFileSync(file, bad, { mode: 0o600 });
  const r2 = mustRun(dir, ["--version"]);
  if (r2.stdout.trim() !== packageJson().version) throw new Error(`--version with a broken cache printed ${r2.stdout}`);
  if (readFileSync(file).equals(bad)) throw new Error("a cache with a changed byte was not replaced");
  const off = join(dir, "no-cache-home");
  mkdirSync(off);
  const r = runNode(dir, ["xoauth-mail.mjs", "--version"], { HOME: off, NODE_DISABLE_COMPILE_CACHE: "1" });
  if (r.status !== 0 || existsSync(join(off, ".cache"))) {
    throw new Error(
      `NODE_DISABLE_COMPILE_CACHE=1: exit ${r.status}, cache dir written: ${existsSync(join(off, ".cache"))}`,
    );
  }
  log(
    `code cache ok (${names.length} files, reused unchanged, broken ones replaced, off with NODE_DISABLE_COMPILE_CACHE=1)`,
  );
}

/** The packages a run of the trace bundle initialised (XOAUTH_MAIL_TRACE_LOADED). */
export function loadedPackages(dir, file, args) {
  const r = runNode(dir, [file, ...args], { XOAUTH_MAIL_TRACE_LOADED: "1" });
  const line = r.stderr.split("\n").find((l) => l.startsWith("xoauth-mail-loaded: "));
  if (!line) throw new Error(`${args.join(" ")}: the trace bundle printed no package list:\n${r.stderr}`);
  return JSON.parse(line.slice("xoauth-mail-loaded: ".length));
}

async function checkLazy(dir, work) {
  const traced = await buildBundle({ outfile: join(work, "traced", "xoauth-mail.mjs"), trace: true });
  copyFileSync(traced.outfile, join(dir, "traced.mjs"));
  const loaded = loadedPackages(dir, "traced.mjs", ["--help"]);
  const wrong = NOT_FOR_HELP.filter((p) => loaded.includes(p));
  if (wrong.length > 0) throw new Error(`--help initialised ${wrong.join(", ")} (should stay lazy in the bundle)`);
  log(`--help initialises ${loaded.length} packages, not ${NOT_FOR_HELP.join(", ")}`);
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), "xoauth-mail-bundle-build-"));
  let dir;
  try {
    let bundle = process.argv[2] ? resolve(process.argv[2]) : undefined;
    if (!bundle) {
      try {
        bundle = (await buildBundle({ outfile: join(work, "xoauth-mail.mjs") })).outfile;
      } catch (e) {
        if (e.code !== "NO_ESBUILD") throw e;
        log(`cannot build the bundle: ${e.message}`);
        return EXIT_CANNOT_BUILD;
      }
    }
    dir = emptyDir();
    copyFileSync(bundle, join(dir, "xoauth-mail.mjs"));
    log(`${bundle} alone in ${dir}, node ${process.version}, empty environment`);
    checkVersion(dir);
    checkDemo(dir);
    checkCodeCache(dir);
    await checkSandboxTest(dir);
    await checkLazy(dir, work);
    log("ok");
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      log(`FAILED: ${e.stack ?? e}`);
      process.exitCode = 1;
    },
  );
}
