/**
 * NODE_TLS_REJECT_UNAUTHORIZED=0 must not switch off certificate checks anywhere: every TLS client of the library
 * (token endpoint direct and through a CONNECT proxy, msal's provider, the Graph client direct and proxied, POP3,
 * both IMAP clients, SMTP login and send;
 * implicit TLS and STARTTLS) runs in a child process with the variable set, against servers with a self-signed, an
 * expired and a wrong-name certificate. Each must fail with the right code and send nothing over that TLS.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { createTestPki } from "../../src/sandbox/pki.js";
import {
  BAD_CERTS,
  type BadCert,
  badCerts,
  connectProxy,
  EXPECTED_CODE,
  type Prelude,
  type RecordingServer,
  recordingTlsServer,
} from "../harness/servers/hostile-tls.js";

const CHILD = join(dirname(fileURLToPath(import.meta.url)), "..", "harness", "children", "tls-env-child.js");

/** Each client and the plaintext prelude its server needs before TLS. */
const CLIENTS: Record<string, Prelude> = {
  "token-endpoint": "implicit",
  "token-endpoint-via-proxy": "implicit",
  "token-provider": "implicit",
  "graph-client": "implicit",
  "graph-client-via-proxy": "implicit",
  "net-implicit": "implicit",
  "net-upgrade": "implicit",
  "pop3-stls": "pop3",
  "imap-client-implicit": "implicit",
  "imap-client-starttls": "imap",
  "smtp-implicit": "implicit",
  "smtp-starttls": "smtp",
  "smtp-send-starttls": "smtp",
};

let ca = "";
const servers = new Map<string, RecordingServer>();
let proxy: Awaited<ReturnType<typeof connectProxy>>;

before(async () => {
  const pki = createTestPki();
  ca = pki.ca.certPem;
  const certs = badCerts(pki);
  proxy = await connectProxy();
  for (const cert of BAD_CERTS)
    for (const kind of new Set(Object.values(CLIENTS)))
      servers.set(`${cert}/${kind}`, await recordingTlsServer(certs[cert], kind));
});

after(async () => {
  await Promise.all([...servers.values()].map((s) => s.close()));
  await proxy.close();
});

function runChild(spec: unknown): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, JSON.stringify(spec)], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C", NODE_TLS_REJECT_UNAUTHORIZED: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

for (const cert of BAD_CERTS) {
  test(`NODE_TLS_REJECT_UNAUTHORIZED=0: every TLS client refuses a ${cert} certificate and sends nothing`, async () => {
    const targets = Object.entries(CLIENTS).map(([client, kind]) => ({
      client,
      port: (servers.get(`${cert}/${kind}`) as RecordingServer).port,
    }));
    const r = await runChild({ ca, proxy: proxy.url, targets });
    assert.equal(r.code, 0, r.stderr);
    const results = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { client: string; code: string });
    assert.deepEqual(
      results.map((x) => x.client),
      Object.keys(CLIENTS),
    );
    for (const x of results) assert.equal(x.code, EXPECTED_CODE[cert as BadCert], x.client);
    for (const kind of new Set(Object.values(CLIENTS)))
      assert.equal(servers.get(`${cert}/${kind}`)?.received(), 0, `${kind} server received data over a ${cert} TLS`);
    assert.ok(proxy.tunnels() > 0, "the proxied request went through the CONNECT proxy");
  });
}
