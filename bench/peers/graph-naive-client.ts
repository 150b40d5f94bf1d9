/**
 * Child process of the naive Graph peer (ARGS JSON env): what a ten-minute script does with node:https and a token.
 * List the inbox (`messages?$top=100&$select=id`, following `@odata.nextLink`), then download each message's `$value`
 * one at a time into its own file, fsync, close. One keep-alive connection, TLS verified against the given CA.
 */
import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from "node:fs";
import { Agent, request } from "node:https";
import { join } from "node:path";

interface Args {
  /** API root, e.g. https://127.0.0.1:PORT/v1.0 */
  graphUrl: string;
  ca: string;
  token: string;
  mailbox: string;
  dest: string;
}

const a = JSON.parse(process.env.ARGS ?? "{}") as Args;
const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: readFileSync(a.ca, "utf8") });

function get(url: string, onChunk: (b: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { authorization: `Bearer ${a.token}` } }, (res) => {
      if (res.statusCode !== 200) {
        let body = "";
        res.on("data", (c: Buffer) => {
          body += c.toString();
        });
        res.on("end", () => reject(new Error(`GET ${url}: ${res.statusCode} ${body.slice(0, 300)}`)));
        return;
      }
      res.on("data", onChunk);
      res.on("end", resolve);
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

async function getJson(url: string): Promise<{ value: { id: string }[]; "@odata.nextLink"?: string }> {
  const parts: Buffer[] = [];
  await get(url, (c) => parts.push(c));
  return JSON.parse(Buffer.concat(parts).toString("utf8"));
}

async function main(): Promise<void> {
  const user = `${a.graphUrl}/users/${encodeURIComponent(a.mailbox)}`;
  const ids: string[] = [];
  let next: string | undefined = `${user}/mailFolders/inbox/messages?$top=100&$select=id`;
  while (next) {
    const page = await getJson(next);
    for (const m of page.value) ids.push(m.id);
    next = page["@odata.nextLink"];
  }
  let bytes = 0;
  for (const [i, id] of ids.entries()) {
    const fd = openSync(join(a.dest, `${i + 1}.eml`), "w");
    try {
      await get(`${user}/messages/${encodeURIComponent(id)}/$value`, (c) => {
        writeSync(fd, c);
        bytes += c.length;
      });
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
  agent.destroy();
  process.stdout.write(`${JSON.stringify({ messages: ids.length, bytes })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exitCode = 1;
});
