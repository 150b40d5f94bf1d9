/**
 * One 403 rule for Graph: the diagnosis judges ErrorAccessDenied by the operation the failed request needed (kept by
 * the client's classifier in the error's params), with the same function the classifier uses.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { diagnose } from "../../src/diagnose/index.js";
import { XoauthError } from "../../src/errors.js";
import { type GraphOperation, graphAccessDenied } from "../../src/graph/classify.js";
import "../../src/i18n/catalogs.js";
import { claims, run } from "../harness/diagnose-fixtures.js";

const GRAPH = { protocol: "graph" as const, host: "graph.microsoft.com", port: 443, tls: "implicit" as const };
const DENIED = "ErrorAccessDenied: Access is denied. Check credentials and try again.";
const all = (d: { summary: string; causes: string[]; fix: string[] }) => [d.summary, ...d.causes, ...d.fix].join("\n");

function denied(roles: string[], op: GraphOperation | undefined, failAt: "list" | "send" | "send-probe" = "list") {
  const { roles: _r, ...rest } = claims({ aud: "https://graph.microsoft.com" });
  const error = new XoauthError("GRAPH_PERMISSION_MISSING", "Microsoft Graph answered 403.", {
    details: { httpStatus: 403, serverReply: DENIED, params: op ? { operation: op } : {} },
  });
  return diagnose(run({ failAt, error, claims: { ...rest, roles }, options: GRAPH }), "en");
}

describe("graph 403: one rule for the classifier and the diagnosis", () => {
  it("a refused change (write) with only Mail.Read: permission missing, the fix names Mail.ReadWrite", () => {
    const d = denied(["Mail.Read"], "write");
    assert.equal(d.code, "GRAPH_PERMISSION_MISSING");
    assert.match(all(d), /Application permissions > Mail\.ReadWrite/);
    assert.match(all(d), /'Application Mail\.ReadWrite'/);
  });

  it("a refused change with Mail.ReadWrite: out of scope for changing", () => {
    const d = denied(["Mail.ReadWrite"], "write");
    assert.equal(d.code, "GRAPH_MAILBOX_OUT_OF_SCOPE");
    assert.match(d.summary, /may change mail/);
  });

  it("a refused `send` step (no params): judged as sending, Mail.Read does not count", () => {
    const d = denied(["Mail.Read"], undefined, "send");
    assert.equal(d.code, "GRAPH_PERMISSION_MISSING");
    assert.match(all(d), /Application permissions > Mail\.Send/);
  });

  it("every operation and role set: the diagnosis code is graphAccessDenied's", () => {
    const roleSets = [[], ["Mail.Read"], ["Mail.ReadWrite"], ["Mail.Send"], ["Mail.ReadBasic", "Mail.Send"]];
    for (const roles of roleSets) {
      for (const op of ["read", "write", "send"] as const) {
        assert.equal(denied(roles, op).code, graphAccessDenied(roles, op).code, `${roles.join(",")} ${op}`);
      }
    }
  });
});
