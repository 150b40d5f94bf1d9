/**
 * Graph's request-id (what Microsoft support asks for) in every error output: the diagnosis of `test`/`send` (text line
 * and --json diagnosis.requestId) and a plain error as `fetch` prints it (text line and --json request_id), en + de.
 */
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { errorJson, formatError } from "../../src/cli/output.js";
import { formatDiagnosis } from "../../src/diagnose/format.js";
import { diagnose } from "../../src/diagnose/index.js";
import { XoauthError } from "../../src/errors.js";
import { getLang, setLang } from "../../src/i18n/index.js";
import "../../src/i18n/catalogs.js";
import { run } from "../harness/diagnose-fixtures.js";

const RID = "5e1f0a3c-7d2b-4e8f-9a6c-1b2d3e4f5a6b";
const lang = getLang();
afterEach(() => setLang(lang));

const graphError = (params: Record<string, string>) =>
  new XoauthError("GRAPH_ERROR", "Microsoft Graph answered 500 to GET /v1.0/users/x/mailFolders/inbox.", {
    details: { httpStatus: 500, serverReply: "ErrorInternalServerError: boom", params },
  });

describe("Graph request-id in error output", () => {
  test("a diagnosis of a failed Graph request carries it and prints one line (en, de)", () => {
    const ctx = run({
      failAt: "mailbox",
      error: graphError({ requestId: RID, mailbox: "m@contoso.com" }),
      options: { protocol: "graph", host: "graph.microsoft.com", port: 443, tls: "implicit" },
    });
    const d = diagnose(ctx, "en");
    assert.equal(d.requestId, RID);
    setLang("en");
    assert.ok(formatDiagnosis(d).includes(`  Microsoft Graph request-id: ${RID} (give it to Microsoft support)\n`));
    setLang("de");
    assert.ok(formatDiagnosis(d).includes(`Microsoft-Graph-request-id: ${RID} (beim Microsoft-Support angeben)`));
  });

  test("no request-id, no line; an OK diagnosis has none", () => {
    const d = diagnose(run({ failAt: "mailbox", error: graphError({}) }), "en");
    assert.equal(d.requestId, undefined);
    assert.doesNotMatch(formatDiagnosis(d), /request-id/);
    assert.equal(diagnose(run({}), "en").requestId, undefined);
  });

  test("a plain error (fetch): one text line and request_id in --json", () => {
    setLang("en");
    const err = graphError({ requestId: RID });
    assert.match(
      formatError(err),
      new RegExp(`\\n  Microsoft Graph request-id: ${RID} \\(give it to Microsoft support\\)\\n$`),
    );
    assert.equal(errorJson(err).request_id, RID);
    assert.equal("request_id" in errorJson(new XoauthError("TIMEOUT", "slow")), false);
  });
});
