import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { diagnose } from "../../src/diagnose/index.js";
import { XoauthError } from "../../src/errors.js";
import { APPID, claims, err, MAILBOX, OID, run, TID } from "../harness/diagnose-fixtures.js";

const all = (d: { summary: string; causes: string[]; fix: string[] }) => [d.summary, ...d.causes, ...d.fix].join("\n");

describe("ok", () => {
  it("names OK with protocol, mailbox and server when every step passed", () => {
    const d = diagnose(run(), "en");
    assert.equal(d.code, "OK");
    assert.equal(d.summary, `POP3 XOAUTH2 login to ${MAILBOX} at outlook.office365.com:995 works.`);
    assert.deepEqual(d.causes, []);
    assert.deepEqual(d.fix, []);
  });
});

describe("token-error (pass-through)", () => {
  it("keeps the token error's code, message, why and fix", () => {
    const e = new XoauthError("CLIENT_SECRET_INVALID", "AADSTS7000215: invalid client secret.", {
      why: "The secret's ID was pasted instead of its Value.",
      fix: ["Certificates & secrets > New client secret > copy the Value"],
    });
    const d = diagnose(run({ failAt: "token", error: e, claims: null }), "en");
    assert.equal(d.code, "CLIENT_SECRET_INVALID");
    assert.equal(d.summary, "AADSTS7000215: invalid client secret.");
    assert.equal(d.causes[0], "The secret's ID was pasted instead of its Value.");
    assert.deepEqual(d.fix, ["Certificates & secrets > New client secret > copy the Value"]);
  });

  it("passes a usage error at the options step through", () => {
    const d = diagnose(run({ failAt: "options", error: err("USAGE", "--mailbox is required"), claims: null }), "en");
    assert.equal(d.code, "USAGE");
    assert.equal(d.summary, "--mailbox is required");
  });

  it("redacts a JWT that slipped into a token error message", () => {
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4eXoxMjM0NSJ9.c2lnbmF0dXJlMTIz";
    const d = diagnose(run({ failAt: "token", error: err("TOKEN_ENDPOINT_ERROR", `bad ${jwt}`), claims: null }), "en");
    assert.ok(!d.summary.includes(jwt));
  });
});

describe("wrong-audience", () => {
  it("explains a Graph token as the wrong scope and gives the Exchange scope", () => {
    const d = diagnose(run({ claims: claims({ aud: "https://graph.microsoft.com" }) }), "en");
    assert.equal(d.code, "WRONG_AUDIENCE");
    assert.match(d.summary, /Microsoft Graph \(aud https:\/\/graph\.microsoft\.com\)/);
    assert.ok(d.fix.some((f) => f.includes("--scope https://outlook.office365.com/.default")));
  });

  it("flags an audience that is neither Exchange nor Graph", () => {
    const d = diagnose(run({ claims: claims({ aud: "api://something-else" }) }), "en");
    assert.equal(d.code, "WRONG_AUDIENCE");
    assert.match(d.summary, /aud api:\/\/something-else/);
  });

  it("accepts every Exchange audience form and the resource of an explicit scope", () => {
    for (const aud of [
      "https://outlook.office365.com/",
      "00000002-0000-0ff1-ce00-000000000000",
      "https://ps.outlook.com",
    ])
      assert.equal(diagnose(run({ claims: claims({ aud }) }), "en").code, "OK", aud);
    const ctx = run({ claims: claims({ aud: "https://mail.test" }), options: { scope: "https://mail.test/.default" } });
    assert.equal(diagnose(ctx, "en").code, "OK");
  });

  it("outranks the server's rejection (the server only confirms it)", () => {
    const ctx = run({
      claims: claims({ aud: "https://graph.microsoft.com" }),
      failAt: "auth",
      error: err("MAILBOX_ACCESS_DENIED", "refused", "-ERR Authentication failure: unknown user name or bad password."),
    });
    assert.equal(diagnose(ctx, "en").code, "WRONG_AUDIENCE");
  });
});

describe("token-expired", () => {
  it("says how long ago the token expired", () => {
    const d = diagnose(run({ claims: claims({ exp: Date.UTC(2025, 0, 15, 11, 30) / 1000 }) }), "en");
    assert.equal(d.code, "TOKEN_EXPIRED");
    assert.match(d.summary, /expired 30 min ago/);
    assert.ok(d.fix.some((f) => f.includes("--no-cache")));
  });
});

describe("permission-missing", () => {
  it("names the missing role, the roles present and the portal path with the app id", () => {
    const d = diagnose(run({ claims: claims({ roles: ["IMAP.AccessAsApp"] }) }), "en");
    assert.equal(d.code, "PERMISSION_MISSING");
    assert.match(d.summary, /no POP\.AccessAsApp role \(roles: IMAP\.AccessAsApp\)/);
    assert.ok(d.fix[0]?.includes(`App registrations > ${APPID} > API permissions`));
    assert.ok(d.fix[0]?.includes("Application permissions > POP.AccessAsApp"));
    assert.ok(d.fix[1]?.includes(TID));
  });

  it("reads a token without any roles claim as consent never granted", () => {
    const { roles: _r, ...noRoles } = claims();
    const d = diagnose(run({ claims: noRoles }), "en");
    assert.equal(d.code, "PERMISSION_MISSING");
    assert.match(d.summary, /no roles claim at all/);
  });

  it("checks the role of the protocol under test", () => {
    const c = claims({ roles: ["POP.AccessAsApp", "IMAP.AccessAsApp"] });
    assert.equal(diagnose(run({ claims: c, options: { protocol: "imap" } }), "en").code, "OK");
    const d = diagnose(run({ claims: c, options: { protocol: "smtp" } }), "en");
    assert.equal(d.code, "PERMISSION_MISSING");
    assert.match(d.summary, /SMTP\.SendAsApp/);
  });
});

describe("network and TLS", () => {
  it("MAIL_SERVER_UNREACHABLE with the host and port in the test command", () => {
    const e = new XoauthError("MAIL_SERVER_UNREACHABLE", "Connection to 127.0.0.1:1 refused (nothing listens there).");
    const d = diagnose(run({ failAt: "connect", error: e, options: { host: "127.0.0.1", port: 1 } }), "en");
    assert.equal(d.code, "MAIL_SERVER_UNREACHABLE");
    assert.match(d.summary, /127\.0\.0\.1:1: Connection to 127\.0\.0\.1:1 refused/);
    assert.ok(d.fix[0]?.includes("nc -vz 127.0.0.1 1"));
  });

  it("a connection reset at connect is unreachable too", () => {
    const d = diagnose(run({ failAt: "connect", error: err("CONNECTION_CLOSED", "reset") }), "en");
    assert.equal(d.code, "MAIL_SERVER_UNREACHABLE");
  });

  it("TIMEOUT names the step that timed out", () => {
    const d = diagnose(run({ failAt: "greeting", error: err("TIMEOUT", "no greeting") }), "en");
    assert.equal(d.code, "TIMEOUT");
    assert.match(d.summary, /step: Greeting \+ capabilities/);
  });

  it("TLS_UNTRUSTED suggests --ca-file and the openssl check with -starttls for STARTTLS", () => {
    const e = err("TLS_UNTRUSTED", "self-signed");
    const d = diagnose(
      run({ failAt: "tls", error: e, options: { protocol: "smtp", tls: "starttls", port: 587 } }),
      "en",
    );
    assert.equal(d.code, "TLS_UNTRUSTED");
    assert.ok(d.fix.some((f) => f.includes("--ca-file")));
    assert.ok(d.fix.some((f) => f.includes("openssl s_client -connect outlook.office365.com:587 -starttls smtp")));
  });

  it("TLS_HOSTNAME_MISMATCH", () => {
    const d = diagnose(run({ failAt: "tls", error: err("TLS_HOSTNAME_MISMATCH", "altname") }), "en");
    assert.equal(d.code, "TLS_HOSTNAME_MISMATCH");
  });
});

describe("xoauth2-not-offered", () => {
  it("fires on the code from the capability step", () => {
    const d = diagnose(run({ failAt: "greeting", error: err("XOAUTH2_NOT_OFFERED", "SASL: PLAIN") }), "en");
    assert.equal(d.code, "XOAUTH2_NOT_OFFERED");
    assert.match(d.summary, /SASL: PLAIN/);
  });
});

describe("mailbox-access-denied", () => {
  const popReject = "-ERR Authentication failure: unknown user name or bad password.";

  it("with a right token says consent is fine and lists the Exchange-side causes with real ids", () => {
    const d = diagnose(run({ failAt: "auth", error: err("MAILBOX_ACCESS_DENIED", "refused", popReject) }), "en");
    assert.equal(d.code, "MAILBOX_ACCESS_DENIED");
    assert.match(d.summary, /admin consent is not the problem: the cause is on the Exchange side/);
    assert.match(d.causes[0] ?? "", /not registered in Exchange Online/);
    assert.match(d.causes[1] ?? "", new RegExp(`App Registration's object ID.*ObjectId ${OID}`));
    const text = all(d);
    assert.ok(text.includes(`New-ServicePrincipal -AppId ${APPID} -ObjectId ${OID}`));
    assert.ok(text.includes(`Add-MailboxPermission -Identity ${MAILBOX} -User ${OID} -AccessRights FullAccess`));
    assert.ok(text.includes(`Get-MailboxPermission -Identity ${MAILBOX} -User ${OID}`));
    assert.ok(text.includes(`Get-CASMailbox -Identity ${MAILBOX} | Format-List PrimarySmtpAddress,PopEnabled`));
    assert.ok(text.includes(`Set-CASMailbox -Identity ${MAILBOX} -PopEnabled $true`));
    assert.ok(text.includes("Get-ServicePrincipal"));
    assert.match(text, /30 minutes/);
  });

  it("uses ImapEnabled for IMAP and SendAs for SMTP", () => {
    const imap = diagnose(
      run({
        failAt: "auth",
        error: err("MAILBOX_ACCESS_DENIED", "x", "A1 NO AUTHENTICATE failed."),
        options: { protocol: "imap" },
      }),
      "en",
    );
    assert.ok(all(imap).includes(`Set-CASMailbox -Identity ${MAILBOX} -ImapEnabled $true`));
    const smtp = diagnose(
      run({
        failAt: "auth",
        error: err("MAILBOX_ACCESS_DENIED", "x", "535 5.7.3 Authentication unsuccessful"),
        options: { protocol: "smtp" },
      }),
      "en",
    );
    assert.ok(all(smtp).includes(`Add-RecipientPermission -Identity ${MAILBOX} -Trustee ${OID} -AccessRights SendAs`));
  });

  it("treats a plain server rejection at the auth step as access denied, without claims no token statement", () => {
    const d = diagnose(
      run({
        failAt: "auth",
        error: err("PROTOCOL_ERROR", "auth failed", "-ERR [AUTH] Authentication failed."),
        claims: null,
      }),
      "en",
    );
    assert.equal(d.code, "MAILBOX_ACCESS_DENIED");
    assert.doesNotMatch(d.summary, /Exchange side/);
  });
});

describe("mailbox-not-connected", () => {
  it("fires on the IMAP text even without a dedicated code", () => {
    const e = err("PROTOCOL_ERROR", "LIST failed", "A2 BAD User is authenticated but not connected.");
    const d = diagnose(run({ failAt: "mailbox", error: e, options: { protocol: "imap", port: 993 } }), "en");
    assert.equal(d.code, "MAILBOX_NOT_CONNECTED");
    assert.ok(all(d).includes(`Add-MailboxPermission -Identity ${MAILBOX} -User ${OID} -AccessRights FullAccess`));
  });
});

describe("smtp-auth-disabled", () => {
  const tenant = "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.";
  it("gives the tenant-wide and the per-mailbox fix", () => {
    const d = diagnose(
      run({ failAt: "auth", error: err("MAILBOX_ACCESS_DENIED", "x", tenant), options: { protocol: "smtp" } }),
      "en",
    );
    assert.equal(d.code, "SMTP_AUTH_DISABLED");
    const text = all(d);
    assert.ok(text.includes("Set-TransportConfig -SmtpClientAuthenticationDisabled $false"));
    assert.ok(text.includes(`Set-CASMailbox -Identity ${MAILBOX} -SmtpClientAuthenticationDisabled $false`));
  });
  it("puts the mailbox first when the server says the mailbox", () => {
    const e = err(
      "SMTP_AUTH_DISABLED",
      "x",
      "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox.",
    );
    const d = diagnose(run({ failAt: "auth", error: e, options: { protocol: "smtp" } }), "en");
    assert.equal(d.code, "SMTP_AUTH_DISABLED");
    assert.match(d.causes[0] ?? "", /disabled on the mailbox/);
  });
});

describe("send-as-denied", () => {
  it("fires on 5.7.60 at the send step", () => {
    const e = err(
      "PROTOCOL_ERROR",
      "send failed",
      "550 5.7.60 SMTP; Client does not have permissions to send as this sender",
    );
    const d = diagnose(run({ failAt: "send", error: e, options: { protocol: "smtp" } }), "en");
    assert.equal(d.code, "SEND_AS_DENIED");
    assert.ok(all(d).includes(`Add-RecipientPermission -Identity ${MAILBOX} -Trustee ${OID} -AccessRights SendAs`));
  });
  it("a recipient rejection at the send step is not SendAs", () => {
    const e = err("PROTOCOL_ERROR", "send failed", "550 5.1.10 Recipient not found");
    assert.equal(
      diagnose(run({ failAt: "send", error: e, options: { protocol: "smtp" } }), "en").code,
      "PROTOCOL_ERROR",
    );
  });
});

describe("other-error and protocol-error", () => {
  it("passes a typed code from another step through unchanged", () => {
    const d = diagnose(run({ failAt: "mailbox", error: err("SEND_AS_DENIED", "denied") }), "en");
    assert.equal(d.code, "SEND_AS_DENIED");
  });
  it("falls back to PROTOCOL_ERROR with the step name and the server's reply", () => {
    const d = diagnose(
      run({ failAt: "greeting", error: err("PROTOCOL_ERROR", "bad greeting", "HTTP/1.1 400 Bad Request") }),
      "en",
    );
    assert.equal(d.code, "PROTOCOL_ERROR");
    assert.match(d.summary, /step 'Greeting \+ capabilities': HTTP\/1\.1 400 Bad Request/);
  });
  it("a failed step without an error object still yields exactly one cause", () => {
    const d = diagnose(run({ failAt: "logout" }), "en");
    assert.equal(d.code, "PROTOCOL_ERROR");
  });
});

describe("German texts", () => {
  it("are used for lang de with the same values", () => {
    const d = diagnose(run({ failAt: "auth", error: err("MAILBOX_ACCESS_DENIED", "x", "-ERR x") }), "de");
    assert.equal(d.code, "MAILBOX_ACCESS_DENIED");
    assert.match(d.summary, /Der Mailserver hat die XOAUTH2-Anmeldung/);
    assert.match(d.summary, /Ursache liegt auf der Exchange-Seite/);
    assert.ok(all(d).includes(`New-ServicePrincipal -AppId ${APPID} -ObjectId ${OID}`));
  });
  it("every variant exists in both languages with the same placeholders", async () => {
    const en = (await import("../../src/i18n/en/diagnose.js")).variants;
    const de = (await import("../../src/i18n/de/diagnose.js")).variants;
    assert.deepEqual(Object.keys(de).sort(), Object.keys(en).sort());
    const ph = (t: { summary: string; causes: string[]; fix: string[] }) =>
      [...new Set([t.summary, ...t.causes, ...t.fix].join(" ").match(/\{\w+\}/g) ?? [])].sort();
    for (const k of Object.keys(en)) assert.deepEqual(ph(de[k]!), ph(en[k]!), k);
  });
});

describe("no unfilled placeholders", () => {
  it("a full run leaves no {name} or <name> for any rule", () => {
    const cases = [
      run({ failAt: "auth", error: err("MAILBOX_ACCESS_DENIED", "x", "-ERR x") }),
      run({ claims: claims({ roles: [] }) }),
      run({ failAt: "tls", error: err("TLS_UNTRUSTED", "x") }),
      run({ claims: claims({ aud: "https://graph.microsoft.com" }) }),
    ];
    for (const c of cases) {
      const text = all(diagnose(c, "en"));
      assert.doesNotMatch(text.replace(/<that ObjectId>|<your organization>|<\/dev\/null/g, ""), /\{\w+\}|<\w+>/);
    }
  });
});
