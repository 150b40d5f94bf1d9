/** The one-at-a-time Graph client (bench/peers/graph-naive-client.ts) as a peer: the same kind of app-only Graph token. */
import { dropDir } from "../env.js";
import { GRAPH_NAIVE_CLIENT } from "../paths.js";
import { mustSucceed, run } from "../proc.js";
import { countFiles } from "./store-count.js";
import { assertCount, type Peer } from "./types.js";

export function graphNaivePeer(): Peer {
  const name = "naive Graph client (one message at a time)";
  return {
    id: "graph-naive",
    label: name,
    protocol: "graph",
    note: "node:https, one keep-alive connection, the app's Graph token (minted once, not timed): `mailFolders/inbox/messages?$top=100&$select=id` following `@odata.nextLink`, then one `GET messages/{id}/$value` at a time, one file each with fsync",
    async run(env, t) {
      if (!t.graphUrl) throw new Error(`${name}: no graphUrl`);
      const dest = env.freshDir("graph-naive");
      const args = {
        graphUrl: t.graphUrl,
        ca: env.caFile,
        token: env.fake.mintAccessToken({}, { resource: "graph" }),
        mailbox: t.mailbox,
        dest,
      };
      const r = mustSucceed(
        name,
        await run(process.execPath, [GRAPH_NAIVE_CLIENT], { env: { ARGS: JSON.stringify(args) } }),
      );
      const out = JSON.parse(r.stdout) as { messages: number; bytes: number };
      assertCount(name, out.messages, t.messages);
      assertCount(name, countFiles(dest), t.messages);
      if (t.bytes !== undefined && out.bytes !== t.bytes)
        throw new Error(`${name}: wrote ${out.bytes} bytes, expected ${t.bytes}`);
      dropDir(dest);
      return r.ms;
    },
  };
}
