/** Child process of the bare peer (ARGS JSON env): download every message with pipelined RETR, discard the bytes. */
import { readFileSync } from "node:fs";
import { Pop3Client } from "../../src/pop3/client.js";

interface Args {
  host: string;
  port: number;
  tls: boolean;
  ca: string;
  user: string;
  password: string;
}

async function main(): Promise<void> {
  const a = JSON.parse(process.env.ARGS ?? "{}") as Args;
  const client = await Pop3Client.connect({
    host: a.host,
    port: a.port,
    tls: a.tls ? "implicit" : "none",
    ca: [readFileSync(a.ca, "utf8")],
  });
  await client.authenticatePlain(a.user, a.password);
  const st = await client.stat();
  const ns = Array.from({ length: st.count }, (_, i) => i + 1);
  let bytes = 0;
  for await (const { stream } of client.retrMany(ns)) {
    for await (const chunk of stream) bytes += (chunk as Buffer).length;
  }
  await client.quit();
  client.close();
  process.stdout.write(`${JSON.stringify({ messages: st.count, bytes })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exitCode = 1;
});
