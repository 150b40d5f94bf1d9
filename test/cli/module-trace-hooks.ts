/** The resolve hook of module-trace.ts: runs in Node's hooks thread and appends each resolved URL to the trace file. */
import { appendFileSync } from "node:fs";

interface Resolved {
  url: string;
}

export async function resolve(
  specifier: string,
  context: unknown,
  nextResolve: (specifier: string, context: unknown) => Promise<Resolved>,
): Promise<Resolved> {
  const r = await nextResolve(specifier, context);
  const out = process.env.XOAUTH_MAIL_MODULE_TRACE;
  if (out) appendFileSync(out, `${r.url}\n`);
  return r;
}
