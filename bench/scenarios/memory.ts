/** Section 4a: peak RSS (VmHWM of the CLI process itself) while fetching one 100 MB message, POP3 and IMAP. */
import { join } from "node:path";
import { type BenchEnv, dropDir } from "../env.js";
import { runXoauth } from "../peers/xoauth.js";
import { mustSucceed } from "../proc.js";

export interface MemoryResult {
  protocol: "pop3" | "imap";
  peakRssMb: number;
  ms: number;
}

export async function memoryScenario(
  env: BenchEnv,
  box: { mailbox: string; bytes: number },
  log: (s: string) => void,
): Promise<MemoryResult[]> {
  const out: MemoryResult[] = [];
  for (const protocol of ["pop3", "imap"] as const) {
    const port = protocol === "pop3" ? env.dc.ports.pop3s : env.dc.ports.imaps;
    const md = join(env.freshDir(`big-${protocol}`), "Maildir");
    const r = mustSucceed(
      `fetch of the big message (${protocol})`,
      await runXoauth(env, { host: "127.0.0.1", port, protocol, mailbox: box.mailbox }, md, { sampleRss: true }),
    );
    const s = JSON.parse(r.stdout) as { fetched: number; bytes: number };
    if (s.fetched !== 1) throw new Error(`big message: fetched ${s.fetched}`);
    dropDir(join(md, ".."));
    const peakRssMb = (r.peakRssKb ?? 0) / 1024;
    log(`memory: ${protocol} ${(box.bytes / 1_048_576).toFixed(0)} MB message, peak RSS ${peakRssMb.toFixed(1)} MB`);
    out.push({ protocol, peakRssMb, ms: r.ms });
  }
  return out;
}
