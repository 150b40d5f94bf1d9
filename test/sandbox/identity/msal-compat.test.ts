/** Cross-check: Microsoft's own msal-node accepts the fake's discovery documents and token responses. */
import assert from "node:assert/strict";
import { request as httpsRequest } from "node:https";
import { after, before, test } from "node:test";
import {
  ConfidentialClientApplication,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
} from "@azure/msal-node";
import { decodeJwt } from "../../../src/auth/jwt.js";
import { defaultSandboxTenant, IdentityFake } from "../../../src/sandbox/identity/index.js";
import { createTestPki } from "../../../src/sandbox/pki.js";

const pki = createTestPki();
const cert = pki.issueClientCert("msal app cert");
const tenant = defaultSandboxTenant();
const app = tenant.apps[0];
app?.certificates.push({ certPem: cert.certPem });
const fake = new IdentityFake({ pki, tenants: [tenant] });

before(() => fake.start());
after(() => fake.stop());

/** msal's INetworkModule over node:https, trusting only the fake's CA. */
class CaNetwork implements INetworkModule {
  readonly calls: string[] = [];
  constructor(private readonly ca: string) {}
  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>("GET", url, options);
  }
  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>("POST", url, options);
  }
  private send<T>(method: string, url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    this.calls.push(`${method} ${new URL(url).pathname}`);
    return new Promise((resolve, reject) => {
      const req = httpsRequest(url, { method, ca: this.ca, headers: options?.headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = String(v);
          resolve({
            status: res.statusCode ?? 0,
            headers,
            body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as T,
          });
        });
      });
      req.on("error", reject);
      req.end(options?.body);
    });
  }
}

async function msalAuth(): Promise<{
  authority: string;
  knownAuthorities: string[];
  authorityMetadata: string;
  cloudDiscoveryMetadata: string;
}> {
  const host = new URL(fake.url).host;
  const authority = `${fake.url}/${tenant.tenantId}`;
  const metadata = await new Promise<string>((resolve, reject) => {
    httpsRequest(`${authority}/v2.0/.well-known/openid-configuration`, { ca: fake.caPem }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    })
      .on("error", reject)
      .end();
  });
  const cloudDiscoveryMetadata = JSON.stringify({
    tenant_discovery_endpoint: `${authority}/v2.0/.well-known/openid-configuration`,
    "api-version": "1.1",
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  });
  return { authority, knownAuthorities: [host], authorityMetadata: metadata, cloudDiscoveryMetadata };
}

test("msal-node acquireTokenByClientCredential succeeds against the fake with a secret", async () => {
  assert.ok(app);
  const network = new CaNetwork(fake.caPem);
  const cca = new ConfidentialClientApplication({
    auth: { clientId: app.clientId, clientSecret: app.secrets[0]?.value ?? "", ...(await msalAuth()) },
    system: { networkClient: network },
  });
  const before = fake.requests.length;
  const result = await cca.acquireTokenByClientCredential({ scopes: ["https://outlook.office365.com/.default"] });
  assert.ok(result);
  assert.deepEqual(network.calls, [`POST /${tenant.tenantId}/oauth2/v2.0/token`]);
  const sent = fake.requests.slice(before);
  assert.equal(sent.length, 1);
  assert.equal(sent[0]?.form.grant_type, "client_credentials");
  assert.equal(sent[0]?.form.scope, "https://outlook.office365.com/.default");
  assert.equal(result.tokenType, "Bearer");
  const { claims } = decodeJwt(result.accessToken);
  assert.equal(claims.oid, app.servicePrincipalObjectId);
  assert.deepEqual(claims.roles, ["POP.AccessAsApp", "IMAP.AccessAsApp", "SMTP.SendAsApp"]);
  assert.ok(result.expiresOn && result.expiresOn.getTime() > Date.now() + 3_000_000);

  // A second call is served from msal's cache: no new request reaches the fake.
  await cca.acquireTokenByClientCredential({ scopes: ["https://outlook.office365.com/.default"] });
  assert.equal(fake.requests.length, before + 1);
});

test("msal-node's certificate assertion (PS256, x5t#S256) is accepted", async () => {
  assert.ok(app);
  const cca = new ConfidentialClientApplication({
    auth: {
      clientId: app.clientId,
      clientCertificate: {
        thumbprintSha256: Buffer.from(cert.x5tS256, "base64url").toString("hex"),
        privateKey: cert.keyPem,
      },
      ...(await msalAuth()),
    },
    system: { networkClient: new CaNetwork(fake.caPem) },
  });
  const result = await cca.acquireTokenByClientCredential({ scopes: ["https://outlook.office365.com/.default"] });
  assert.ok(result);
  assert.equal(decodeJwt(result.accessToken).claims.appidacr, "2");
});

test("msal-node surfaces the fake's AADSTS error as a ServerError with the code", async () => {
  assert.ok(app);
  const cca = new ConfidentialClientApplication({
    auth: { clientId: app.clientId, clientSecret: app.secrets[0]?.id ?? "", ...(await msalAuth()) },
    system: { networkClient: new CaNetwork(fake.caPem) },
  });
  await assert.rejects(
    cca.acquireTokenByClientCredential({ scopes: ["https://outlook.office365.com/.default"] }),
    (e: unknown) => {
      const err = e as {
        name: string;
        errorCode: string;
        errorMessage: string;
        errorNo: string;
        correlationId: string;
      };
      assert.equal(err.name, "ServerError");
      assert.equal(err.errorCode, "invalid_client");
      assert.match(err.errorMessage, /AADSTS7000215/);
      assert.equal(String(err.errorNo), "7000215"); // a number at runtime despite its string type
      assert.ok(
        err.errorMessage.includes(`Correlation ID: ${err.correlationId}`),
        "msal's client-request-id is echoed",
      );
      return true;
    },
  );
});
