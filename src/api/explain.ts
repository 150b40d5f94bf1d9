/**
 * The `why` and `fix` of a typed error for library callers: the catalog's text of its code (a Graph 403's text for
 * its operation), filled in where the failure did not set its own. The CLI prints the same texts (src/cli/output.ts).
 */
import { graphErrorVariant } from "../diagnose/rules/graph-access.js";
import { variantText } from "../diagnose/text.js";
import { XoauthError } from "../errors.js";
import { codeText } from "../i18n/index.js";

/** `err` with `why` and `fix` set (an XoauthError; anything else is returned as it is). */
export function explained<E>(err: E): E {
  if (!(err instanceof XoauthError)) return err;
  const params = { ...err.details.params, serverReply: err.details.serverReply };
  const variant = graphErrorVariant(err);
  const text = (variant ? variantText(variant, params) : undefined) ?? codeText(err.code, params);
  if (!text) return err;
  err.why ??= text.causes[0];
  if (err.fix.length === 0) err.fix = [...text.fix];
  return err;
}

/** Rejects with the explained error. */
export function rethrowExplained(err: unknown): never {
  throw explained(err);
}
