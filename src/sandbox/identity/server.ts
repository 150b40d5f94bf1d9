/** `IdentityFake`: an HTTPS server on 127.0.0.1 that answers like login.microsoftonline.com (reference 1, 2). */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { CloudName } from "../../auth/clouds.js";
import { REDACTED } from "../../log/redact.js";
import { createTestPki, DEFAULT_SERVER_HOSTS, type TestPki } from "../pki.js";
import { authorityHostOf, openIdConfiguration } from "./discovery.js";
import { aadError } from "./errors.js";
import { aadReply, forcedReply, headerValue, json, type Reply, safeDecode, send, text } from "./http-reply.js";
import { type FakeTenant, findApp, findTenant, isDnsName, isGuid } from "./model.js";
import { FakeScript, LoopDetector } from "./script.js";
import { defaultResources, type FakeResource, handleTokenRequest, MULTI_TENANT_SEGMENTS } from "./token-endpoint.js";
import { ACCESS_TOKEN_LIFETIME_SEC, type ClaimOverrides, issuerFor, TokenSigner } from "./tokens.js";

/** Largest request body the fake reads; more is answered with 413. */
export const MAX_BODY_BYTES = 64 * 1024;
const MAX_RECORDED = 10_000;
const SECRET_FIELDS = new Set(["client_secret", "client_assertion"]);

export interface IdentityFakeOptions {
  /** CA that issues the server certificate (a fresh one by default; see `caPem`). */
  pki?: TestPki;
  /** Directory served (default empty; `demo` passes `[defaultSandboxTenant()]`). Mutable at runtime. */
  tenants?: FakeTenant[];
  /** `aud` of tokens for `https://outlook.office365.com/.default` (default `https://outlook.office365.com`). */
  audience?: string;
  /** Which national cloud this fake plays (default global). */
  cloud?: CloudName;
  /** AADSTS50196 after more than `maxIdentical` identical token requests within `windowMs`. Off by default. */
  loopDetection?: { maxIdentical: number; windowMs: number };
  /** More resources by identifier (scope without `/.default`). */
  extraResources?: Record<string, FakeResource>;
  /**
   * Lifetime of issued access tokens in seconds (default 3599, like Entra). Short lifetimes (e.g. 30) exercise
   * re-login: the Exchange fake ends IMAP sessions when the token they logged in with expires.
   */
  tokenLifetimeSec?: number;
  host?: string;
  port?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Form fields; client_secret and client_assertion are replaced by `<redacted>`. */
  form: Record<string, string>;
  at: Date;
}

export class IdentityFake {
  readonly pki: TestPki;
  readonly tenants: FakeTenant[];
  readonly script = new FakeScript();
  readonly requests: RecordedRequest[] = [];
  tokenRequests = 0;
  /** Lifetime of the access tokens issued from now on, in seconds (see IdentityFakeOptions). */
  tokenLifetimeSec: number;
  readonly #opts: IdentityFakeOptions;
  readonly #signer: TokenSigner;
  readonly #resources: Map<string, FakeResource>;
  readonly #loop: LoopDetector;
  readonly #server: Server;
  #url = "";

  constructor(opts: IdentityFakeOptions = {}) {
    this.#opts = opts;
    this.pki = opts.pki ?? createTestPki({ commonName: "xoauth-mail identity fake CA" });
    this.tenants = opts.tenants ?? [];
    this.tokenLifetimeSec = opts.tokenLifetimeSec ?? ACCESS_TOKEN_LIFETIME_SEC;
    this.#signer = new TokenSigner(this.pki.issueClientCert("identity fake token signing"));
    this.#resources = defaultResources(opts.audience ?? "https://outlook.office365.com", opts.cloud);
    for (const [k, v] of Object.entries(opts.extraResources ?? {})) this.#resources.set(k.toLowerCase(), v);
    this.#loop = new LoopDetector(opts.loopDetection);
    const cert = this.pki.issueServerCert([...DEFAULT_SERVER_HOSTS]);
    this.#server = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => this.#handle(req, res));
    this.#server.requestTimeout = 30_000;
    this.#server.headersTimeout = 15_000;
  }

  /** PEM of the CA clients must trust. */
  get caPem(): string {
    return this.pki.ca.certPem;
  }

  /** Authority origin, e.g. `https://127.0.0.1:PORT` (valid after `start()`). */
  get url(): string {
    if (!this.#url) throw new Error("IdentityFake: call start() first");
    return this.#url;
  }

  get signingKey(): { kid: string; publicKeyPem: string } {
    return this.#signer.signingKey;
  }

  issuerFor(tenantId: string): string {
    return issuerFor(tenantId);
  }

  tokenEndpoint(tenant: string): string {
    return `${this.url}/${tenant}/oauth2/v2.0/token`;
  }

  /**
   * A token as the fake would issue it for the first app of the (first) tenant, with claim overrides. `resource:
   * "graph"`: as for `https://graph.microsoft.com/.default` (Graph `aud`, the app's Graph roles).
   */
  mintAccessToken(
    overrides: ClaimOverrides = {},
    opts: {
      tenantId?: string;
      clientId?: string;
      appidacr?: "1" | "2";
      lifetimeSec?: number;
      resource?: "exchange" | "graph";
    } = {},
  ): string {
    const tenant = opts.tenantId ? findTenant(this.tenants, opts.tenantId) : this.tenants[0];
    if (!tenant) throw new Error("IdentityFake.mintAccessToken: no such tenant");
    const app = opts.clientId ? findApp(tenant, opts.clientId) : tenant.apps[0];
    if (!app) throw new Error("IdentityFake.mintAccessToken: no such app");
    const claims = this.#signer.claimsFor({
      tenant,
      app,
      aud:
        opts.resource === "graph"
          ? (this.#resources.get("00000003-0000-0000-c000-000000000000")?.aud ?? "https://graph.microsoft.com")
          : (this.#opts.audience ?? "https://outlook.office365.com"),
      appidacr: opts.appidacr ?? "1",
      roles: opts.resource === "graph" ? (app.graphRoles ?? []) : app.grantedRoles,
      lifetimeSec: opts.lifetimeSec ?? this.tokenLifetimeSec,
    });
    return this.#signer.sign(claims, overrides);
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once("error", reject);
      const host = this.#opts.host ?? "127.0.0.1";
      this.#server.listen(this.#opts.port ?? 0, host, () => {
        this.#server.off("error", reject);
        const { port } = this.#server.address() as AddressInfo;
        this.#url = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
        resolve();
      });
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.#server.listening) return resolve();
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "https://fake.invalid");
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      this.#tooLarge(req, res);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let aborted = false;
    req.on("data", (c: Buffer) => {
      if (aborted) return;
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        aborted = true;
        chunks.length = 0;
        this.#tooLarge(req, res);
        return;
      }
      chunks.push(c);
    });
    req.on("error", () => res.destroy());
    req.on("end", () => {
      if (aborted) return;
      try {
        send(res, this.#route(req, url, Buffer.concat(chunks).toString("utf8")));
      } catch {
        send(res, text(500, "internal error"));
      }
    });
  }

  #tooLarge(req: IncomingMessage, res: ServerResponse): void {
    send(res, text(413, "Request Entity Too Large", { Connection: "close" }));
    req.resume();
  }

  #route(req: IncomingMessage, url: URL, body: string): Reply {
    const parts = url.pathname.split("/").filter((p) => p.length > 0);
    const segment = safeDecode(parts[0] ?? "");
    const rest = parts.slice(1).join("/");
    const isForm = (req.headers["content-type"] ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded");
    const form = new URLSearchParams(isForm ? body : "");
    this.#record(req.method ?? "", url.pathname, form);
    // msal sends client-request-id in the form body; other clients use the header or the query.
    const correlationId =
      headerValue(req.headers["client-request-id"]) ??
      headerValue(form.get("client-request-id") ?? undefined) ??
      headerValue(url.searchParams.get("client-request-id") ?? undefined);
    const ctx = { authority: this.url, correlationId, now: new Date() };
    const endpoint = rest === "oauth2/v2.0/token" ? "token" : "other";
    if (endpoint === "token" && req.method === "POST") this.tokenRequests++;
    const forced = this.script.take(endpoint);
    if (forced) return forcedReply(forced, ctx);

    if (rest === "oauth2/v2.0/token") {
      if (req.method !== "POST") return aadReply(aadError(900561, ctx, req.method ?? "GET"));
      const result = handleTokenRequest(segment, form, {
        tenants: this.tenants,
        cloud: this.#opts.cloud ?? "global",
        authority: this.url,
        authorityAliases: this.#aliases(),
        resources: this.#resources,
        signer: this.#signer,
        correlationId,
        isLoop: (key) => this.#loop.hit(key, Date.now()),
        now: ctx.now,
        lifetimeSec: this.tokenLifetimeSec,
      });
      return json(result.status, result.body, correlationId);
    }
    if (req.method !== "GET" || (rest !== "v2.0/.well-known/openid-configuration" && rest !== "discovery/v2.0/keys")) {
      return text(404, "Not Found");
    }
    const cloud = this.#opts.cloud ?? "global";
    const multi = MULTI_TENANT_SEGMENTS.includes(segment.toLowerCase());
    let tenantPath = "{tenantid}";
    let tenantCloud: CloudName = cloud;
    if (!multi) {
      if (!isGuid(segment) && !isDnsName(segment)) return aadReply(aadError(900023, ctx, segment));
      const tenant = findTenant(this.tenants, segment);
      if (!tenant) return aadReply(aadError(90002, ctx, segment));
      tenantPath = tenant.tenantId;
      tenantCloud = tenant.cloud ?? "global";
    }
    if (rest === "discovery/v2.0/keys") return json(200, this.#signer.jwks(this.#issuerV2(tenantPath)));
    // Like Entra, a tenant of another national cloud is described with that cloud's authority host.
    const origin = tenantCloud === cloud ? this.url : authorityHostOf(tenantCloud);
    const pathSegment = multi ? segment : tenantPath;
    return json(200, openIdConfiguration(origin, tenantPath, pathSegment, tenantCloud));
  }

  #issuerV2(tenantPath: string): string {
    return `${this.url}/${tenantPath}/v2.0`;
  }

  #aliases(): string[] {
    const port = new URL(this.url).port;
    return DEFAULT_SERVER_HOSTS.map((h) => `https://${h.includes(":") ? `[${h}]` : h}:${port}`);
  }

  #record(method: string, path: string, form: URLSearchParams): void {
    const out: Record<string, string> = {};
    for (const [k, v] of form) out[k] = SECRET_FIELDS.has(k) ? REDACTED : v;
    if (this.requests.length >= MAX_RECORDED) this.requests.shift();
    this.requests.push({ method, path, form: out, at: new Date() });
  }
}
