/** bodyLiteral (src/imap/fetch-response.ts): where a streamed body belongs, read from the text before its literal. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bodyLiteral } from "../../src/imap/fetch-response.js";

test("a body literal: the UID anywhere before it, the UID only in first place, and the sequence number", () => {
  assert.deepEqual(bodyLiteral("* 7 FETCH (UID 42 BODY[] {100}"), { uid: 42, leadingUid: 42, seq: 7 });
  // Exchange's order: UID after the body, so neither is known yet.
  assert.deepEqual(bodyLiteral("* 7 FETCH (RFC822.SIZE 100 BODY[] {100}"), {
    uid: undefined,
    leadingUid: undefined,
    seq: 7,
  });
  // Free text before the body names a UID: only the leading form is safe to trust there.
  assert.deepEqual(bodyLiteral('* 3 FETCH (RFC822.SIZE 9 ENVELOPE (NIL "see UID 5" NIL) BODY[] {9}'), {
    uid: 5,
    leadingUid: undefined,
    seq: 3,
  });
  assert.deepEqual(bodyLiteral("* 1 FETCH (UID 5 BODY[] {9+}"), { uid: 5, leadingUid: 5, seq: 1 }); // LITERAL+
});

test("not a whole body: a section, a partial body, or text after the literal marker", () => {
  assert.equal(bodyLiteral("* 1 FETCH (UID 5 BODY[HEADER] {9}"), undefined);
  assert.equal(bodyLiteral("* 1 FETCH (UID 5 BODY[]<0> {9}"), undefined);
  assert.equal(bodyLiteral("* 1 FETCH (UID 5 BODY[] {9} x"), undefined);
  assert.equal(bodyLiteral("* 1 FETCH (UID 5 ENVELOPE ({9}"), undefined);
});
