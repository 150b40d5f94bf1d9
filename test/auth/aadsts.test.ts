import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AADSTS_CODES, mapTokenError } from "../../src/auth/aadsts.js";
import { retryAfterMs } from "../../src/auth/http-client.js";
import { bypassesProxy } from "../../src/auth/proxy.js";
import "../../src/i18n/catalogs.js";
import { codeText, setLang } from "../../src/i18n/index.js";

const ctx = {
  tenantId: "t-guid",
  clientId: "c-guid",
  scope: "https://outlook.office365.com/.default",
  authorityHost: "https://login.microsoftonline.com",
};

function body(code: number, text = "some text") {
  return {
    error: "invalid_client",
    error_description: `AADSTS${code}: ${text}\r\nTrace ID: tr\r\nCorrelation ID: co\r\nTimestamp: ts`,
    error_codes: [code],
    trace_id: "tr",
    correlation_id: "co",
  };
}

describe("mapTokenError", () => {
  test("maps by error_codes, not by the text", () => {
    const e = mapTokenError(401, body(7000222, "Invalid client secret provided."), ctx);
    assert.equal(e.code, "CLIENT_SECRET_EXPIRED");
    assert.equal(e.details.aadsts, 7000222);
    assert.equal(e.details.traceId, "tr");
    assert.equal(e.details.correlationId, "co");
    assert.match(e.message, /^AADSTS7000222 \(invalid_client\): /);
  });

  test("every mapped code has en and de catalog text with the fix filled with the IDs", () => {
    for (const code of new Set(Object.values(AADSTS_CODES))) {
      for (const lang of ["en", "de"] as const) {
        const t = codeText(code, { tenantId: "TEN", clientId: "CLI", scope: "S", authorityHost: "H" }, lang);
        assert.ok(t?.summary && t.causes.length && t.fix.length, `${code} ${lang}`);
        assert.doesNotMatch(JSON.stringify(t), /<(tenantId|clientId)>/, `${code} ${lang} fills its placeholders`);
      }
    }
  });

  test("an unknown AADSTS code is TOKEN_ENDPOINT_ERROR keeping the number", () => {
    const e = mapTokenError(400, body(123456), ctx);
    assert.equal(e.code, "TOKEN_ENDPOINT_ERROR");
    assert.equal(e.details.aadsts, 123456);
  });

  test("the unknown-AADSTS fix names the number; without a number (HTTP 500, non-JSON) it says so", () => {
    for (const lang of ["en", "de"] as const) {
      setLang(lang);
      const e = mapTokenError(400, body(123456), ctx);
      assert.match(e.why ?? "", /AADSTS123456\b/, lang);
      assert.match(e.fix.join(" "), /AADSTS123456\b.*error\?code=123456$/, lang);
      const bare = mapTokenError(500, undefined, ctx);
      assert.equal(bare.code, "TOKEN_ENDPOINT_ERROR");
      assert.equal(bare.why, undefined, "the catalog text applies");
      const text = codeText("TOKEN_ENDPOINT_ERROR", { ...bare.details.params }, lang);
      assert.match(text?.causes[0] ?? "", /AADSTS/, lang);
      assert.doesNotMatch(JSON.stringify(text), /<\w+>|\{\w+\}|error\?code=/, `${lang}: no placeholder, no look-up`);
    }
    setLang("en");
  });

  test("with several error_codes the first known one decides, not just error_codes[0]", () => {
    const e = mapTokenError(401, { ...body(9999991), error_codes: [9999991, 7000222, 7000215] }, ctx);
    assert.equal(e.code, "CLIENT_SECRET_EXPIRED");
    assert.equal(e.details.aadsts, 7000222);
    const unknown = mapTokenError(400, { ...body(9999991), error_codes: [9999991, 9999992] }, ctx);
    assert.equal(unknown.code, "TOKEN_ENDPOINT_ERROR");
    assert.equal(unknown.details.aadsts, 9999991);
  });

  test("a bare 429 is THROTTLED; 50196 is THROTTLED", () => {
    assert.equal(mapTokenError(429, undefined, ctx).code, "THROTTLED");
    assert.equal(mapTokenError(400, body(50196), ctx).code, "THROTTLED");
  });

  test("a GUID-shaped secret gets the ID-instead-of-Value hint, another secret does not", () => {
    const guid = mapTokenError(401, body(7000215), { ...ctx, secret: "b0c5e2d1-7a3f-4e8b-9c6d-2f1e0a9b8c7d" });
    assert.match(guid.why ?? "", /ID, not its Value/);
    const other = mapTokenError(401, body(7000215), { ...ctx, secret: "Abc8Q~x.y-z" });
    assert.equal(other.why, undefined);
  });

  test("AADSTS9001023 (/common) is TENANT_INVALID with the fix to use the tenant ID", () => {
    const e = mapTokenError(400, body(9001023), ctx);
    assert.equal(e.code, "TENANT_INVALID");
    assert.match(e.fix.join(" "), /Tenant ID/);
  });
});

describe("retryAfterMs", () => {
  test("delta seconds and HTTP dates", () => {
    assert.equal(retryAfterMs("3"), 3000);
    assert.equal(retryAfterMs("Wed, 01 Jan 2025 12:00:10 GMT", Date.UTC(2025, 0, 1, 12, 0, 0)), 10_000);
    assert.equal(retryAfterMs("soon"), undefined);
    assert.equal(retryAfterMs(undefined), undefined);
  });
});

describe("bypassesProxy (NO_PROXY)", () => {
  test("exact names, domain suffixes, wildcard and ports", () => {
    assert.equal(bypassesProxy("login.microsoftonline.com", 443, "microsoftonline.com"), true);
    assert.equal(bypassesProxy("login.microsoftonline.com", 443, ".microsoftonline.com"), true);
    assert.equal(bypassesProxy("login.microsoftonline.com", 443, "*.microsoftonline.com"), true);
    assert.equal(bypassesProxy("notmicrosoftonline.com", 443, "microsoftonline.com"), false);
    assert.equal(bypassesProxy("127.0.0.1", 8443, "localhost, 127.0.0.1"), true);
    assert.equal(bypassesProxy("127.0.0.1", 8443, "127.0.0.1:9000"), false);
    assert.equal(bypassesProxy("any.host", 443, "*"), true);
    assert.equal(bypassesProxy("any.host", 443, undefined), false);
  });
});
