/** Plain node:https requests to the Graph fake (not the Graph client): status, headers and the raw body. */
import { request } from "node:https";

export interface GraphResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The body as JSON (undefined when it is not JSON). */
  json: any;
}

export interface GraphRequestOptions {
  token?: string;
  headers?: Record<string, string>;
  body?: string | Buffer | object;
  contentType?: string;
}

/** One request to `url` (absolute, e.g. `${w.graphUrl}/users/x/mailFolders/inbox`), trusting `ca`. */
export function graphRequest(
  ca: string,
  method: string,
  url: string,
  o: GraphRequestOptions = {},
): Promise<GraphResponse> {
  const body =
    o.body === undefined
      ? undefined
      : Buffer.isBuffer(o.body) || typeof o.body === "string"
        ? Buffer.from(o.body)
        : Buffer.from(JSON.stringify(o.body));
  const headers: Record<string, string> = { ...o.headers };
  if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`;
  if (body) {
    headers["content-type"] ??=
      o.contentType ?? (typeof o.body === "object" && !Buffer.isBuffer(o.body) ? "application/json" : "text/plain");
    headers["content-length"] = String(body.length);
  }
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, ca, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", () => {
        const b = Buffer.concat(parts);
        let json: unknown;
        try {
          json = b.length ? JSON.parse(b.toString("utf8")) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: b, json });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** A URL path segment, encoded (Graph ids hold `=`, `-`, `_`). */
export const seg = (s: string): string => encodeURIComponent(s);
