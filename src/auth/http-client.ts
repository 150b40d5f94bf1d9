/**
 * msal's INetworkModule on node:https: our CA list, HTTPS proxy (CONNECT) with NO_PROXY, timeouts and a body cap
 * from LIMITS, bounded retry of 429/5xx honouring Retry-After. Failures are typed with mapNetworkError and also kept
 * in a side channel (`lastError`, `lastResponse`) because msal wraps whatever its network module throws.
 */
import https from "node:https";
import { isIP } from "node:net";
import tls from "node:tls";
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from "@azure/msal-node";
import { XoauthError } from "../errors.js";
import { t } from "../i18n/index.js";
import { LIMITS } from "../limits.js";
import { mapNetworkError } from "../net/errors.js";
import { trustedContext } from "../net/trust.js";
import { bypassesProxy, connectTunnel } from "./proxy.js";

export interface HttpClientOptions {
  /** Extra CA PEMs, trusted in addition to the system roots. */
  ca?: string[] | undefined;
  proxy?: string | undefined;
  noProxy?: string | undefined;
  timeoutMs?: number;
  /** Attempts on 429/5xx (default LIMITS.retry.tokenAttempts) and the longest Retry-After honoured. */
  attempts?: number;
  maxRetryAfterMs?: number;
  /** Injected for tests; default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON, or undefined when the body was not JSON. */
  json: Record<string, unknown> | undefined;
}

function connectTimeout(timeoutMs: number): Error {
  return Object.assign(new Error(`timed out after ${timeoutMs} ms`), { code: "ETIMEDOUT" });
}

/** The connection worked and the request went out, but no (complete) answer came back in time. */
function noAnswerError(host: string, port: number, timeoutMs: number): XoauthError {
  const params = { host, port: String(port), seconds: Math.round(timeoutMs / 100) / 10 };
  return new XoauthError(
    "TIMEOUT",
    `No answer from ${host}:${port} within ${params.seconds} s after the token request was sent.`,
    { why: t("auth.noAnswer.why", params), fix: [t("auth.noAnswer.fix", params)], details: { params } },
  );
}

const sleepMs = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Retry-After in ms: delta-seconds or an HTTP date; undefined when absent or unparsable. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

export class TokenHttpClient implements INetworkModule {
  /** The typed network error of the last request, if it failed below HTTP. */
  lastError: XoauthError | undefined;
  /** The last HTTP response (after retries). */
  lastResponse: RawResponse | undefined;
  /** HTTP requests actually sent (retries included). */
  requestCount = 0;
  /** Node's roots plus the extra CAs, one context shared by every request (src/net/trust.ts). */
  private readonly ca: tls.SecureContext | undefined;

  constructor(private readonly opts: HttpClientOptions = {}) {
    this.ca = trustedContext(opts.ca);
  }

  /**
   * Certificate checks for the token endpoint, set explicitly: a connection that leaves `rejectUnauthorized` unset
   * skips them when NODE_TLS_REJECT_UNAUTHORIZED=0 is in the environment (Node docs, "Environment variables"), and
   * the POST carries the client secret or assertion.
   */
  private tlsOptions(servername: string | undefined): tls.ConnectionOptions {
    return {
      rejectUnauthorized: true,
      checkServerIdentity: tls.checkServerIdentity,
      ...(this.ca ? { secureContext: this.ca } : {}),
      ...(servername ? { servername } : {}),
    };
  }

  resetSideChannel(): void {
    this.lastError = undefined;
    this.lastResponse = undefined;
  }

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>("GET", url, options);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>("POST", url, options);
  }

  private async send<T>(method: string, url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    const attempts = this.opts.attempts ?? LIMITS.retry.tokenAttempts;
    const maxWait = this.opts.maxRetryAfterMs ?? LIMITS.retry.maxRetryAfterMs;
    const sleep = this.opts.sleep ?? sleepMs;
    for (let attempt = 1; ; attempt++) {
      let res: RawResponse;
      try {
        res = await this.once(method, url, options);
      } catch (e) {
        const target = new URL(url);
        const err = mapNetworkError(e, "token-endpoint", target.hostname, target.port || 443);
        this.lastError = err;
        throw err;
      }
      this.lastResponse = res;
      const retryable = res.status === 429 || res.status >= 500;
      if (!retryable || attempt >= attempts)
        return { status: res.status, headers: res.headers, body: (res.json ?? {}) as T };
      const wait = retryAfterMs(res.headers["retry-after"]) ?? 500 * 2 ** (attempt - 1);
      if (wait > maxWait) return { status: res.status, headers: res.headers, body: (res.json ?? {}) as T };
      await sleep(wait);
    }
  }

  private async once(method: string, url: string, options?: NetworkRequestOptions): Promise<RawResponse> {
    const target = new URL(url);
    if (target.protocol !== "https:")
      throw new XoauthError(
        "USAGE",
        `Refusing to send credentials over ${target.protocol} (${target.origin}); use https.`,
      );
    const host = target.hostname.replace(/^\[|\]$/g, "");
    const port = Number(target.port) || 443;
    const timeoutMs = this.opts.timeoutMs ?? LIMITS.timeouts.httpMs;
    const ac = new AbortController();
    /** Set once the request is on the wire: a timeout after that is a missing answer, not a blocked connection. */
    let sent = false;
    const timer = setTimeout(
      () => ac.abort(sent ? noAnswerError(host, port, timeoutMs) : connectTimeout(timeoutMs)),
      timeoutMs,
    );
    try {
      const useProxy = this.opts.proxy && !bypassesProxy(host, port, this.opts.noProxy);
      const tunnel = useProxy
        ? await connectTunnel(this.opts.proxy as string, host, port, this.ca, ac.signal)
        : undefined;
      this.requestCount++;
      return await new Promise<RawResponse>((resolve, reject) => {
        const onAbort = (): void => reject(ac.signal.reason);
        ac.signal.addEventListener("abort", onAbort, { once: true });
        const servername = isIP(host) ? undefined : host;
        const req = https.request(
          {
            method,
            host,
            port,
            path: `${target.pathname}${target.search}`,
            headers: {
              ...options?.headers,
              ...(options?.body ? { "content-length": String(Buffer.byteLength(options.body)) } : {}),
            },
            // With a tunnel, no agent so that `createConnection` is used; otherwise a fresh one (no pooling).
            ...(tunnel ? {} : { agent: false }),
            signal: ac.signal,
            ...this.tlsOptions(servername),
            ...(tunnel
              ? { createConnection: () => tls.connect({ socket: tunnel, host, ...this.tlsOptions(servername) }) }
              : {}),
          },
          (res) => {
            const chunks: Buffer[] = [];
            let size = 0;
            res.on("data", (c: Buffer) => {
              size += c.length;
              if (size > LIMITS.maxHttpBodyBytes) {
                req.destroy();
                reject(
                  new XoauthError(
                    "LIMIT_EXCEEDED",
                    `The token endpoint answered with more than ${LIMITS.maxHttpBodyBytes} bytes.`,
                  ),
                );
                return;
              }
              chunks.push(c);
            });
            res.on("error", reject);
            res.on("end", () => {
              const headers: Record<string, string> = {};
              for (const [k, v] of Object.entries(res.headers))
                if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
              let json: Record<string, unknown> | undefined;
              try {
                const v = JSON.parse(Buffer.concat(chunks).toString("utf8"));
                if (v && typeof v === "object" && !Array.isArray(v)) json = v as Record<string, unknown>;
              } catch {
                json = undefined;
              }
              resolve({ status: res.statusCode ?? 0, headers, json });
            });
          },
        );
        req.on("finish", () => {
          sent = true;
        });
        req.on("error", (e) => reject(ac.signal.aborted ? ac.signal.reason : e));
        req.end(options?.body);
      });
    } catch (e) {
      throw ac.signal.aborted && !(e instanceof XoauthError) ? ac.signal.reason : e;
    } finally {
      clearTimeout(timer);
    }
  }
}
