/**
 * What the user (or the token endpoint) hands us: duration flags (src/cli/duration.ts), access tokens
 * (src/auth/jwt.ts, claims.ts) and token-endpoint error bodies (src/auth/aadsts.ts).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { mapTokenError } from "../../../../src/auth/aadsts.js";
import { checkClaims, decodeClaims } from "../../../../src/auth/claims.js";
import { b64url } from "../../../../src/auth/jwt.js";
import { formatDurationMs, MAX_DURATION_MS, parseDuration } from "../../../../src/cli/duration.js";
import { ERROR_CODES } from "../../../../src/errors.js";
import { type FuzzTarget, outcome } from "../fuzz-runner.js";
import { hostileJson, hugeNumber } from "../gen.js";

/** The longest delay a Node timer honours (longer ones fire after 1 ms with a TimeoutOverflowWarning). */
const MAX_TIMER_MS = 2 ** 31 - 1;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const number = fc.oneof(
  fc.nat({ max: 100_000 }).map(String),
  fc.tuple(fc.nat({ max: 999 }), fc.nat({ max: 999 })).map(([a, b]) => `${a}.${b}`),
  hugeNumber.filter((n) => !n.startsWith("-")),
);
const part = fc.tuple(number, fc.constantFrom("ms", "s", "m", "h", "d", "MS", "H", "D"));
const duration = fc.oneof(
  fc.array(part, { minLength: 1, maxLength: 4 }).map((ps) => ({ text: ps.map(([n, u]) => n + u).join(""), ps })),
  number.map((n) => ({ text: n, ps: undefined })),
  fc
    .string({ unit: fc.constantFrom(..."0123456789.msMShHdD -xe+_".split("")), maxLength: 70 })
    .map((text) => ({ text, ps: undefined })),
  fc.string({ maxLength: 20 }).map((text) => ({ text, ps: undefined })),
);

export const durations: FuzzTarget = {
  name: "duration",
  covers: "src/cli/duration.ts",
  property: () =>
    fc.property(
      duration,
      fc.constantFrom<"ms" | "s">("ms", "s"),
      fc.boolean(),
      fc.option(fc.integer({ min: 0, max: 10 * MAX_TIMER_MS }), { nil: undefined }),
      fc.constantFrom("", " ", "\t"),
      ({ text, ps }, bareUnit, allowZero, maxMs, pad) => {
        const spec = { flag: "--every", bareUnit, allowZero, ...(maxMs !== undefined ? { maxMs } : {}) };
        const r = outcome(() => parseDuration(pad + text + pad, spec), ["USAGE"]);
        if (r.ok) {
          assert.ok(Number.isSafeInteger(r.value) && r.value >= (allowZero ? 0 : 1), `${text} -> ${r.value}`);
          assert.ok(r.value <= (maxMs ?? MAX_TIMER_MS), `${text} -> ${r.value} ms: more than a timer can wait`);
          assert.ok(r.value <= MAX_TIMER_MS, `${text} -> ${r.value} ms: more than a timer can wait`);
          assert.equal(typeof formatDurationMs(r.value), "string");
        }
        if (ps && text.length <= 64) {
          // The model: the sum of the parts, rounded; accepted exactly when within the bounds.
          const want = Math.round(ps.reduce((s, [n, u]) => s + Number(n) * (UNIT_MS[u.toLowerCase()] as number), 0));
          const inRange = want >= (allowZero ? 0 : 1) && want <= Math.min(maxMs ?? MAX_DURATION_MS, MAX_DURATION_MS);
          assert.deepEqual(r, inRange ? { ok: true, value: want } : { ok: false, code: "USAGE" }, text);
        }
      },
    ),
};

const claimsArb = fc.oneof(
  fc.record(
    {
      aud: fc.oneof(fc.constantFrom("https://outlook.office365.com", "https://graph.microsoft.com/"), fc.string()),
      roles: fc.oneof(
        fc.array(fc.constantFrom("POP.AccessAsApp", "IMAP.AccessAsApp", "SMTP.SendAsApp")),
        fc.jsonValue(),
      ),
      exp: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(1e300, 8.64e12, 8.64e12 + 1), fc.jsonValue()),
      idtyp: fc.oneof(fc.constantFrom("app", "user"), fc.jsonValue()),
      scp: fc.jsonValue(),
      appidacr: fc.jsonValue(),
    },
    { requiredKeys: [] },
  ),
  hostileJson,
  fc.jsonValue(),
);

/** A token: header.payload.signature, each part valid base64url JSON or broken in some way. */
const token = fc
  .tuple(
    fc.oneof(fc.constant({ alg: "RS256", typ: "JWT" }), hostileJson),
    claimsArb,
    fc.constantFrom("sig", "", "a.b"),
    fc.constantFrom("ok", "padded", "junk", "notjson", "twoparts"),
  )
  .map(([h, c, sig, how]) => {
    const enc = (v: unknown) =>
      how === "padded" ? Buffer.from(JSON.stringify(v) ?? "").toString("base64") : b64url(JSON.stringify(v) ?? "");
    if (how === "junk") return `${enc(h)}.%%%${enc(c)}.${sig}`;
    if (how === "notjson") return `${enc(h)}.${b64url("{not json")}.${sig}`;
    if (how === "twoparts") return `${enc(h)}.${enc(c)}`;
    return `${enc(h)}.${enc(c)}.${sig}`;
  });

export const jwtClaims: FuzzTarget = {
  name: "jwt-claims",
  covers: "src/auth/jwt.ts, claims.ts",
  property: () =>
    fc.property(
      fc.oneof(token, fc.string({ maxLength: 60 })),
      fc.constantFrom("pop3", "imap", "smtp") as fc.Arbitrary<"pop3" | "imap" | "smtp">,
      (tok, protocol) => {
        const d = outcome(() => decodeClaims(tok), ["PROTOCOL_ERROR"]);
        if (!d.ok) return;
        assert.ok(d.value.claims && typeof d.value.claims === "object" && !Array.isArray(d.value.claims));
        const checks = checkClaims(d.value.claims, protocol, 1_700_000_000_000);
        assert.deepEqual(
          checks.map((c) => c.id),
          ["audience", "role", "expiry", "app-only"],
        );
        for (const c of checks) assert.equal(typeof c.detail, "string");
      },
    ),
};

const aadstsBody = fc.oneof(
  fc.record(
    {
      error: fc.oneof(fc.constantFrom("invalid_client", "unauthorized_client"), fc.jsonValue()),
      error_description: fc.oneof(
        fc
          .tuple(fc.constantFrom("AADSTS7000215", "AADSTS90002", "AADSTS", "AADSTS99999999999999999999"), fc.string())
          .map(([a, b]) => a + b),
        fc.jsonValue(),
      ),
      error_codes: fc.oneof(
        fc.array(fc.oneof(fc.constantFrom(7000215, 90002, 9001023, 50196), fc.integer(), fc.double())),
        fc.jsonValue(),
      ),
      trace_id: fc.jsonValue(),
      correlation_id: fc.jsonValue(),
    },
    { requiredKeys: [] },
  ),
  hostileJson,
  fc.constant(undefined),
);

export const aadsts: FuzzTarget = {
  name: "aadsts",
  covers: "src/auth/aadsts.ts",
  property: () =>
    fc.property(
      aadstsBody,
      fc.integer({ min: 100, max: 599 }),
      fc.string({ maxLength: 40 }),
      (body, status, secret) => {
        const e = mapTokenError(status, body as Record<string, unknown> | undefined, {
          tenantId: "contoso.onmicrosoft.com",
          clientId: "00000000-0000-0000-0000-000000000000",
          scope: "https://outlook.office365.com/.default",
          authorityHost: "https://login.microsoftonline.com",
          secret,
        });
        assert.ok((ERROR_CODES as readonly string[]).includes(e.code));
        assert.equal(typeof e.message, "string");
        const reply = e.details?.serverReply;
        assert.ok(reply === undefined || !reply.includes("\n"), "one line of the server's text");
      },
    ),
};
