/**
 * The TLS trust of a connection made with extra CA certificates (`--ca-file`, a company CA, the sandbox's test CA):
 * Node's default store (its bundled roots, plus NODE_EXTRA_CA_CERTS) and the extra ones.
 *
 * Node's `ca` option would replace the default store, and handing it `tls.rootCertificates` + the extra ones makes
 * OpenSSL parse ~140 PEM certificates again: 40-45 ms of every run's start here, against 19-20 ms for a default
 * context. So the context is a default one (the root store Node builds once per process) and the extra certificates
 * are added to it with the native context's addCACert, the call Node's own createSecureContext makes for each `ca`
 * entry. Node copies the shared root store before the first addition, so no other context sees them; its copy holds
 * the bundled roots only, so NODE_EXTRA_CA_CERTS goes in again (test/net/trust.test.ts shows both). A Node without
 * that call gets the roots + NODE_EXTRA_CA_CERTS + extra list.
 *
 * Built once per distinct CA list and shared: a context costs about 0.6 MB of OpenSSL (native) memory. Made per connection (what `tls.connect({ ca })`
 * does), that memory is freed only when V8 collects the context's small JS object, which a long-running daemon with
 * little JS garbage does rarely; the malloc heap it fragmented is not given back. `fetch --idle` with 30-second tokens
 * grew from 71 to 378 MB RSS in 6 minutes that way, with a flat 15 MB JS heap (bench/soak.ts, docs/operations.md).
 */
import { readFileSync } from "node:fs";
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
    ctx = contextWith(extra);
    if (contexts.size >= MAX_CONTEXTS) contexts.delete(contexts.keys().next().value as string);
    contexts.set(key, ctx);
  }
  return ctx;
}

interface NativeContext {
  addCACert?: (pem: string) => void;
}

function contextWith(extra: string[]): tls.SecureContext {
  const ctx = tls.createSecureContext();
  const native = (ctx as tls.SecureContext & { context?: NativeContext }).context;
  if (typeof native?.addCACert === "function") {
    for (const pem of [...envExtraCerts(), ...extra]) native.addCACert(pem);
    return ctx;
  }
  return tls.createSecureContext({ ca: [...tls.rootCertificates, ...envExtraCerts(), ...extra] });
}

/** NODE_EXTRA_CA_CERTS, which Node puts in its shared default store only: best effort, as Node (it only warns). */
function envExtraCerts(): string[] {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (!file) return [];
  try {
    return [readFileSync(file, "utf8")];
  } catch {
    return [];
  }
}
