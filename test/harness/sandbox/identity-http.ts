/** Shared helpers for the identity fake tests: plain node:https requests trusting the fake's CA. */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { signJwt } from "../../../src/auth/jwt.js";
import type { IdentityFake } from "../../../src/sandbox/identity/index.js";
import type { ClientCert } from "../../../src/sandbox/pki.js";

export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export function httpRequest(
  fake: IdentityFake,
  method: string,
  path: string,
  opts: { form?: Record<string, string>; body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<HttpReply> {
  const body = opts.form ? new URLSearchParams(opts.form).toString() : opts.body;
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.form) headers["Content-Type"] = "application/x-www-form-urlencoded";
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`${fake.url}${path}`, { method, ca: fake.caPem, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

export function postToken(fake: IdentityFake, tenant: string, form: Record<string, string>): Promise<HttpReply> {
  return httpRequest(fake, "POST", `/${tenant}/oauth2/v2.0/token`, { form });
}

/** Asserts Microsoft's error JSON shape for one AADSTS code and returns the parsed body. */
export function assertAadError(reply: HttpReply, status: number, error: string, code: number): Record<string, unknown> {
  assert.equal(reply.status, status, reply.text);
  assert.match(String(reply.headers["content-type"]), /^application\/json/);
  const body = JSON.parse(reply.text) as Record<string, unknown>;
  assert.equal(body.error, error);
  assert.deepEqual(body.error_codes, [code]);
  const desc = String(body.error_description);
  assert.ok(desc.startsWith(`AADSTS${code}: `), desc);
  assert.match(
    desc,
    /\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/,
  );
  assert.match(String(body.timestamp), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  assert.match(String(body.trace_id), /^[0-9a-f-]{36}$/);
  assert.match(String(body.correlation_id), /^[0-9a-f-]{36}$/);
  assert.match(String(body.error_uri), new RegExp(`^https://127\\.0\\.0\\.1:\\d+/error\\?code=${code}$`));
  return body;
}

/** A certificate client assertion as Microsoft documents it (PS256 + x5t#S256 by default). */
export function makeAssertion(
  cert: ClientCert,
  opts: {
    clientId: string;
    aud: string;
    alg?: "PS256" | "RS256";
    nbf?: number;
    exp?: number;
    iss?: string;
    thumb?: "S256" | "SHA1";
  },
): string {
  const now = Math.floor(Date.now() / 1000);
  const alg = opts.alg ?? "PS256";
  const header = (opts.thumb ?? "S256") === "S256" ? { alg, "x5t#S256": cert.x5tS256 } : { alg, x5t: cert.x5t };
  return signJwt(
    header,
    {
      aud: opts.aud,
      iss: opts.iss ?? opts.clientId,
      sub: opts.clientId,
      jti: randomUUID(),
      nbf: opts.nbf ?? now,
      exp: opts.exp ?? now + 600,
    },
    cert.keyPem,
  );
}
