/**
 * `test` against servers whose certificate must be refused, for every protocol and TLS mode: the diagnosis is
 * TLS_HOSTNAME_MISMATCH or TLS_UNTRUSTED with what is wrong with the certificate, the failed step is `tls` (or
 * the implicit TLS handshake after `connect`), and no step that passed claims TLS or a trusted certificate.
 * Regression: IMAP + STARTTLS reported "certificate trusted" and PROTOCOL_ERROR "does not offer STARTTLS".
 */
import assert from "node:assert/strict";
import type { Server } from "node:net";
import { after, describe, test } from "node:test";
import { runMailTest } from "../../src/diagnose/test-run.js";
import { createTestPki } from "../../src/sandbox/pki.js";
import { claims, MAILBOX } from "../harness/diagnose-fixtures.js";
import { badCert, CERT_FAULTS, type CertFault, type MailProto, scriptedTlsServer } from "../harness/servers/bad-tls.js";

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
const exp = Math.floor(Date.now() / 1000) + 3600;
const JWT = `${b64({ alg: "none", typ: "JWT" })}.${b64({ ...claims(), exp })}.c2ln`;

/** What the failure must say about the certificate. */
const EXPECT: Record<CertFault, { code: string; detail: RegExp }> = {
  "wrong-name": {
    code: "TLS_HOSTNAME_MISMATCH",
    detail: /mail\.other\.example.*127\.0\.0\.1|127\.0\.0\.1.*mail\.other\.example/,
  },
  expired: { code: "TLS_UNTRUSTED", detail: /expired/i },
  "self-signed": { code: "TLS_UNTRUSTED", detail: /self-signed/i },
  "unknown-ca": { code: "TLS_UNTRUSTED", detail: /does not trust/ },
};

const pki = createTestPki();
const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

function listen(s: Server): Promise<number> {
  servers.push(s);
  return new Promise((res) => s.listen(0, "127.0.0.1", () => res((s.address() as { port: number }).port)));
}

for (const protocol of ["pop3", "imap", "smtp"] as MailProto[]) {
  for (const tls of ["implicit", "starttls"] as const) {
    describe(`${protocol} ${tls}`, () => {
      for (const fault of CERT_FAULTS) {
        test(`${fault}: ${EXPECT[fault].code}, never "trusted"`, async () => {
          const port = await listen(scriptedTlsServer(protocol, tls === "implicit", badCert(pki, fault)));
          const r = await runMailTest({
            protocol,
            mailbox: MAILBOX,
            server: { host: "127.0.0.1", port, tls },
            cloud: "global",
            ca: [pki.ca.certPem],
            timeoutMs: 10_000,
            getToken: async () => ({ token: JWT, expiresOn: new Date(exp * 1000), fromCache: true }),
          });
          const shown = JSON.stringify({ steps: r.steps, diagnosis: r.diagnosis }, null, 2);
          assert.equal(r.diagnosis.code, EXPECT[fault].code, shown);
          const failed = r.steps.find((s) => !s.ok);
          assert.equal(failed?.id, "tls", shown);
          assert.match(failed?.detail ?? "", EXPECT[fault].detail, shown);
          assert.match(r.diagnosis.summary, EXPECT[fault].detail, shown);
          assert.ok(!r.steps.some((s) => s.ok && /trusted|incl\. TLS/i.test(s.detail)), shown);
          if (fault === "expired") assert.match(r.diagnosis.causes[0] ?? "", /expired/, shown);
        });
      }
    });
  }
}
