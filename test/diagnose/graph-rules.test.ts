/** The Graph diagnoses of `test --protocol graph`: Graph's 403s, 404s, 401 audience and 429, with the real IDs filled in. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { diagnose } from "../../src/diagnose/index.js";
import { XoauthError } from "../../src/errors.js";
import { variants as deVariants } from "../../src/i18n/de/diagnose.js";
import { variants as enVariants } from "../../src/i18n/en/diagnose.js";
import "../../src/i18n/catalogs.js";
import { APPID, claims, MAILBOX, OID, run, TID } from "../harness/diagnose-fixtures.js";

const all = (d: { summary: string; causes: string[]; fix: string[] }) => [d.summary, ...d.causes, ...d.fix].join("\n");
const GRAPH = { protocol: "graph" as const, host: "graph.microsoft.com", port: 443, tls: "implicit" as const };
const graphClaims = (roles?: string[]) => {
  const { roles: _r, ...rest } = claims({ aud: "https://graph.microsoft.com" });
  return roles ? { ...rest, roles } : rest;
};
const graphError = (code: ConstructorParameters<typeof XoauthError>[0], status: number, reply: string) =>
  new XoauthError(code, `Microsoft Graph answered ${status}.`, { details: { httpStatus: status, serverReply: reply } });
const DENIED = "ErrorAccessDenied: Access is denied. Check credentials and try again.";
const RAOP =
  "ErrorAccessDenied: Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.";

function graphRun(opts: Parameters<typeof run>[0] = {}) {
  return run({ ...opts, options: { ...GRAPH, ...opts.options } });
}

describe("graph: 403 ErrorAccessDenied", () => {
  it("no Mail.* role: GRAPH_PERMISSION_MISSING with the portal path, the RBAC commands and the real IDs", () => {
    const d = diagnose(
      graphRun({
        failAt: "mailbox",
        error: graphError("GRAPH_PERMISSION_MISSING", 403, DENIED),
        claims: graphClaims(),
      }),
      "en",
    );
    assert.equal(d.code, "GRAPH_PERMISSION_MISSING");
    const text = all(d);
    assert.match(
      text,
      new RegExp(
        `App registrations > ${APPID} > API permissions > .*Microsoft Graph > Application permissions > Mail\\.Read`,
      ),
    );
    assert.ok(text.includes(`New-ServicePrincipal -AppId ${APPID} -ObjectId ${OID}`));
    assert.ok(
      text.includes(`New-ManagementRoleAssignment -App ${APPID} -Role 'Application Mail.Read' -CustomResourceScope`),
    );
    assert.ok(text.includes(`Test-ServicePrincipalAuthorization -Identity ${APPID} -Resource ${MAILBOX}`));
    assert.ok(text.includes(`tenant ${TID}`));
    assert.doesNotMatch(text, /\{[a-zA-Z]+\}/, "every placeholder filled");
  });

  it("the client's GRAPH_MAILBOX_OUT_OF_SCOPE without a role in the token is still a missing permission", () => {
    const d = diagnose(
      graphRun({
        failAt: "mailbox",
        error: graphError("GRAPH_MAILBOX_OUT_OF_SCOPE", 403, DENIED),
        claims: graphClaims([]),
      }),
      "en",
    );
    assert.equal(d.code, "GRAPH_PERMISSION_MISSING");
  });

  it("Mail.Read in the token: GRAPH_MAILBOX_OUT_OF_SCOPE (a management scope leaves the mailbox out)", () => {
    const d = diagnose(
      graphRun({
        failAt: "list",
        error: graphError("GRAPH_PERMISSION_MISSING", 403, DENIED),
        claims: graphClaims(["Mail.Read"]),
      }),
      "en",
    );
    assert.equal(d.code, "GRAPH_MAILBOX_OUT_OF_SCOPE");
    assert.ok(all(d).includes(`Test-ServicePrincipalAuthorization -Identity ${APPID} -Resource ${MAILBOX}`));
    assert.ok(all(d).includes(`Get-ManagementRoleAssignment -RoleAssignee ${OID}`));
  });

  it("an Application Access Policy ([RAOP]): GRAPH_MAILBOX_OUT_OF_SCOPE with Test-ApplicationAccessPolicy", () => {
    const d = diagnose(
      graphRun({
        failAt: "mailbox",
        error: graphError("GRAPH_MAILBOX_OUT_OF_SCOPE", 403, RAOP),
        claims: graphClaims(["Mail.Read"]),
      }),
      "en",
    );
    assert.equal(d.code, "GRAPH_MAILBOX_OUT_OF_SCOPE");
    assert.ok(all(d).includes(`Test-ApplicationAccessPolicy -Identity ${MAILBOX} -AppId ${APPID}`));
    assert.match(all(d), /Add-DistributionGroupMember/);
  });

  it("the send probe refused without Mail.Send: GRAPH_PERMISSION_MISSING naming Mail.Send; with it: out of scope", () => {
    const err = graphError("GRAPH_PERMISSION_MISSING", 403, DENIED);
    const d = diagnose(graphRun({ failAt: "send-probe", error: err, claims: graphClaims(["Mail.Read"]) }), "en");
    assert.equal(d.code, "GRAPH_PERMISSION_MISSING");
    assert.match(all(d), /'Application Mail\.Send'/);
    assert.match(all(d), /Application permissions > Mail\.Send/);
    const s = diagnose(
      graphRun({ failAt: "send-probe", error: err, claims: graphClaims(["Mail.Read", "Mail.Send"]) }),
      "en",
    );
    assert.equal(s.code, "GRAPH_MAILBOX_OUT_OF_SCOPE");
    assert.match(all(s), /Mail\.Send/);
  });

  it("German texts name the same IDs", () => {
    const d = diagnose(
      graphRun({
        failAt: "mailbox",
        error: graphError("GRAPH_PERMISSION_MISSING", 403, DENIED),
        claims: graphClaims(),
      }),
      "de",
    );
    assert.match(d.summary, /Microsoft Graph hat abgelehnt/);
    assert.ok(all(d).includes(`New-ServicePrincipal -AppId ${APPID} -ObjectId ${OID}`));
  });
});

describe("graph: other answers", () => {
  it("a token without roles is no claims problem for Graph (RBAC for Applications): OK when Graph allows", () => {
    const d = diagnose(graphRun({ claims: graphClaims() }), "en");
    assert.equal(d.code, "OK");
    assert.match(d.summary, /Microsoft Graph access to .* works for app/);
  });

  it("404 ErrorInvalidUser and MailboxNotEnabledForRESTAPI: MAILBOX_NOT_FOUND, two variants", () => {
    const inv = diagnose(
      graphRun({
        failAt: "mailbox",
        error: graphError("MAILBOX_NOT_FOUND", 404, `ErrorInvalidUser: The requested user '${MAILBOX}' is invalid.`),
        claims: graphClaims(),
      }),
      "en",
    );
    assert.equal(inv.code, "MAILBOX_NOT_FOUND");
    assert.match(inv.summary, /knows no user/);
    const lic = diagnose(
      graphRun({
        failAt: "mailbox",
        error: graphError(
          "MAILBOX_NOT_FOUND",
          404,
          "MailboxNotEnabledForRESTAPI: The mailbox is either inactive, soft-deleted, or is hosted on-premise.",
        ),
        claims: graphClaims(),
      }),
      "en",
    );
    assert.equal(lic.code, "MAILBOX_NOT_FOUND");
    assert.match(all(lic), /licence/);
  });

  it("an Exchange token sent to Graph: WRONG_AUDIENCE naming the Graph scope (from the claims or Graph's 401)", () => {
    const d = diagnose(graphRun({ claims: claims() }), "en");
    assert.equal(d.code, "WRONG_AUDIENCE");
    assert.match(d.summary, /for Exchange Online .* not for Microsoft Graph/);
    assert.ok(d.fix.some((f) => f.includes("--scope https://graph.microsoft.com/.default")));
    const custom = diagnose(
      graphRun({
        failAt: "mailbox",
        error: graphError(
          "WRONG_AUDIENCE",
          401,
          "InvalidAuthenticationToken: Access token validation failure. Invalid audience.",
        ),
        claims: graphClaims(["Mail.Read"]),
      }),
      "en",
    );
    assert.equal(custom.code, "WRONG_AUDIENCE");
  });

  it("a Graph token for POP3 is still the reverse case (WRONG_AUDIENCE.graph)", () => {
    const d = diagnose(run({ claims: graphClaims(["Mail.Read"]) }), "en");
    assert.equal(d.code, "WRONG_AUDIENCE");
    assert.match(d.summary, /is for Microsoft Graph/);
  });

  it("429 after the bounded wait: THROTTLED about Graph's mailbox limits, not the identity platform", () => {
    const err = graphError("THROTTLED", 429, "ApplicationThrottled: Application is over its MailboxConcurrency limit.");
    const d = diagnose(graphRun({ failAt: "list", error: err, claims: graphClaims() }), "en");
    assert.equal(d.code, "THROTTLED");
    assert.match(d.summary, /Microsoft Graph throttled app/);
  });

  it("network failures keep their codes, with Graph's texts", () => {
    const err = new XoauthError("MAIL_SERVER_UNREACHABLE", "Connection to graph.microsoft.com:443 refused.");
    const d = diagnose(graphRun({ failAt: "connect", error: err, claims: graphClaims() }), "en");
    assert.equal(d.code, "MAIL_SERVER_UNREACHABLE");
    assert.match(d.summary, /Microsoft Graph at graph\.microsoft\.com:443/);
    assert.match(all(d), /--graph-url/);
  });

  it("every Graph variant has a German text", () => {
    for (const k of Object.keys(enVariants).filter(
      (k) => k.includes("toGraph") || k.startsWith("GRAPH_") || k.startsWith("MAILBOX_NOT_FOUND"),
    ))
      assert.ok(deVariants[k], k);
  });
});
