/**
 * V8's code cache for the one-file bundle: the compiled CLI kept on disk between runs, as Node >= 22.1 does for
 * modules (`module.enableCompileCache`), which Node 20 lacks. Compiling the 4 MB bundle costs ~65 ms per start on a
 * 2-core machine; from the cache ~10 ms (docs/benchmarks.md).
 *
 * - Where: `<cache dir>/code/<build id>-<command>-<node version>-<arch>.v8` (cacheDir(): XOAUTH_MAIL_CACHE_DIR,
 *   XDG_CACHE_HOME/xoauth-mail or ~/.cache/xoauth-mail). The build id is a hash of the bundled code, so another
 *   build never reads this one's cache; V8 itself rejects a cache of another V8 version, flags or source length.
 * - One cache per kind of command line: the command (`main` for help, --version and the rest) and a hash of the
 *   option names given (not their values). V8 caches the functions the run that made it had compiled, so `token`
 *   from a cache made by `--help` still compiled its own code (101 against 85 ms), and `token --config` (YAML, the
 *   schema) from one made by `token` with flags took 103 against 82 ms. A job runs the same command line each time,
 *   so a user has a few of these; at most MAX_FILES per build are kept (the least recently written go).
 * - Trust: the cache is code. It is used only when the file is the user's own and no one else can read or write it
 *   (0600, like the token cache); it is written as a new 0600 file in a 0700 directory and renamed into place.
 * - Off: NODE_DISABLE_COMPILE_CACHE=1 (Node's own switch for its module cache) reads and writes nothing; on Windows
 *   it is always off.
 * - Failures are silent: a missing, foreign, broken or unwritable cache only costs the compile.
 */
import {
  chmodSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { cacheDir } from "../../auth/cache-dir.js";
import { commandNameIn } from "../commands/names.js";

/** Caches kept per build (kinds of command line; 1-2 MB each). */
export const MAX_FILES = 16;

/** Larger than any cache V8 makes of the bundle (1-3 MB): a bound on what is read. */
const MAX_BYTES = 64 * 1024 * 1024;

/** What V8's code depends on besides the source: caches of other Node versions and CPUs stay apart. */
const platformSuffix = (): string => `-${process.version}-${process.arch}.v8`;

export class CodeCache {
  readonly dir: string;
  readonly file: string;

  constructor(
    dir: string,
    readonly buildId: string,
    kind = "main",
  ) {
    this.dir = dir;
    this.file = join(dir, `${buildId}-${kind}${platformSuffix()}`);
  }

  /**
   * The bundle's cache for the command `argv` names (process.argv: node, script, arguments) under the user's cache
   * dir, or undefined when caching is switched off.
   */
  static forBundle(
    buildId: string,
    argv: readonly string[],
    env: NodeJS.ProcessEnv = process.env,
    platform: NodeJS.Platform = process.platform,
  ): CodeCache | undefined {
    if (env.NODE_DISABLE_COMPILE_CACHE && env.NODE_DISABLE_COMPILE_CACHE !== "0") return undefined;
    // Windows has no owner and mode bits to check (stat gives 0666 for every writable file): no cache there, rather
    // than one that is written at every start and never trusted.
    if (platform === "win32") return undefined;
    return new CodeCache(join(cacheDir(env), "code"), buildId, commandLineKind(argv.slice(2)));
  }

  /** The cached code, when there is one this user alone can read and write. */
  read(): Buffer | undefined {
    try {
      const st = statSync(this.file);
      if (!st.isFile() || st.size === 0 || st.size > MAX_BYTES || (st.mode & 0o077) !== 0) return undefined;
      if (typeof process.getuid === "function" && st.uid !== process.getuid()) return undefined;
      return readFileSync(this.file);
    } catch {
      return undefined;
    }
  }

  /** Stores `data` (replacing this cache) and removes the caches of other builds for this Node. */
  write(data: Buffer): void {
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const st = statSync(this.dir);
      if (typeof process.getuid === "function" && st.uid !== process.getuid()) return;
      if ((st.mode & 0o077) !== 0) chmodSync(this.dir, 0o700);
      // A name no other process uses (`wx` refuses an existing file); no node:crypto, which costs ~3 ms to load.
      const tmp = join(this.dir, `.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`);
      writeFileSync(tmp, data, { mode: 0o600, flag: "wx" });
      try {
        renameSync(tmp, this.file);
      } catch {
        unlinkSync(tmp);
        return;
      }
      const suffix = platformSuffix();
      const mine: { path: string; mtimeMs: number }[] = [];
      for (const name of readdirSync(this.dir)) {
        if (!name.endsWith(suffix)) continue;
        const path = join(this.dir, name);
        if (!name.startsWith(`${this.buildId}-`)) rmSync(path, { force: true });
        else mine.push({ path, mtimeMs: statSync(path).mtimeMs });
      }
      mine.sort((a, b) => b.mtimeMs - a.mtimeMs);
      for (const old of mine.slice(MAX_FILES)) if (old.path !== this.file) rmSync(old.path, { force: true });
    } catch {
      // A cache that cannot be written only costs the next run its compile.
    }
  }
}

/**
 * The kind of a command line (arguments after node and the script) that names its cache: the command's name (`main`
 * when none is named) and, when options are given, a hash of their names (sorted, without values).
 */
export function commandLineKind(args: readonly string[]): string {
  const command = commandNameIn(args) ?? "main";
  const names = [...new Set(args.filter((a) => a.startsWith("-")).map((a) => a.split("=")[0] as string))].sort();
  if (names.length === 0) return command;
  // FNV-1a, 32 bits: a short stable name, not a security property (node:crypto costs ~3 ms to load).
  let h = 0x811c9dc5;
  for (const c of names.join(" ")) h = Math.imul(h ^ (c.codePointAt(0) as number), 0x01000193) >>> 0;
  return `${command}-${h.toString(16).padStart(8, "0")}`;
}
