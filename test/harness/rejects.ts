import assert from "node:assert/strict";
import { XoauthError } from "../../src/errors.js";

/** The XoauthError `p` rejects with; fails the test if `p` resolves or rejects with anything else. */
export async function rejects(p: Promise<unknown>): Promise<XoauthError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof XoauthError, `expected XoauthError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected a rejection");
}
