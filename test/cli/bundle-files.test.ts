/**
 * The one-file bundle's parts that run before the CLI: the payload's layout in the file (src/cli/bundle/payload.ts)
 * and V8's code cache on disk (src/cli/bundle/code-cache.ts). The bundle as a whole: test/bundle/bundle.test.ts.
 */
import assert from "node:assert/strict";
import {
  chmodSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, test } from "node:test";
import { CodeCache, commandLineKind, MAX_FILES } from "../../src/cli/bundle/code-cache.js";
import { decodePayload as decodeBytes, encodePayload, PAYLOAD_END } from "../../src/cli/bundle/payload.js";

/** The payload of a file's text (decodePayload works on the bytes, and changes them). */
const decodePayload = (text: string) => decodeBytes(Buffer.from(text, "latin1"));

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "xoauth-bundle-files-"));
  dirs.push(d);
  return d;
}

const LAUNCHER = '#!/usr/bin/env node\nimport "node:fs";\nconst x = 1; /* a comment */\n';
const ID = "0123456789abcdef";

test("payload: what goes in comes out, and the comment it sits in is never closed early", () => {
  // Every character the CLI's ASCII text can hold, with the pairs that matter over-represented.
  const pieces = ["*/", "*", "/", "/*", "**/", "*//", "\n", "\r\n", "\\", "'", '"', "`", "${", "x", " ", "\t", "\x00"];
  // xorshift32: every bit of the state varies (an LCG in doubles lost its low bits to rounding).
  let seed = 7;
  const next = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  for (let round = 0; round < 300; round++) {
    let source = "";
    const n = next() % 200;
    for (let i = 0; i < n; i++) {
      source += next() % 3 === 0 ? String.fromCharCode(next() % 0x7f) : (pieces[next() % pieces.length] as string);
    }
    source = source.replaceAll("\x7f", "");
    const file = LAUNCHER + encodePayload(source, ID);
    const body = file.slice(file.indexOf(ID) + ID.length, file.length - PAYLOAD_END.length);
    assert.equal(body.includes("*/"), false, JSON.stringify(source));
    const p = decodePayload(file);
    assert.equal(p?.source, source, JSON.stringify(source));
    assert.equal(p?.buildId, ID);
  }
});

test("payload: the file parses as JavaScript with the payload as one comment", async () => {
  const source = 'module.exports = "*/ still inside"; /* a */ // */\n';
  const file = `const seen = 42;\nexport { seen };\n${encodePayload(source, ID)}`;
  const mod = await import(`data:text/javascript,${encodeURIComponent(file)}`);
  assert.equal(mod.seen, 42);
  assert.equal(decodePayload(file)?.source, source);
});

test("payload: its first line's number, for stack traces that point into the file", () => {
  const file = LAUNCHER + encodePayload("first();\nsecond();\n", ID);
  const p = decodePayload(file);
  assert.ok(p);
  const lines = file.split("\n");
  assert.equal(lines[p.line], "first();");
  assert.equal(lines[p.line + 1], "second();");
});

test("payload: text that cannot be carried is refused at build time; a file without one is told apart", () => {
  assert.throws(() => encodePayload("a = 'caf\u00e9';", ID), /non-ASCII character U\+e9 at 8/);
  assert.throws(() => encodePayload("a\x7f", ID), /DEL character at 1/);
  assert.throws(() => encodePayload("a", "../x"), /build id "..\/x" is not 8-64 hex digits/);
  assert.equal(decodePayload(LAUNCHER), undefined);
  const good = LAUNCHER + encodePayload("x = 1;\n", ID);
  assert.equal(decodePayload(good.slice(0, -2)), undefined, "not closed: not a bundle");
  assert.equal(
    decodePayload(good.replace(ID, "../../etc")),
    undefined,
    "an id that is no hash is not used as a file name",
  );
});

const STAMP = { buildId: "0123abcd", sourceLength: 1234, file: "4200000-1767225600000-42" };
const stamp = (o: Partial<typeof STAMP> = {}) => ({ ...STAMP, ...o });

/** A cache dir under a fresh private temp dir, and a cache in it. */
function freshCache(kind = "main", s = STAMP) {
  const root = tempDir();
  const dir = join(root, "code");
  return { root, dir, cache: new CodeCache(dir, s, kind) };
}

test("code cache: written 0600 in a 0700 dir with its header, read back, one file per kind of command line", () => {
  const root = tempDir();
  const env = { XOAUTH_MAIL_CACHE_DIR: join(root, "cache") };
  const token = CodeCache.forBundle(STAMP, ["node", "x.mjs", "--lang", "de", "token", "--config", "c.yaml"], env);
  const help = CodeCache.forBundle(STAMP, ["node", "x.mjs"], env);
  assert.ok(token && help);
  const kind = commandLineKind(["--lang", "de", "token", "--config", "c.yaml"]);
  assert.match(kind, /^token-[0-9a-f]{8}$/);
  assert.equal(token.file, join(root, "cache", "code", `0123abcd-${kind}-${process.version}-${process.arch}.v8`));
  assert.equal(help.file, join(root, "cache", "code", `0123abcd-main-${process.version}-${process.arch}.v8`));
  assert.equal(token.read(), undefined);
  token.write(() => Buffer.from("token code"));
  help.write(() => Buffer.from("help code"));
  assert.equal(token.read()?.toString(), "token code");
  assert.equal(help.read()?.toString(), "help code");
  assert.equal(statSync(token.file).mode & 0o777, 0o600);
  assert.equal(statSync(token.dir).mode & 0o777, 0o700);
  assert.deepEqual(readdirSync(token.dir).sort(), [
    `0123abcd-main-${process.version}-${process.arch}.v8`,
    `0123abcd-${kind}-${process.version}-${process.arch}.v8`,
  ]);
  const text = readFileSync(token.file, "latin1");
  assert.match(text, /^xoauth-mail v8 code cache 1\n0123abcd 1234 4200000-1767225600000-42 [0-9a-f]+\ntoken code$/);
});

test("code cache: a cache made for another build, source length or bundle file, or with a changed byte, is not used", () => {
  const { dir, cache } = freshCache();
  cache.write(() => Buffer.from("the code V8 made"));
  assert.equal(cache.read()?.toString(), "the code V8 made");
  // The same file name, read for another stamp (a different build cannot have the same name, but a renamed file can).
  for (const other of [
    stamp({ sourceLength: 1235 }),
    stamp({ file: "4200000-1767225600001-42" }),
    stamp({ buildId: "0123abce" }),
  ]) {
    const reader = new CodeCache(dir, other, "main");
    renameSync(cache.file, reader.file);
    assert.equal(reader.read(), undefined, JSON.stringify(other));
    renameSync(reader.file, cache.file);
  }
  const bytes = readFileSync(cache.file);
  for (const at of [0, bytes.indexOf(10) + 1, bytes.length - 1]) {
    const bad = Buffer.from(bytes);
    bad[at] = (bad[at] as number) ^ 1;
    rmSync(cache.file);
    writeFileSync(cache.file, bad, { mode: 0o600 });
    assert.equal(cache.read(), undefined, `byte ${at} changed`);
  }
  rmSync(cache.file);
  writeFileSync(cache.file, bytes.subarray(0, -1), { mode: 0o600 });
  assert.equal(cache.read(), undefined, "truncated");
});

test("code cache: a file others can read or write, a symlink, a hard link, an empty file or a directory is not used", () => {
  const { root, cache } = freshCache();
  cache.write(() => Buffer.from("code"));
  const good = readFileSync(cache.file);
  for (const mode of [0o644, 0o660, 0o606, 0o640, 0o604, 0o620, 0o602]) {
    chmodSync(cache.file, mode);
    assert.equal(cache.read(), undefined, mode.toString(8));
  }
  chmodSync(cache.file, 0o600);
  assert.equal(cache.read()?.toString(), "code", "the control: 0600 is used");
  const elsewhere = join(root, "elsewhere.v8");
  renameSync(cache.file, elsewhere);
  symlinkSync(elsewhere, cache.file);
  assert.equal(cache.read(), undefined, "a symlink, even to a good 0600 file of the user's");
  rmSync(cache.file);
  linkSync(elsewhere, cache.file);
  assert.equal(cache.read(), undefined, "a second hard link");
  rmSync(elsewhere);
  assert.equal(cache.read()?.toString(), "code", "the control: one link again");
  rmSync(cache.file);
  writeFileSync(cache.file, "", { mode: 0o600 });
  assert.equal(cache.read(), undefined, "empty");
  rmSync(cache.file);
  mkdirSync(cache.file);
  assert.equal(cache.read(), undefined, "a directory");
  cache.write(() => good);
  assert.deepEqual(
    readdirSync(cache.dir).filter((n) => n.endsWith(".tmp")),
    [],
    "cannot replace a directory: nothing written, nothing thrown, no temporary file left behind",
  );
});

test("code cache: a cache dir others can write, or a symlinked one, is neither used nor written nor repaired", () => {
  const { root, dir, cache } = freshCache();
  cache.write(() => Buffer.from("code"));
  for (const mode of [0o770, 0o707, 0o777, 0o1777]) {
    chmodSync(dir, mode);
    assert.equal(cache.read(), undefined, mode.toString(8));
    assert.equal(cache.writable(), false, mode.toString(8));
    let asked = false;
    cache.write(() => {
      asked = true;
      return Buffer.from("code");
    });
    assert.equal(asked, false, "V8 asked to serialise its code where nothing can be stored");
    assert.equal(statSync(dir).mode & 0o7777, mode, "left as it is");
  }
  chmodSync(dir, 0o700);
  assert.equal(cache.read()?.toString(), "code", "the control");
  const real = join(root, "real-code");
  renameSync(dir, real);
  symlinkSync(real, dir);
  assert.equal(cache.read(), undefined, "the dir is a symlink");
  assert.equal(cache.writable(), false);
  let asked = false;
  cache.write(() => {
    asked = true;
    return Buffer.from("code");
  });
  assert.equal(asked, false, "serialised for a symlinked dir");
});

test("code cache: the kind of a command line is the command and its option names, never their values", () => {
  assert.equal(commandLineKind([]), "main");
  assert.equal(commandLineKind(["help", "token"]), "main");
  assert.equal(commandLineKind(["token"]), "token");
  assert.equal(commandLineKind(["nosuch"]), "main");
  const a = commandLineKind(["token", "--config", "/etc/a.yaml", "--account", "x"]);
  assert.equal(commandLineKind(["token", "--account=y", "--config=/b.yaml"]), a, "order and values do not count");
  assert.equal(commandLineKind(["token", "--config", "a", "--account", "x", "--config", "b"]), a);
  assert.notEqual(commandLineKind(["token", "--config", "a"]), a);
  assert.notEqual(commandLineKind(["fetch", "--config", "/etc/a.yaml", "--account", "x"]), a);
  assert.match(commandLineKind(["--version"]), /^main-[0-9a-f]{8}$/);
  assert.doesNotMatch(commandLineKind(["token", "--client-secret=s3cr3t"]), /s3cr3t/);
});

test("code cache: at most MAX_FILES kinds per build; the least recently written go", () => {
  const { dir } = freshCache();
  const caches = Array.from(
    { length: MAX_FILES + 3 },
    (_, i) => new CodeCache(dir, STAMP, `k${"abcdefghijklmnopqrstuvwxyz"[i]}`),
  );
  caches.forEach((c, i) => {
    c.write(() => Buffer.from("x"));
    const t = new Date(Date.UTC(2026, 0, 1, 0, 0, i));
    utimesSync(c.file, t, t);
  });
  const left = readdirSync(dir).sort();
  assert.equal(left.length, MAX_FILES);
  for (const gone of caches.slice(0, 3)) assert.equal(left.includes(basename(gone.file)), false, gone.file);
  assert.ok(left.includes(basename(caches.at(-1)?.file as string)));
});

test("code cache: another build's caches for this Node go when a new one is written; other files stay", () => {
  const { dir } = freshCache();
  mkdirSync(dir, { mode: 0o700 });
  const mine = `-${process.version}-${process.arch}.v8`;
  writeFileSync(join(dir, `0badc0de-token${mine}`), "x", { mode: 0o600 });
  writeFileSync(join(dir, `0badc0de-main-v18.0.0-${process.arch}.v8`), "x", { mode: 0o600 });
  mkdirSync(join(dir, `0badc0de-fetch${mine}`));
  writeFileSync(join(dir, "notes.txt"), "x");
  new CodeCache(dir, stamp({ buildId: "feedface" }), "token").write(() => Buffer.from("y"));
  assert.deepEqual(readdirSync(dir).sort(), [
    `0badc0de-fetch${mine}`,
    `0badc0de-main-v18.0.0-${process.arch}.v8`,
    `feedface-token${mine}`,
    "notes.txt",
  ]);
});

test("code cache: NODE_DISABLE_COMPILE_CACHE=1 switches it off, 0 does not; off on Windows", () => {
  const argv = ["node", "x"];
  assert.equal(CodeCache.forBundle(STAMP, argv, { HOME: "/h" }, "win32"), undefined);
  assert.equal(CodeCache.forBundle(STAMP, argv, { HOME: "/h" }, "aix")?.dir, "/h/.cache/xoauth-mail/code");
  assert.equal(CodeCache.forBundle(STAMP, argv, { NODE_DISABLE_COMPILE_CACHE: "1", HOME: "/h" }), undefined);
  assert.equal(
    CodeCache.forBundle(STAMP, argv, { NODE_DISABLE_COMPILE_CACHE: "0", HOME: "/h" })?.dir,
    "/h/.cache/xoauth-mail/code",
  );
  assert.equal(CodeCache.forBundle(STAMP, argv, { XDG_CACHE_HOME: "/x", HOME: "/h" })?.dir, "/x/xoauth-mail/code");
});

test("code cache: usable() says whether a run can keep one here (bin/ runs the modules where not)", () => {
  const root = tempDir();
  const env = (dir: string, more: NodeJS.ProcessEnv = {}) => ({ XOAUTH_MAIL_CACHE_DIR: dir, ...more });
  // Not there yet, under a writable directory: the first run makes it.
  assert.equal(CodeCache.usable(env(join(root, "new", "deeper"))), true);
  // There and private.
  const ok = join(root, "ok");
  mkdirSync(join(ok, "code"), { recursive: true, mode: 0o700 });
  chmodSync(join(ok, "code"), 0o700);
  assert.equal(CodeCache.usable(env(ok)), true);
  // Switched off, or impossible.
  assert.equal(CodeCache.usable(env(ok, { NODE_DISABLE_COMPILE_CACHE: "1" })), false);
  assert.equal(CodeCache.usable(env(ok), "win32"), false);
  // Refused: others can write it, or it is a symlink, or not a directory.
  const open = join(root, "open");
  mkdirSync(join(open, "code"), { recursive: true });
  chmodSync(join(open, "code"), 0o777);
  assert.equal(CodeCache.usable(env(open)), false);
  const linked = join(root, "linked");
  mkdirSync(linked);
  symlinkSync(join(ok, "code"), join(linked, "code"));
  assert.equal(CodeCache.usable(env(linked)), false);
  const file = join(root, "file");
  mkdirSync(file);
  writeFileSync(join(file, "code"), "");
  assert.equal(CodeCache.usable(env(file)), false);
  // A file where a parent directory would have to be made.
  writeFileSync(join(root, "plain"), "");
  assert.equal(CodeCache.usable(env(join(root, "plain", "sub"))), false);
  // The token cache's directory itself refused (others can write it): no code/ made in it, whatever the mode of code/.
  const shared = join(root, "shared");
  mkdirSync(shared);
  chmodSync(shared, 0o777);
  assert.equal(CodeCache.usable(env(shared)), false);
  assert.equal(CodeCache.forBundle(STAMP, ["node", "x"], env(shared)), undefined);
  mkdirSync(join(shared, "code"), { mode: 0o700 });
  assert.equal(CodeCache.usable(env(shared)), false, "a private code/ in it does not make it trusted");
  chmodSync(shared, 0o700);
  assert.equal(CodeCache.usable(env(shared)), true, "the control: private again");
  assert.equal(CodeCache.forBundle(STAMP, ["node", "x"], env(shared))?.dir, join(shared, "code"));
});
