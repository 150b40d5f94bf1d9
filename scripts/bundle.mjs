#!/usr/bin/env node
// `npm run bundle`: the one-file distribution, dist/bundle/xoauth-mail.mjs: ESM for Node >= 20, runnable as
// `node xoauth-mail.mjs ...` with nothing else installed. esbuild compiles two parts straight from src/:
// - the CLI itself (entry src/cli/launch.ts) with every runtime dependency inside, as CommonJS text,
//   whitespace-minified (names stay, so stack traces stay readable); its licence comments are kept;
// - a small ESM launcher (src/cli/bundle/launcher.ts) that reads that text from the comment at the end of its own
//   file and compiles it with V8's code cache of earlier runs (src/cli/bundle/payload.ts, code-cache.ts). Node 20
//   cannot cache an ES module's compiled code: with the CLI as the module itself every start compiled 6 MB (~75 ms of
//   a 135 ms `--help`, docs/benchmarks.md).
// - Built-in modules only are left outside (the build fails if esbuild would leave a package outside the file).
// - The version: src/version.ts reads package.json next to dist/src/ when unbundled; here it is injected (`define`).
// - Dynamic import()s stay lazy: esbuild inlines them but runs a module's top level only when it is first imported,
//   so `--help` does not initialise msal or the prompts (scripts/bundle-check.mjs checks this with `trace: true`).
// `npm run build` runs this too (`--if-esbuild`: skipped without esbuild): bin/xoauth-mail.js runs the CLI from the
// bundle, the library stays dist/src. Also used by scripts/bundle-release.mjs and scripts/bundle-check.mjs
// (buildBundle, bundledPackages).
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const BUNDLE_FILE = join(ROOT, "dist", "bundle", "xoauth-mail.mjs");

/** The global the trace build records initialised packages in (see `trace`). */
const TRACE_GLOBAL = "__xoauthMailLoaded";

export function packageJson() {
  return JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
}

/** The package a node_modules path belongs to ("@azure/msal-node", "nodemailer"), or undefined for our own files. */
export function packageOf(path) {
  const p = path.replace(/\\/g, "/");
  const at = p.lastIndexOf("/node_modules/");
  if (at < 0) return undefined;
  const parts = p.slice(at + "/node_modules/".length).split("/");
  return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
}

/**
 * Builds the bundle. `trace: true` appends to each dependency's files a line that records the package in
 * `globalThis.__xoauthMailLoaded` when that file's top level runs, and prints the set on exit when
 * XOAUTH_MAIL_TRACE_LOADED is set: the way to see which packages a command really initialises.
 */
export async function buildBundle({ outfile = BUNDLE_FILE, trace = false } = {}) {
  let esbuild;
  try {
    esbuild = await import("esbuild");
  } catch (e) {
    const err = new Error(`esbuild is not installed (a devDependency: run npm ci): ${e.message}`);
    err.code = "NO_ESBUILD";
    throw err;
  }
  const pkg = packageJson();
  mkdirSync(dirname(outfile), { recursive: true });
  const common = {
    absWorkingDir: ROOT,
    bundle: true,
    platform: "node",
    target: "node20",
    charset: "ascii",
    metafile: true,
    write: false,
    logLevel: "silent",
  };
  const traceBanner = trace
    ? `globalThis.${TRACE_GLOBAL} = new Set(); if (process.env.XOAUTH_MAIL_TRACE_LOADED) process.on("exit", () => ` +
      `process.stderr.write("xoauth-mail-loaded: " + JSON.stringify([...globalThis.${TRACE_GLOBAL}].sort()) + "\\n"));\n`
    : "";
  const cli = await esbuild.build({
    ...common,
    entryPoints: [join(ROOT, "src/cli/launch.ts")],
    outfile: join(dirname(outfile), "cli.cjs"),
    format: "cjs",
    // Whitespace and syntax only: names stay readable in stack traces. Minified names saved no start-up time (V8's
    // work is per token) and esbuild then writes non-ASCII characters, which the payload cannot carry.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: "eof",
    banner: traceBanner ? { js: traceBanner } : undefined,
    define: { XOAUTH_MAIL_VERSION: JSON.stringify(pkg.version) },
    plugins: trace ? [zodEnglishOnly(), tracePlugin()] : [zodEnglishOnly()],
  });
  const { encodePayload } = await loadTs(esbuild, "src/cli/bundle/payload.ts");
  // CommonJS's own wrapper, here rather than at each start: the launcher compiles the text as it is.
  const cliText = `(function (exports, require, module, __filename, __dirname) {${cli.outputFiles[0].text}\n})`;
  const buildId = createHash("sha256").update(cliText).digest("hex").slice(0, 16);
  const payload = encodePayload(cliText, buildId);
  const launcher = await esbuild.build({
    ...common,
    entryPoints: [join(ROOT, "src/cli/bundle/launcher.ts")],
    outfile,
    format: "esm",
  });
  const metafile = {
    inputs: { ...launcher.metafile.inputs, ...cli.metafile.inputs },
    outputs: { ...cli.metafile.outputs, ...launcher.metafile.outputs },
  };
  const external = Object.values(metafile.outputs)
    .flatMap((o) => o.imports ?? [])
    .filter((i) => i.external && !i.path.startsWith("node:") && !builtinModules.includes(i.path));
  if (external.length > 0) {
    throw new Error(
      `the bundle would load packages from outside itself: ${[...new Set(external.map((i) => i.path))].join(", ")}`,
    );
  }
  const text = launcher.outputFiles[0].text + payload;
  writeFileSync(outfile, text, { mode: 0o755 });
  chmodSync(outfile, 0o755);
  return { outfile, metafile, bytes: statSync(outfile).size, version: pkg.version, buildId };
}

/** A TypeScript module of src/ (no imports of its own) compiled and loaded, so this script and the bundle share it. */
async function loadTs(esbuild, path) {
  const out = await esbuild.build({
    entryPoints: [join(ROOT, path)],
    bundle: true,
    format: "esm",
    write: false,
    logLevel: "silent",
  });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString("base64")}`);
}

/**
 * zod re-exports its 45 message locales as `z.locales` (`export * as locales`), which esbuild cannot drop: 303 KB,
 * 7% of the CLI's text, that every start reads and every run keeps in memory. xoauth-mail uses none of them (its own
 * catalogs word the config errors; zod's schemas import English directly), so inside the bundle `z.locales` holds
 * English only. The modules build (dist/src) uses zod as published.
 */
function zodEnglishOnly() {
  return {
    name: "zod-english-only",
    setup(build) {
      build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
        /[/\\]node_modules[/\\]zod[/\\]v4[/\\](classic|core)$/.test(args.resolveDir)
          ? { path: join(args.resolveDir, "..", "locales", "english-only.js") }
          : undefined,
      );
      // A file that does not exist: its text is this.
      build.onLoad({ filter: /[/\\]zod[/\\]v4[/\\]locales[/\\]english-only\.js$/ }, (args) => ({
        contents: 'export { default as en } from "./en.js";\n',
        resolveDir: dirname(args.path),
        loader: "js",
      }));
    },
  };
}

function tracePlugin() {
  return {
    name: "trace-loaded",
    setup(build) {
      build.onLoad({ filter: /[/\\]node_modules[/\\].*\.(c?js|mjs)$/ }, (args) => {
        const name = packageOf(args.path);
        const contents = `${readFileSync(args.path, "utf8")}\n;globalThis.${TRACE_GLOBAL}?.add(${JSON.stringify(name)});\n`;
        return { contents, loader: "js" };
      });
    },
  };
}

/**
 * The dependency packages inside a bundle, from esbuild's metafile inputs: "name@version" -> {name, version, dir}.
 * Two versions of one package (a nested node_modules) are two entries.
 */
export function bundledPackages(metafile) {
  const out = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    const abs = resolve(ROOT, input).replace(/\\/g, "/");
    const name = packageOf(abs);
    if (!name) continue;
    const dir = abs.slice(0, abs.lastIndexOf(`/node_modules/${name}/`) + `/node_modules/${name}`.length);
    const version = readVersion(dir);
    out.set(`${name}@${version}`, { name, version, dir });
  }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}

function readVersion(dir) {
  return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  let r;
  try {
    r = await buildBundle({ trace: args.includes("--trace") });
  } catch (e) {
    // `npm run build` without the devDependencies: bin/xoauth-mail.js then runs the CLI from dist/src.
    if (e.code !== "NO_ESBUILD" || !args.includes("--if-esbuild")) throw e;
    process.stdout.write(`bundle: not built (${e.message}); the CLI runs from dist/src\n`);
    process.exit(0);
  }
  process.stdout.write(
    `bundle: ${relative(process.cwd(), r.outfile)} (xoauth-mail ${r.version}, ${r.bytes} bytes, ${bundledPackages(r.metafile).size} packages inside)\n`,
  );
}
