/** Bugs the fuzz targets found, one test each (the input is the shrunk counterexample, with the target and seed). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkClaims, decodeClaims } from "../../src/auth/claims.js";
import { b64url } from "../../src/auth/jwt.js";
import { parseDuration } from "../../src/cli/duration.js";
import { parseStatus, parseTagged, parseUntaggedHead } from "../../src/imap/parser.js";
import { mapSmtpError } from "../../src/smtp/errors.js";

test("duration (seed 1): a duration longer than a Node timer can wait is refused, not turned into 1 ms", () => {
  // setTimeout(fn, 2^31 or more) fires after 1 ms: `fetch --every 25d` polled the server non-stop.
  for (const v of ["4194304", "25d", "600h", "99999999999999999999"]) {
    assert.throws(() => parseDuration(v, { flag: "--every", bareUnit: "s" }), { code: "USAGE" }, v);
  }
  assert.throws(() => parseDuration("25d", { flag: "--every", bareUnit: "s" }), /maximum of 24 d/);
  assert.equal(parseDuration("24d", { flag: "--every", bareUnit: "s" }), 24 * 86_400_000);
  assert.equal(parseDuration("5m", { flag: "--every", bareUnit: "s", maxMs: 10 * 60_000 }), 300_000);
});

function token(claims: unknown): string {
  return `${b64url(JSON.stringify({ alg: "RS256", typ: "JWT" }))}.${b64url(JSON.stringify(claims))}.sig`;
}

test("jwt-claims (seed 1): claims of unexpected JSON types are reported, not a TypeError", () => {
  const hostile = [
    { aud: { toString: {}, valueOf: {} } },
    { aud: ["https://outlook.office365.com"] },
    { aud: 5 },
    { roles: [{ toString: 1 }] },
    { exp: 1e300 },
    { exp: "tomorrow" },
    { idtyp: { toString: 1 }, scp: "x" },
    { appidacr: { toString: 1 } },
  ];
  for (const c of hostile) {
    const checks = checkClaims(decodeClaims(token(c)).claims, "imap", 1_700_000_000_000);
    assert.deepEqual(
      checks.map((x) => x.id),
      ["audience", "role", "expiry", "app-only"],
      JSON.stringify(c),
    );
  }
  const [aud, , exp] = checkClaims(decodeClaims(token({ aud: [1], exp: "soon" })).claims, "imap");
  assert.equal(aud?.ok, false);
  assert.match(aud?.detail ?? "", /^aud \[1\] is not Exchange Online/);
  assert.deepEqual([exp?.ok, exp?.detail], [false, "exp soon is not a time"]);
  assert.match(checkClaims({ exp: 1e300 }, "imap")[2]?.detail ?? "", /^expires at 1e\+300/);
});

test("smtp-replies (seed 2): an error whose message is not a string still maps to a typed error", () => {
  const e = mapSmtpError({ message: 0 }, { host: "h", port: 587, user: "u", command: "AUTH XOAUTH2" });
  assert.equal(e.code, "PROTOCOL_ERROR");
  assert.match(e.message, /^h:587 refused AUTH XOAUTH2: /);
});

test("imap-client (seed 20261201): a status whose text holds a bare CR or U+2028 is still a status", () => {
  // Was PROTOCOL_ERROR "Unexpected IMAP server line" for a tagged reply, and a `* BYE` that was not seen as BYE.
  for (const text of ["done\u2028", "done\r", "a\u2029b", "\r"]) {
    assert.deepEqual(parseTagged(`A1 OK ${text}`), { tag: "A1", status: "OK", text }, JSON.stringify(text));
    assert.deepEqual(parseUntaggedHead(`BYE Session invalidated${text}`), {
      kind: "status",
      status: "BYE",
      text: `Session invalidated${text}`,
    });
    assert.deepEqual(parseStatus(`NO [ALERT] ${text}`), { status: "NO", code: "ALERT", text });
  }
});
