/**
 * The config file (src/config/load.ts, schema.ts): random YAML and JSON documents — valid configs with mutated
 * values and keys, YAML's own features (aliases, tags, merge keys, deep nesting) and raw byte edits. Loading gives a
 * typed config or CONFIG_INVALID; selecting an account gives one of the file's accounts or CONFIG_INVALID.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { parse as parseYaml, stringify } from "yaml";
import { loadConfigFile, selectAccount } from "../../../../src/config/load.js";
import { type FuzzTarget, outcome } from "../fuzz-runner.js";
import { mutate, mutations } from "../gen.js";

/**
 * Failures found by this target in files another change owns; each is skipped here (so the run is not blocked)
 * and pinned by a skipped test in test/fuzz/fuzz.test.ts. Set to false once fixed.
 */
export const KNOWN_FAILURES = {
  /** `selectAccount(cfg, "constructor")` on a file without that account returns `{}` instead of CONFIG_INVALID. */
  configInheritedAccount: false,
};

const key = fc.oneof(
  fc.constantFrom("tenantId", "clientId", "secret", "clientSecret", "certificate", "cloud", "mailbox", "protocol"),
  fc.constantFrom("servers", "scope", "proxy", "authorityHost", "caFile", "env", "file", "host", "port", "tls"),
  fc.constantFrom("__proto__", "constructor", "toString", "protocl", "maildr", ""),
  fc.string({ maxLength: 8 }),
);
const value = fc.oneof(
  fc.constantFrom("contoso.onmicrosoft.com", "pop3", "imap", "smtp", "implicit", "starttls", "global", "usgov"),
  fc.constantFrom(995, 0, 65536, -1, 1.5, 1e300, true, null, "", "https://proxy.example:8080", "not a url"),
  fc.jsonValue({ maxDepth: 2 }),
);
const account = fc.dictionary(key, fc.oneof(value, fc.dictionary(key, value, { maxKeys: 3 })), { maxKeys: 6 });
const accountName = fc.oneof(
  fc.constantFrom("work", "home", "__proto__", "toString", "constructor", "hasOwnProperty", ""),
  fc.string({ maxLength: 6 }),
);

const doc = fc.record(
  {
    defaultAccount: fc.oneof(accountName, value),
    defaults: fc.oneof(account, value),
    accounts: fc.oneof(fc.dictionary(accountName, account, { maxKeys: 3 }), value),
    extra: value,
  },
  { requiredKeys: [] },
);

/** YAML features a JSON-shaped generator never produces. */
const yamlOnly = fc.constantFrom(
  "a: &a [1,2]\nb: &b [*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c]\n",
  "accounts:\n  work: !!binary aGVsbG8=\n",
  "accounts: !!set {a, b}\n",
  "accounts:\n  work:\n    <<: {tenantId: t, clientId: c}\n    mailbox: m\n",
  "accounts:\n  work: {tenantId: a}\n  work: {tenantId: b}\n",
  `${"a:\n ".repeat(40)}b\n`,
  "\ufeffaccounts: {}\n",
  "accounts:\n\twork: {}\n",
  "--- !!str\n",
  "%YAML 1.1\n---\naccounts: {yes: no}\n",
  "",
  "~\n",
  "0x10\n",
);

/** Runs fn without the yaml package's process warnings (unknown tags and directives): thousands of them are noise. */
function quietly<T>(fn: () => T): T {
  const emit = process.emitWarning;
  process.emitWarning = () => {};
  try {
    return fn();
  } finally {
    process.emitWarning = emit;
  }
}

export const config: FuzzTarget = {
  name: "config",
  covers: "src/config/load.ts, schema.ts",
  property: () => {
    // Rewriting a file costs ~6 ms on a journaling disk (truncate flushes); a tmpfs keeps 100,000 cases fast.
    const dir = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "xoauth-fuzz-config-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "config.yaml");
    // Node 20 aborts (V8 "RegExpCompiler Allocation failed") when yaml parses again after a stack overflow in a
    // process whose regular expressions were not yet compiled: compile them with one ordinary parse first.
    parseYaml("a: [1, {b: c}]\nd: !!str e\n");
    return fc.property(
      fc.oneof(
        { weight: 400, arbitrary: doc.map((d) => stringify(d)) },
        { weight: 400, arbitrary: doc.map((d) => JSON.stringify(d)) },
        { weight: 200, arbitrary: yamlOnly },
        // Deep nesting overflows the yaml parser's stack (~1000 levels; CONFIG_INVALID). Slow (0.1 s), hence rare.
        { weight: 1, arbitrary: fc.integer({ min: 900, max: 3000 }).map((n) => `${"[".repeat(n)}${"]".repeat(n)}\n`) },
      ),
      mutations,
      fc.option(accountName, { nil: undefined }),
      (text, muts, name) => {
        writeFileSync(path, mutate(Buffer.from(text), muts), { mode: 0o600 });
        const loaded = outcome(() => quietly(() => loadConfigFile(path)), ["CONFIG_INVALID"]);
        if (!loaded.ok) return;
        const raw = loaded.value.raw;
        assert.ok(raw && typeof raw === "object");
        const sel = outcome(() => selectAccount(loaded.value, name), ["CONFIG_INVALID"]);
        if (!sel.ok || sel.value.name === undefined) return;
        // KNOWN FAILURE (src/config/load.ts, not ours to edit): `--account constructor` / `toString` / ... is taken
        // as an account of every file (`name in accounts` sees Object.prototype). See KNOWN_FAILURES.
        if (KNOWN_FAILURES.configInheritedAccount && !Object.hasOwn(raw.accounts ?? {}, sel.value.name)) {
          if (sel.value.name in Object.prototype) return;
        }
        // An account that was selected by name is one of the file's own accounts, and a plain object.
        assert.ok(Object.hasOwn(raw.accounts ?? {}, sel.value.name), `selected ${JSON.stringify(sel.value.name)}`);
        assert.equal(Object.getPrototypeOf(sel.value.account), Object.prototype);
      },
    );
  },
};
