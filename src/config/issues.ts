/**
 * Zod issues of the config file as sentences: the path of the offending value, and for a key that is not in the
 * schema its name, where it is (top level, account, defaults) and the closest valid key.
 */
import { z } from "zod";
import { t } from "../i18n/index.js";
import { closest } from "./closest.js";

type Issue = z.core.$ZodIssue;

export function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === "number" ? `[${p}]` : String(p))).join(".") || "(top level)";
}

function unwrap(s: z.ZodType | undefined): z.ZodType | undefined {
  let cur = s;
  while (cur instanceof z.ZodOptional || cur instanceof z.ZodDefault || cur instanceof z.ZodNullable) {
    cur = cur.unwrap() as z.ZodType;
  }
  return cur;
}

/** The schema of the value at `path` (records and arrays step into their values). */
function schemaAt(root: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let s: z.ZodType | undefined = root;
  for (const seg of path) {
    const u = unwrap(s);
    if (u instanceof z.ZodObject) s = (u.shape as Record<string, z.ZodType>)[String(seg)];
    else if (u instanceof z.ZodRecord) s = u.valueType as z.ZodType;
    else if (u instanceof z.ZodArray) s = u.element as z.ZodType;
    else return undefined;
  }
  return s;
}

/** The keys an object (or each object of a union) may have. */
function keysOf(s: z.ZodType | undefined): string[] {
  const u = unwrap(s);
  if (u instanceof z.ZodObject) return Object.keys(u.shape);
  if (u instanceof z.ZodUnion) return [...new Set((u.options as z.ZodType[]).flatMap(keysOf))];
  return [];
}

function unknownKey(root: z.ZodType, path: readonly PropertyKey[], key: string): string {
  const at = issuePath([...path, key]);
  const where =
    path.length === 0
      ? t("config.unknownKey.top", { key })
      : path.length === 2 && path[0] === "accounts"
        ? t("config.unknownKey.account", { key, account: String(path[1]), at })
        : path.length === 1 && path[0] === "defaults"
          ? t("config.unknownKey.defaults", { key, at })
          : t("config.unknownKey.other", { key, at });
  const known = keysOf(schemaAt(root, path));
  const suggestion = closest(key, known);
  if (suggestion) return where + t("config.unknownKey.suggest", { suggestion });
  return known.length ? where + t("config.unknownKey.valid", { keys: known.join(", ") }) : where;
}

/** Keys that every branch of a union of objects found unknown (a typo, not a choice between branches). */
function unionUnknownKeys(issue: Issue): string[] | undefined {
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return undefined;
  const perBranch = issue.errors.map(
    (branch) => new Set(branch.flatMap((i) => (i.code === "unrecognized_keys" && i.path.length === 0 ? i.keys : []))),
  );
  const [first, ...rest] = perBranch;
  const common = [...(first ?? [])].filter((k) => rest.every((b) => b.has(k)));
  return common.length ? common : undefined;
}

export interface ConfigIssues {
  /** Every issue, `; `-separated. */
  text: string;
  /** True when at least one issue is a key the schema does not know. */
  unknownKeys: boolean;
}

export function describeIssues(root: z.ZodType, error: z.ZodError): ConfigIssues {
  let unknownKeys = false;
  const parts = error.issues.flatMap((i): string[] => {
    const keys = i.code === "unrecognized_keys" ? i.keys : unionUnknownKeys(i);
    if (keys) {
      unknownKeys = true;
      return keys.map((k) => unknownKey(root, i.path, k));
    }
    if (i.code === "invalid_union") {
      const shapes = (unwrap(schemaAt(root, i.path)) as z.ZodUnion | undefined)?.options ?? [];
      const alternatives = (shapes as z.ZodType[]).map((o) => `{${keysOf(o).join(", ")}}`).join(" | ");
      if (alternatives) return [`${issuePath(i.path)}: ${i.message}: expected ${alternatives}`];
    }
    return [`${issuePath(i.path)}: ${i.message}`];
  });
  return { text: parts.join("; "), unknownKeys };
}
