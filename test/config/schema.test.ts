import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { AccountSchema, ConfigFileSchema, configJsonSchema } from "../../src/config/schema.js";
import { REPO_ROOT } from "../harness/cli.js";

const SCHEMA_FILE = join(REPO_ROOT, "schema", "config.schema.json");

test("schema/config.schema.json equals the schema generated from the zod objects (XOAUTH_UPDATE_SCHEMA=1 rewrites it)", () => {
  const generated = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
  if (process.env.XOAUTH_UPDATE_SCHEMA === "1") writeFileSync(SCHEMA_FILE, generated);
  assert.equal(readFileSync(SCHEMA_FILE, "utf8"), generated);
});

test("the zod objects can be extended by other areas", () => {
  const Extended = ConfigFileSchema.extend({ fetch: AccountSchema.pick({ mailbox: true }).optional() });
  assert.equal(Extended.safeParse({ fetch: { mailbox: "a@b.c" } }).success, true);
});

test("a secret reference must be exactly {env} or {file}", () => {
  const ok = AccountSchema.safeParse({ secret: { env: "X" } });
  const bad = AccountSchema.safeParse({ secret: { env: "X", file: "/y" } });
  assert.equal(ok.success, true);
  assert.equal(bad.success, false);
});
