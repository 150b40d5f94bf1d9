import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkClaims, decodeClaims } from "../../src/auth/claims.js";
import { b64url } from "../../src/auth/jwt.js";
import type { TokenClaims } from "../../src/auth/types.js";

const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);
const good: TokenClaims = {
  aud: "https://outlook.office365.com",
  idtyp: "app",
  appidacr: "1",
  roles: ["POP.AccessAsApp", "IMAP.AccessAsApp"],
  exp: NOW / 1000 + 3600,
};

const byId = (claims: TokenClaims, protocol: "pop3" | "imap" | "smtp" = "pop3") =>
  Object.fromEntries(checkClaims(claims, protocol, NOW).map((c) => [c.id, c]));

describe("checkClaims", () => {
  test("an Exchange app-only token with the protocol's role passes every check", () => {
    assert.deepEqual(
      checkClaims(good, "imap", NOW).map((c) => [c.id, c.ok]),
      [
        ["audience", true],
        ["role", true],
        ["expiry", true],
        ["app-only", true],
      ],
    );
  });

  test("a Microsoft Graph audience is WRONG_AUDIENCE and says so", () => {
    const c = byId({ ...good, aud: "https://graph.microsoft.com" }).audience;
    assert.equal(c?.ok, false);
    assert.equal(c?.code, "WRONG_AUDIENCE");
    assert.match(c?.detail ?? "", /Graph/);
  });

  test("Exchange's resource app ID and a trailing slash count as Exchange", () => {
    assert.equal(byId({ ...good, aud: "00000002-0000-0ff1-ce00-000000000000" }).audience?.ok, true);
    assert.equal(byId({ ...good, aud: "https://outlook.office.com/" }).audience?.ok, true);
  });

  test("no roles claim at all means no admin consent: PERMISSION_MISSING", () => {
    const { roles: _r, ...noRoles } = good;
    const c = byId(noRoles).role;
    assert.equal(c?.code, "PERMISSION_MISSING");
    assert.match(c?.detail ?? "", /admin consent/);
  });

  test("roles without the protocol's role: PERMISSION_MISSING naming the role", () => {
    const c = byId(good, "smtp").role;
    assert.equal(c?.ok, false);
    assert.equal(c?.code, "PERMISSION_MISSING");
    assert.match(c?.detail ?? "", /SMTP\.SendAsApp/);
  });

  test("an expired token is TOKEN_EXPIRED", () => {
    const c = byId({ ...good, exp: NOW / 1000 - 60 }).expiry;
    assert.equal(c?.ok, false);
    assert.equal(c?.code, "TOKEN_EXPIRED");
  });

  test("a delegated token (scp claim) is not app-only", () => {
    assert.equal(byId({ ...good, scp: "IMAP.AccessAsUser.All", idtyp: "user" })["app-only"]?.ok, false);
  });
});

describe("checkClaims for Microsoft Graph", () => {
  const graph: TokenClaims = { ...good, aud: "https://graph.microsoft.com", roles: ["Mail.Read", "Mail.Send"] };
  const g = (claims: TokenClaims) => Object.fromEntries(checkClaims(claims, "graph", NOW).map((c) => [c.id, c]));

  test("a Graph token with Mail.Read passes; every Graph audience form counts", () => {
    assert.ok(checkClaims(graph, "graph", NOW).every((c) => c.ok && !c.unknown));
    assert.match(g(graph).role?.detail ?? "", /Mail\.Read, Mail\.Send/);
    for (const aud of [
      "00000003-0000-0000-c000-000000000000",
      "https://graph.microsoft.us/",
      "https://microsoftgraph.chinacloudapi.cn",
    ])
      assert.equal(g({ ...graph, aud }).audience?.ok, true, aud);
    assert.equal(g({ ...graph, roles: ["Mail.ReadWrite"] }).role?.unknown, undefined);
  });

  test("an Exchange token checked for Graph is WRONG_AUDIENCE naming the Graph scope", () => {
    const c = g({ ...graph, aud: "https://outlook.office365.com" }).audience;
    assert.equal(c?.ok, false);
    assert.equal(c?.code, "WRONG_AUDIENCE");
    assert.match(c?.detail ?? "", /Exchange Online .*https:\/\/graph\.microsoft\.com\/\.default/);
  });

  test("no roles (RBAC for Applications) or no read role: unknown, not failed", () => {
    const { roles: _r, ...noRoles } = graph;
    const none = g(noRoles).role;
    assert.equal(none?.ok, true);
    assert.equal(none?.unknown, true);
    assert.equal(none?.code, undefined);
    assert.match(none?.detail ?? "", /RBAC for Applications/);
    const sendOnly = g({ ...graph, roles: ["Mail.Send"] }).role;
    assert.equal(sendOnly?.unknown, true);
    assert.match(sendOnly?.detail ?? "", /Mail\.Send/);
  });
});

test("decodeClaims returns header and claims without validating", () => {
  const tok = `${b64url(JSON.stringify({ alg: "RS256", kid: "k1" }))}.${b64url(JSON.stringify(good))}.sig`;
  const d = decodeClaims(tok);
  assert.equal(d.header.kid, "k1");
  assert.deepEqual(d.claims.roles, good.roles);
});
