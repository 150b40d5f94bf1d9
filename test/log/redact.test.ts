import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { formatError } from "../../src/cli/output.js";
import { XoauthError } from "../../src/errors.js";
import { authCodes as deAuth, authUi as deAuthUi } from "../../src/i18n/de/auth.js";
import { codes as deDiagnose, ui as deDiagnoseUi } from "../../src/i18n/de/diagnose.js";
import { authCodes as enAuth, authUi as enAuthUi } from "../../src/i18n/en/auth.js";
import { codes as enDiagnose, ui as enDiagnoseUi } from "../../src/i18n/en/diagnose.js";
import { fetchCodes as enFetch } from "../../src/i18n/en/fetch.js";
import { proxyCodes as enProxy, proxyUi as enProxyUi } from "../../src/i18n/en/proxy.js";
import { sendCodes as enSend } from "../../src/i18n/en/send.js";
import { stepsUi as enStepsUi } from "../../src/i18n/en/steps.js";
import type { CodeCatalog, UiCatalog } from "../../src/i18n/types.js";
import { markSecret, REDACTED, redact } from "../../src/log/redact.js";
import { looksLikeToken } from "../../src/log/token-like.js";
import { buildXoauth2 } from "../../src/sasl/xoauth2.js";

test("marked secrets and JWT-shaped strings are redacted", () => {
  markSecret("s3cr3t-value-xyz");
  const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL291dGxvb2sifQ.c2lnbmF0dXJl";
  const out = redact(`secret=s3cr3t-value-xyz token=${jwt} ok`);
  assert.equal(out, `secret=${REDACTED} token=${REDACTED} ok`);
});

test("XOAUTH2 initial responses are redacted even when never marked", () => {
  const b64 = Buffer.from("user=a@b.c\x01auth=Bearer abcdefghijkl\x01\x01").toString("base64");
  assert.equal(redact(`C: ${b64}`), `C: ${REDACTED}`);
});

// --- pieces of tokens and SASL responses (issue 11: a server echoing the response minus 8 characters) ---

const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const b64url = (n: number) => fc.string({ unit: fc.constantFrom(...B64URL), minLength: n, maxLength: n });
/** A JWT-shaped token: header.payload.signature of random base64url (real ones are 1-3 KB). */
const tokenArb = fc
  .tuple(fc.integer({ min: 20, max: 120 }), fc.integer({ min: 200, max: 1500 }), fc.integer({ min: 40, max: 350 }))
  .chain(([h, p, s]) => fc.tuple(b64url(h), b64url(p), b64url(s)))
  .map(([h, p, s]) => `eyJ${h}.eyJ${p}.${s}`);

const PIECE = 24;
function grams(s: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + PIECE <= s.length; i++) out.add(s.slice(i, i + PIECE));
  return out;
}
/** The first forbidden 24-character piece found in `out`, or undefined. */
function leak(out: string, forbidden: Set<string>): string | undefined {
  for (let i = 0; i + PIECE <= out.length; i++)
    if (forbidden.has(out.slice(i, i + PIECE))) return out.slice(i, i + PIECE);
  return undefined;
}

const CONTEXTS = [
  (e: string) => `535 5.7.3 Authentication unsuccessful ${e}`,
  (e: string) => `-ERR [AUTH] bad response ${e}`,
  (e: string) => `A1 NO [AUTHENTICATIONFAILED] ${e} failed`,
  (e: string) => `+ ${e}`,
  (e: string) => `S: ${e}`,
  (e: string) => JSON.stringify({ ok: false, error: { server_reply: `535 ${e}` } }),
  (e: string) => `${e}`,
];

test("property: no 24-character piece of a token or its XOAUTH2 response survives any partial, split or re-encoded echo", () => {
  fc.assert(
    fc.property(
      tokenArb,
      fc.nat(),
      fc.nat(),
      fc.nat(),
      fc.integer({ min: 0, max: 6 }),
      fc.integer({ min: 0, max: CONTEXTS.length - 1 }),
      fc.boolean(),
      (token, a, b, cut, kind, ctx, url) => {
        const user = "erp@contoso.onmicrosoft.com";
        const xo = `user=${user}\x01auth=Bearer ${token}\x01\x01`;
        const b64 = buildXoauth2(user, token); // marks token and response, as every login does
        assert.equal(b64, Buffer.from(xo).toString("base64"));
        const forbidden = new Set([...grams(token), ...grams(b64)]);
        for (const off of [0, 1, 2])
          for (const g of grams(Buffer.from(token.slice(off)).toString("base64"))) forbidden.add(g);
        const slice = (s: string) => {
          const i = a % s.length;
          const j = i + 1 + (b % (s.length - i));
          return s.slice(i, j);
        };
        const enc = (s: string) => Buffer.from(s).toString(url ? "base64url" : "base64");
        const echo = [
          slice(token), // raw piece
          slice(b64), // the response minus some characters, or a middle part
          enc(slice(token)), // base64 of a piece of the token
          enc(slice(xo)), // base64 of a piece of the XOAUTH2 string
          `auth=Bearer ${slice(token)}`, // decoded echo
          b64.slice(8), // the reported attack: the response minus its first 8 characters
          enc(xo).slice(cut % 40),
        ][kind] as string;
        const k = cut % (echo.length + 1);
        const wrap = CONTEXTS[ctx] as (e: string) => string;
        for (const text of [wrap(echo), `${wrap(echo.slice(0, k))}\r\n${wrap(echo.slice(k))}`]) {
          const out = redact(text);
          assert.equal(leak(out, forbidden), undefined, `leaked from ${JSON.stringify(text.slice(0, 80))}`);
          const human = formatError(new XoauthError("MAILBOX_ACCESS_DENIED", `login refused: ${text}`));
          assert.equal(leak(redact(human), forbidden), undefined);
        }
      },
    ),
    { numRuns: 300, seed: 20261104 },
  );
});

test("the reported case: MAILBOX_ACCESS_DENIED quoting the response minus its first 8 characters", () => {
  const token = `eyJ0eXAiOiJKV1QifQ.eyJ${"A1b2C3d4".repeat(60)}.${"s1G-n_4t".repeat(30)}`;
  const b64 = buildXoauth2("shop@contoso.onmicrosoft.com", token);
  const text = formatError(new XoauthError("MAILBOX_ACCESS_DENIED", `535 5.7.3 ${b64.slice(8)} rejected`));
  assert.ok(!redact(text).includes(b64.slice(8, 40)));
  assert.match(redact(text), /535 5\.7\.3 <redacted> rejected/);
});

test("long random base64 is redacted even when never marked; a 40-character run is the threshold", () => {
  const run = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 73 + 41) % 256)).toString("base64");
  assert.equal(redact(`x ${run(60)} y`), `x ${REDACTED} y`);
  assert.ok(looksLikeToken("q7Lr2Zx9Kd4mW8pT3vB6nH1jF5cY0sG2aE7uR4kQ"));
  assert.equal(redact("short q7Lr2Zx9Kd4mW8pT3vB6 run"), "short q7Lr2Zx9Kd4mW8pT3vB6 run");
});

// --- what must stay readable ---

const GUID_A = "9188040d-6c67-4c5b-b112-36a304b66dad";
const GUID_B = "4a1aa1d5-c567-49d0-ad0b-cd957a47f842";

test("IDs, host names, paths, message IDs and portal paths are not redacted", () => {
  const keep = [
    `New-ServicePrincipal -AppId ${GUID_B} -ObjectId 6d2b4f8a-1e3c-4a5b-8c7d-9e0f1a2b3c4d -DisplayName xoauth-mail`,
    `https://login.microsoftonline.com/${GUID_A}/oauth2/v2.0/token`,
    `https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Overview/appId/${GUID_B}/isMSAApp~/false`,
    "550 5.7.60 SMTP; Client does not have permissions to send as this sender [AM0PR07MB1234.eurprd07.prod.outlook.com 2026-01-01T10:00:00.000Z 08DC1A2B3C4D5E6F]",
    "/home/XOAUTHMAIL/Maildir/new/1795885077.xm3f2a9c0d1e2b3a4f5e6d7c8b9a0f1e2d.erp-host01.example.com:2,S",
    `<${GUID_A}@contoso.onmicrosoft.com> DB9PR10MB5837D2F12F1D3B0C8F6E8A9AB12340F1A2.eurprd10.prod.outlook.com`,
    "Trace ID: 0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f Correlation ID: 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    "sha256 3f2a9c0d1e2b3a4f5e6d7c8b9a0f1e2d3f2a9c0d1e2b3a4f5e6d7c8b9a0f1e2d / 3F2A9C0D1E2B3A4F5E6D7C8B9A0F1E2D3F2A9C0D",
    "/QOpenSys/pkgs/lib/nodejs20/bin/node XOAUTH_MAIL_CACHE_DIR=/home/XOAUTHMAIL/.cache/xoauth-mail",
  ];
  for (const s of keep) assert.equal(redact(s), s);
});

const PARAMS: Record<string, string> = {
  host: "outlook.office365.com",
  mailbox: "erp@contoso.onmicrosoft.com",
  authorityHost: "https://login.microsoftonline.com",
  proxy: "http://proxy.contoso.local:3128",
  scope: "https://outlook.office365.com/.default",
  aud: "https://outlook.office365.com",
};
/** Every catalog text with its placeholders filled: GUIDs for IDs, real-looking values for the rest. */
function rendered(codes: CodeCatalog[], uis: UiCatalog[]): string[] {
  const fillIn = (s: string) =>
    s.replace(/\{(\w+)\}/g, (_m, name: string) => PARAMS[name] ?? (/id$/i.test(name) ? GUID_A : `${name}-value`));
  const texts: string[] = [];
  for (const c of codes) for (const t of Object.values(c)) texts.push(t.summary, ...t.causes, ...t.fix);
  for (const u of uis) texts.push(...Object.values(u));
  return texts.map(fillIn);
}

test("no catalog text (en, de) with tenant and app IDs filled in is changed by redaction", () => {
  const texts = rendered(
    [enAuth, deAuth, enDiagnose, deDiagnose, enProxy, enSend, enFetch],
    [enAuthUi, deAuthUi, enDiagnoseUi, deDiagnoseUi, enProxyUi, enStepsUi],
  );
  assert.ok(texts.length > 200);
  for (const s of texts) assert.equal(redact(s), s);
});
