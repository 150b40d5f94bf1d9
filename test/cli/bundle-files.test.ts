/**
 * The one-file bundle's parts that run before the CLI: the payload's layout in the file (src/cli/bundle/payload.ts)
 * and V8's code cache on disk (src/cli/bundle/code-cache.ts). The bundle as a whole: test/bundle/bundle.test.ts.
 */
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
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
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed;
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

test("code cache: written 0600 in a 0700 dir, read back, one file per kind of command line", () => {
  const root = tempDir();
  const env = { XOAUTH_MAIL_CACHE_DIR: join(root, "cache") };
  const token = CodeCache.forBundle("b1", ["node", "x.mjs", "--lang", "de", "token", "--config", "c.yaml"], env);
  const help = CodeCache.forBundle("b1", ["node", "x.mjs"], env);
  assert.ok(token && help);
  const kind = commandLineKind(["--lang", "de", "token", "--config", "c.yaml"]);
  assert.match(kind, /^token-[0-9a-f]{8}$/);
  assert.equal(token.file, join(root, "cache", "code", `b1-${kind}-${process.version}-${process.arch}.v8`));
  assert.equal(help.file, join(root, "cache", "code", `b1-main-${process.version}-${process.arch}.v8`));
  assert.equal(token.read(), undefined);
  token.write(Buffer.from("token code"));
  help.write(Buffer.from("help code"));
  assert.equal(token.read()?.toString(), "token code");
  assert.equal(help.read()?.toString(), "help code");
  assert.equal(statSync(token.file).mode & 0o777, 0o600);
  assert.equal(statSync(token.dir).mode & 0o777, 0o700);
  assert.deepEqual(readdirSync(token.dir).sort(), [
    `b1-main-${process.version}-${process.arch}.v8`,
    `b1-${kind}-${process.version}-${process.arch}.v8`,
  ]);
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
  const root = tempDir();
  const dir = join(root, "code");
  const caches = Array.from({ length: MAX_FILES + 3 }, (_, i) => new CodeCache(dir, "b", `k${i}`));
  caches.forEach((c, i) => {
    c.write(Buffer.from("x"));
    const t = new Date(Date.UTC(2026, 0, 1, 0, 0, i));
    utimesSync(c.file, t, t);
  });
  const left = readdirSync(dir).sort();
  assert.equal(left.length, MAX_FILES);
  for (const gone of caches.slice(0, 3)) assert.equal(left.includes(basename(gone.file)), false, gone.file);
  assert.ok(left.includes(basename(caches.at(-1)?.file as string)));
});

test("code cache: another build's caches for this Node go when a new one is written; other Nodes' stay", () => {
  const root = tempDir();
  const dir = join(root, "code");
  mkdirSync(dir, { mode: 0o700 });
  const mine = `-${process.version}-${process.arch}.v8`;
  writeFileSync(join(dir, `old-token${mine}`), "x", { mode: 0o600 });
  writeFileSync(join(dir, `old-main-v18.0.0-${process.arch}.v8`), "x", { mode: 0o600 });
  writeFileSync(join(dir, "notes.txt"), "x");
  new CodeCache(dir, "new", "token").write(Buffer.from("y"));
  assert.deepEqual(readdirSync(dir).sort(), [`new-token${mine}`, "notes.txt", `old-main-v18.0.0-${process.arch}.v8`]);
});

test("code cache: a file others can read or write, an empty one or a directory is not used", () => {
  const root = tempDir();
  const cache = new CodeCache(join(root, "code"), "b", "main");
  cache.write(Buffer.from("code"));
  for (const mode of [0o644, 0o660, 0o606, 0o640]) {
    rmSync(cache.file);
    writeFileSync(cache.file, "code", { mode });
    assert.equal(cache.read(), undefined, mode.toString(8));
  }
  rmSync(cache.file);
  writeFileSync(cache.file, "", { mode: 0o600 });
  assert.equal(cache.read(), undefined, "empty");
  rmSync(cache.file);
  mkdirSync(cache.file);
  assert.equal(cache.read(), undefined, "a directory");
  cache.write(Buffer.from("z"));
  assert.equal(cache.read(), undefined, "cannot replace a directory: nothing written, nothing thrown");
  assert.deepEqual(
    readdirSync(cache.dir).filter((n) => n.endsWith(".tmp")),
    [],
    "no temporary file left behind",
  );
});

test("code cache: a group- or world-writable cache dir of the user is closed to 0700 when written", () => {
  const root = tempDir();
  const dir = join(root, "code");
  mkdirSync(dir);
  // mkdir's mode is masked by the umask: set it explicitly.
  chmodSync(dir, 0o777);
  new CodeCache(dir, "b", "main").write(Buffer.from("code"));
  assert.equal(statSync(dir).mode & 0o777, 0o700);
});

test("code cache: NODE_DISABLE_COMPILE_CACHE=1 switches it off, 0 does not; off on Windows", () => {
  assert.equal(CodeCache.forBundle("b", ["node", "x"], { HOME: "/h" }, "win32"), undefined);
  assert.equal(CodeCache.forBundle("b", ["node", "x"], { HOME: "/h" }, "aix")?.dir, "/h/.cache/xoauth-mail/code");
  assert.equal(CodeCache.forBundle("b", ["node", "x"], { NODE_DISABLE_COMPILE_CACHE: "1", HOME: "/h" }), undefined);
  assert.equal(
    CodeCache.forBundle("b", ["node", "x"], { NODE_DISABLE_COMPILE_CACHE: "0", HOME: "/h" })?.dir,
    "/h/.cache/xoauth-mail/code",
  );
  assert.equal(
    CodeCache.forBundle("b", ["node", "x"], { XDG_CACHE_HOME: "/x", HOME: "/h" })?.dir,
    "/x/xoauth-mail/code",
  );
});
