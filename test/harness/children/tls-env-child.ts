/**
 * Child process for test/net/tls-env.test.ts: runs every TLS client of the library once against the port it is given
 * and prints one JSON line per client with the error code it ended with ("OK" if it connected). The parent starts
 * this with NODE_TLS_REJECT_UNAUTHORIZED=0, so the library must verify certificates without help from the process.
 * Usage: node tls-env-child.js '{"ca": PEM, "proxy": URL, "targets": [{"client": NAME, "port": N}, ...]}'
 */
import { TokenHttpClient } from "../../../src/auth/http-client.js";
import { createTokenProvider } from "../../../src/auth/provider.js";
import { createGraphClient } from "../../../src/graph/client.js";
import "../../../src/i18n/catalogs.js";
import { ImapClient } from "../../../src/imap/client.js";
import { connect, upgradeToTls } from "../../../src/net/connect.js";
import { Pop3Client } from "../../../src/pop3/client.js";
import { smtpLoginCheck } from "../../../src/smtp/connection.js";
import { sendMail } from "../../../src/smtp/transport.js";

interface Spec {
  ca: string;
  proxy: string;
  targets: { client: string; port: number }[];
}

const SECRET_FORM = "grant_type=client_credentials&client_secret=very-secret-value";
const USER = "erp@contoso.example";
const TOKEN = "eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJodHRwczovL291dGxvb2sub2ZmaWNlMzY1LmNvbSJ9.c2lnbmF0dXJlLXZhbHVl";
const TIMEOUTS = { connectMs: 10_000, greetingMs: 10_000, commandMs: 10_000 };

type Client = (port: number, spec: Spec) => Promise<unknown>;

const host = "127.0.0.1";
const CLIENTS: Record<string, Client> = {
  "token-endpoint": (port, s) =>
    new TokenHttpClient({ ca: [s.ca], attempts: 1 }).sendPostRequestAsync(
      `https://${host}:${port}/t/oauth2/v2.0/token`,
      {
        body: SECRET_FORM,
      },
    ),
  "token-endpoint-via-proxy": (port, s) =>
    new TokenHttpClient({ ca: [s.ca], proxy: s.proxy, attempts: 1 }).sendPostRequestAsync(
      `https://${host}:${port}/t/oauth2/v2.0/token`,
      { body: SECRET_FORM },
    ),
  // What `token`, `test`, `fetch`, `send` and `proxy` use: msal over our network module.
  "token-provider": (port, s) =>
    createTokenProvider(
      {
        tenantId: "contoso.example",
        clientId: "00000000-0000-0000-0000-000000000001",
        credential: { kind: "secret", secret: "very-secret-value", source: "env" },
        authorityHost: `https://${host}:${port}`,
        scope: "https://outlook.office365.com/.default",
        ca: [s.ca],
        proxy: undefined,
        noProxy: undefined,
        noCache: true,
      },
      { http: { attempts: 1 } },
    ).getToken(),
  // The Graph client's keep-alive agent, direct and through the CONNECT proxy: a GET with the bearer token.
  "graph-client": (port, s) => graphList(port, s, undefined),
  "graph-client-via-proxy": (port, s) => graphList(port, s, s.proxy),
  "net-implicit": (port, s) => connect({ host, port, tls: "implicit", ca: [s.ca] }),
  "net-upgrade": async (port, s) =>
    upgradeToTls(await connect({ host, port, tls: "none" }), { host, port, ca: [s.ca] }),
  "pop3-stls": (port, s) => Pop3Client.connect({ host, port, tls: "starttls", ca: [s.ca] }),
  "imap-client-implicit": (port, s) =>
    ImapClient.connect({ host, port, tls: "implicit", ca: [s.ca], user: USER, token: TOKEN }),
  "imap-client-starttls": (port, s) =>
    ImapClient.connect({ host, port, tls: "starttls", ca: [s.ca], user: USER, token: TOKEN }),
  "smtp-implicit": (port, s) =>
    smtpLoginCheck({ host, port, tls: "implicit", ca: s.ca, user: USER, token: TOKEN, timeouts: TIMEOUTS }),
  "smtp-starttls": (port, s) =>
    smtpLoginCheck({ host, port, tls: "starttls", ca: s.ca, user: USER, token: TOKEN, timeouts: TIMEOUTS }),
  "smtp-send-starttls": (port, s) =>
    sendMail(
      { host, port, tls: "starttls", ca: s.ca, user: USER, token: TOKEN, timeouts: TIMEOUTS },
      { from: USER, to: [USER], subject: "s", text: "t" },
    ),
};

async function graphList(port: number, s: Spec, proxy: string | undefined): Promise<unknown> {
  const g = createGraphClient({
    baseUrl: `https://${host}:${port}/v1.0`,
    mailbox: USER,
    tokenProvider: {
      getToken: async () => ({ token: TOKEN, expiresOn: new Date(Date.now() + 3_600_000), fromCache: true }),
    },
    ca: [s.ca],
    proxy,
    timeoutMs: 10_000,
  });
  try {
    return await g.listMessages("inbox", 1);
  } finally {
    g.close();
  }
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? "{}") as Spec;
  for (const { client, port } of spec.targets) {
    const run = CLIENTS[client];
    let code = "OK";
    try {
      if (!run) throw Object.assign(new Error(`unknown client ${client}`), { code: "UNKNOWN_CLIENT" });
      const r = (await run(port, spec)) as { destroy?: () => void; close?: () => void } | undefined;
      r?.destroy?.();
      r?.close?.();
    } catch (e) {
      code = String((e as { code?: unknown }).code ?? (e as Error).message);
    }
    process.stdout.write(`${JSON.stringify({ client, port, code })}\n`);
  }
  process.exit(0);
}

if (process.argv[1]?.endsWith("tls-env-child.js")) void main();
