/**
 * V8's code cache for the one-file bundle: the compiled CLI kept on disk between runs, as Node >= 22.1 does for
 * modules (`module.enableCompileCache`), which Node 20 lacks. Compiling the 4 MB bundle costs ~65 ms per start on a
 * 2-core machine; from the cache ~10 ms (docs/benchmarks.md).
 *
 * - Where: `<cache dir>/code/<build id>-<kind>-<node version>-<arch>.v8` (cacheDir(): XOAUTH_MAIL_CACHE_DIR,
 *   XDG_CACHE_HOME/xoauth-mail or ~/.cache/xoauth-mail).
 * - One cache per kind of command line: the command (`main` for help, --version and the rest) and a hash of the
 *   option names given (not their values). V8 caches the functions the run that made it had compiled, so `token`
 *   from a cache made by `--help` still compiled its own code (101 against 85 ms), and `token --config` (YAML, the
 *   schema) from one made by `token` with flags took 103 against 82 ms. A job runs the same command line each time,
 *   so a user has a few of these; at most MAX_FILES per build are kept (the least recently written go), and writing
 *   one removes the caches of other builds for this Node.
 * - Trust: the cache is code, and V8 checks only that it was made for a source of the same length (an edited bundle
 *   of the same length ran its cached code). So a cache is used only when
 *   - its directory is a real directory of the user's that no one else can write (not a symlink), and the file,
 *     opened without following a symlink, is a regular file of the user's, 0600, with one link: checked on the open
 *     descriptor, which is then read (no swap between check and read);
 *   - its header names this build, the length of this source, this bundle file (size, mtime, inode: an edited or
 *     replaced file gets a new cache) and the CRC-32 of the data: V8 does not check the data in release builds, and
 *     flipped bytes that it accepted crashed every run of that command (exit 133).
 *   It is written as a new 0600 file in a 0700 directory and renamed into place; a directory others can write is
 *   neither used nor repaired (files planted there stay suspect), and nothing is kept in a token cache directory the
 *   token cache refuses.
 * - Off: NODE_DISABLE_COMPILE_CACHE=1 (Node's own switch for its module cache) reads and writes nothing; on Windows
 *   (no owner and mode bits to check) and on Node without zlib.crc32 (< 20.15) it is always off.
 * - Failures are silent: a missing, foreign, broken or unwritable cache only costs the compile.
 */
import { accessSync, constants, lstatSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import zlib from "node:zlib";
import {
  cacheDir,
  cacheDirRefusal,
  dirProblem,
  isPrivateDir,
  readCacheFile,
  writeCacheFile,
} from "../../auth/cache-dir.js";
import { commandNameIn } from "../commands/names.js";

/** Caches kept per build (kinds of command line; 1-2 MB each). */
export const MAX_FILES = 16;

/** Larger than any cache V8 makes of the bundle (1-3 MB): a bound on what is read. */
const MAX_BYTES = 64 * 1024 * 1024;

/** The first line of every cache file; the second is the header (CacheStamp and the data's CRC-32). */
const MAGIC = "xoauth-mail v8 code cache 1\n";
const HEADER_MAX = 512;

/** What a cache must have been made for. */
export interface CacheStamp {
  /** The payload's build id (a hash of the CLI's text). */
  buildId: string;
  /** The length of the source V8 compiles. */
  sourceLength: number;
  /** The bundle file: size, mtime and inode, so that an edited or replaced file never uses an older cache. */
  file: string;
}

/** What V8's code depends on besides the source: caches of other Node versions and CPUs stay apart. */
const platformSuffix = (): string => `-${process.version}-${process.arch}.v8`;
const CACHE_NAME = /^[0-9a-f]{8,64}-[a-z]+(-[0-9a-f]{8})?-v[0-9.]+-[a-z0-9]+\.v8$/;

const crc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

export class CodeCache {
  readonly dir: string;
  readonly file: string;

  constructor(
    dir: string,
    readonly stamp: CacheStamp,
    kind = "main",
  ) {
    this.dir = dir;
    this.file = join(dir, `${stamp.buildId}-${kind}${platformSuffix()}`);
  }

  /**
   * The bundle's cache for the command line `argv` (process.argv: node, script, arguments) under the user's cache
   * dir, or undefined when caching is off.
   */
  static forBundle(
    stamp: CacheStamp,
    argv: readonly string[],
    env: NodeJS.ProcessEnv = process.env,
    platform: NodeJS.Platform = process.platform,
  ): CodeCache | undefined {
    if (!cachingOn(env, platform)) return undefined;
    const root = cacheDir(env);
    // The token cache's directory, refused for tokens (another user's, or others can write it): no code in it either.
    if (cacheDirRefusal(root, platform)) return undefined;
    return new CodeCache(join(root, "code"), stamp, commandLineKind(argv.slice(2)));
  }

  /**
   * Whether a run of the bundle can use or leave a code cache here: caching is on, the token cache's directory is not
   * refused (another user's, or others can write it: cacheDirRefusal), and `code/` in it is the user's private
   * directory and writable, or is not there yet and can be made. Without one, every start compiles the
   * whole bundle, and the CLI's modules (where installed) start faster: `--help` 66 against 116 ms, `token` 91
   * against 127 ms, `token --config` even (docs/benchmarks.md). bin/xoauth-mail.js asks this before choosing.
   */
  static usable(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): boolean {
    if (!cachingOn(env, platform)) return false;
    const root = cacheDir(env);
    if (cacheDirRefusal(root, platform)) return false;
    const dir = join(root, "code");
    const problem = dirProblem(dir, false)?.problem;
    if (problem === undefined) return canWrite(dir);
    if (problem !== "missing") return false; // there, but not a private directory: refused
    // Not there yet: the nearest existing parent must be a directory that lets the first run make it.
    for (let up = dirname(dir); ; up = dirname(up)) {
      const above = dirProblem(up, true)?.problem;
      if (above !== "missing") return above !== "not-directory" && canWrite(up);
      if (up === dirname(up)) return false;
    }
  }

  /** V8's cached data for this stamp, when there is a trustworthy one (see the module comment). */
  read(): Buffer | undefined {
    if (!crc32 || !isPrivateDir(this.dir)) return undefined;
    const bytes = readCacheFile(this.file, MAX_BYTES);
    if (!bytes) return undefined;
    const headerEnd = bytes.indexOf(10, MAGIC.length);
    if (bytes.toString("latin1", 0, MAGIC.length) !== MAGIC || headerEnd < 0 || headerEnd > HEADER_MAX)
      return undefined;
    const data = bytes.subarray(headerEnd + 1);
    return bytes.toString("latin1", MAGIC.length, headerEnd) === this.header(data) ? data : undefined;
  }

  /** Whether write() can store a cache: the directory is (or is now created as) private. */
  writable(): boolean {
    if (!crc32) return false;
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    } catch {
      return false;
    }
    return isPrivateDir(this.dir);
  }

  /**
   * Stores V8's data for this stamp (replacing this kind's cache) and prunes old caches. `data` is called only when
   * the directory can take it: making V8 serialise its code costs ~35 ms, not spent where nothing could be stored.
   */
  write(data: () => Buffer): void {
    if (!this.writable()) return;
    let bytes: Buffer;
    try {
      const code = data();
      bytes = Buffer.concat([Buffer.from(`${MAGIC}${this.header(code)}\n`, "latin1"), code]);
    } catch {
      return;
    }
    if (writeCacheFile(this.file, bytes)) this.prune();
  }

  /** The header line for `data` under this stamp. */
  private header(data: Uint8Array): string {
    const { buildId, sourceLength, file } = this.stamp;
    return `${buildId} ${sourceLength} ${file} ${(crc32 as (d: Uint8Array) => number)(data).toString(16)}`;
  }

  /** Removes other builds' caches for this Node, and this build's beyond MAX_FILES (least recently written first). */
  private prune(): void {
    const suffix = platformSuffix();
    const mine: { path: string; mtimeMs: number }[] = [];
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (!name.endsWith(suffix) || !CACHE_NAME.test(name)) continue;
      const path = join(this.dir, name);
      try {
        const st = lstatSync(path);
        if (!st.isFile()) continue;
        if (!name.startsWith(`${this.stamp.buildId}-`)) rmSync(path, { force: true });
        else if (path !== this.file) mine.push({ path, mtimeMs: st.mtimeMs });
      } catch {
        // Gone meanwhile (another run pruned it).
      }
    }
    mine.sort((a, b) => b.mtimeMs - a.mtimeMs);
    for (const old of mine.slice(MAX_FILES - 1)) rmSync(old.path, { force: true });
  }
}

/** Caching is not switched off (NODE_DISABLE_COMPILE_CACHE), nor impossible (Windows, no zlib.crc32). */
function cachingOn(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): boolean {
  if (env.NODE_DISABLE_COMPILE_CACHE && env.NODE_DISABLE_COMPILE_CACHE !== "0") return false;
  return platform !== "win32" && crc32 !== undefined;
}

function canWrite(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
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
  // FNV-1a, 32 bits: a short stable name, not a security property.
  let h = 0x811c9dc5;
  for (const c of names.join(" ")) h = Math.imul(h ^ (c.codePointAt(0) as number), 0x01000193) >>> 0;
  return `${command}-${h.toString(16).padStart(8, "0")}`;
}
