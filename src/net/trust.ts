/**
 * The TLS trust of a connection made with extra CA certificates (`--ca-file`, a company CA, the sandbox's test CA).
 * Node's `ca` option replaces its bundled roots, so the roots go along (`tls.rootCertificates` + the extra ones).
 *
 * Built once per distinct CA list and shared: a context made from that list parses ~140 PEM certificates, which costs
 * about 30 ms of CPU and about 0.6 MB of OpenSSL (native) memory. Made per connection (what `tls.connect({ ca })`
 * does), that memory is freed only when V8 collects the context's small JS object, which a long-running daemon with
 * little JS garbage does rarely; the malloc heap it fragmented is not given back. `fetch --idle` with 30-second tokens
 * grew from 71 to 378 MB RSS in 6 minutes that way, with a flat 15 MB JS heap (bench/soak.ts, docs/operations.md).
 */
import tls from "node:tls";

/** Distinct CA lists kept (a run has one or two: the config's --ca-file, an account's own); the oldest goes first. */
const MAX_CONTEXTS = 8;

const contexts = new Map<string, tls.SecureContext>();

/**
 * A client SecureContext trusting Node's roots plus `ca` (undefined without extra CAs), the same object for the same
 * list. Verification stays with the caller's `rejectUnauthorized: true` and `checkServerIdentity`.
 */
export function trustedContext(ca: string | string[] | undefined): tls.SecureContext | undefined {
  const extra = ca === undefined ? [] : Array.isArray(ca) ? ca : [ca];
  if (extra.length === 0) return undefined;
  const key = extra.join("\0");
  let ctx = contexts.get(key);
  if (!ctx) {
    ctx = tls.createSecureContext({ ca: [...tls.rootCertificates, ...extra] });
    if (contexts.size >= MAX_CONTEXTS) contexts.delete(contexts.keys().next().value as string);
    contexts.set(key, ctx);
  }
  return ctx;
}
