/** The options that point the built CLI at the sandbox world's identity fake and Graph fake, for one app. */
import type { GraphWorld } from "../harness/world.js";

export function graphWorldArgs(w: GraphWorld, tenantId: string, clientId: string, mailbox: string): string[] {
  return [
    "--graph-url",
    w.graphUrl,
    "--authority-host",
    w.identity.url,
    "--ca-file",
    w.caFile,
    "--tenant-id",
    tenantId,
    "--client-id",
    clientId,
    "--mailbox",
    mailbox,
  ];
}
