#!/usr/bin/env node
// `npm run release`: the archive for machines without internet (docs/install.md). Builds the bundle
// (scripts/bundle.mjs) and writes dist/release/xoauth-mail-<version>.tar.gz and .zip, each holding one directory
// xoauth-mail-<version>/ with xoauth-mail.mjs, xoauth-mail.cmd (Windows), README.md, LICENSE, docs/, examples/,
// schema/ and THIRD-PARTY-NOTICES.txt (the licence of every package inside the bundle, read from node_modules: the
// build fails when one has no licence file), plus dist/release/SHA256SUMS (`sha256sum -c SHA256SUMS`).
// The tar.gz needs `tar` (GNU or BSD); the zip is written by scripts/bundle-zip.mjs.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildBundle, bundledPackages, ROOT } from "./bundle.mjs";
import { zipArchive } from "./bundle-zip.mjs";

const RELEASE_DIR = join(ROOT, "dist", "release");
/** What the archive holds besides the bundle, the notices and the .cmd wrapper. */
const SHIPPED = ["README.md", "LICENSE", "docs", "examples", "schema"];
const LICENSE_FILE = /^(licen[cs]e|copying)([.-].*)?$/i;

/** One text naming each bundled package, its version and licence, followed by its licence file(s). */
export function thirdPartyNotices(metafile, version) {
  const parts = [
    `Third-party software in xoauth-mail ${version} (xoauth-mail.mjs)`,
    "",
    "The one-file distribution xoauth-mail.mjs contains the following packages from npm, each under its own",
    "licence, reproduced below. xoauth-mail itself is under the licence in LICENSE.",
    "",
  ];
  const missing = [];
  const packages = [...bundledPackages(metafile).values()];
  for (const p of packages) parts.push(`  ${p.name} ${p.version}`);
  for (const p of packages) {
    const declared = JSON.parse(readFileSync(join(p.dir, "package.json"), "utf8")).license ?? "(none declared)";
    const files = readdirSync(p.dir)
      .filter((f) => LICENSE_FILE.test(f))
      .sort();
    if (files.length === 0) {
      missing.push(`${p.name} ${p.version} (${relative(ROOT, p.dir)})`);
      continue;
    }
    parts.push("", "=".repeat(100), `${p.name} ${p.version} -- licence: ${declared}`, "=".repeat(100));
    for (const f of files) parts.push("", readFileSync(join(p.dir, f), "utf8").trimEnd());
  }
  if (missing.length > 0) {
    throw new Error(`no licence file found for ${missing.join(", ")}: the notices would be incomplete`);
  }
  return `${parts.join("\n")}\n`;
}

/** Every file under `dir` (relative paths with forward slashes), sorted: the archives list them in this order. */
function filesUnder(dir, prefix = "") {
  const out = [];
  for (const e of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...filesUnder(dir, rel));
    else if (e.isFile()) out.push(rel);
  }
  return out.sort();
}

function sha256(file) {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

async function main() {
  const bundle = await buildBundle();
  const name = `xoauth-mail-${bundle.version}`;
  rmSync(RELEASE_DIR, { recursive: true, force: true });
  const stage = join(RELEASE_DIR, name);
  mkdirSync(stage, { recursive: true });
  cpSync(bundle.outfile, join(stage, "xoauth-mail.mjs"));
  // Windows: `xoauth-mail ...` from cmd.exe, PowerShell or Task Scheduler, with node.exe on PATH.
  writeFileSync(join(stage, "xoauth-mail.cmd"), '@node "%~dp0xoauth-mail.mjs" %*\r\n');
  for (const f of SHIPPED) cpSync(join(ROOT, f), join(stage, f), { recursive: true });
  writeFileSync(join(stage, "THIRD-PARTY-NOTICES.txt"), thirdPartyNotices(bundle.metafile, bundle.version));

  const tgz = join(RELEASE_DIR, `${name}.tar.gz`);
  const tar = spawnSync("tar", ["-czf", tgz, "-C", RELEASE_DIR, name], { stdio: "inherit" });
  if (tar.error || tar.status !== 0) throw new Error(`tar failed: ${tar.error?.message ?? `exit ${tar.status}`}`);

  const zip = join(RELEASE_DIR, `${name}.zip`);
  const entries = filesUnder(stage).map((rel) => ({
    name: `${name}/${rel}`,
    data: readFileSync(join(stage, rel)),
    mode: statSync(join(stage, rel)).mode & 0o777,
  }));
  writeFileSync(zip, zipArchive(entries));

  const sums = [tgz, zip].map((f) => `${sha256(f)}  ${relative(RELEASE_DIR, f)}`);
  writeFileSync(join(RELEASE_DIR, "SHA256SUMS"), `${sums.join("\n")}\n`);
  for (const f of [tgz, zip]) {
    process.stdout.write(`release: ${relative(process.cwd(), f)} (${statSync(f).size} bytes)\n`);
  }
  process.stdout.write(`release: ${relative(process.cwd(), join(RELEASE_DIR, "SHA256SUMS"))}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    process.stderr.write(`release: ${e.message}\n`);
    process.exitCode = 1;
  });
}
