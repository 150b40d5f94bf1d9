/**
 * Start-up timing shared by the `bundle` and `startup` sections: whole processes, each case warmed up once, then the
 * rounds interleaved (case A, B, C, A, B, C, ...) so that the machine's load moves every case alike; medians, min and
 * max, and the peak RSS (VmHWM) of the timed rounds. The environment is PATH, LANG and what the caller gives: no
 * NODE_EXTRA_CA_CERTS (set on this machine, absent on most), no NODE_OPTIONS.
 */
import { loadavg } from "node:os";
import { mustSucceed, run } from "./proc.js";
import { summarize, type Timing } from "./stats.js";

/** The row labels of each way to start the CLI. */
export const WHO = {
  cli: "`xoauth-mail` (bin/, runs the bundle)",
  bundle: "one-file bundle",
  modules: "CLI from dist/src modules (no bundle)",
} as const;

export interface StartupCase {
  id: string;
  label: string;
  /** Arguments of `node` (the script first). */
  args: string[];
  rounds: number;
  /** Environment of this case's runs on top of the caller's. */
  env?: Record<string, string>;
  /** Checks a run's output (e.g. that the token came from the cache); throws to fail the bench. */
  check?: (stdout: string) => void;
}

export interface StartupRow {
  id: string;
  label: string;
  timing: Timing;
  /** Median peak RSS of the timed rounds, KiB (undefined when /proc is not there). */
  rssKb?: number;
}

export async function timeStartup(
  cases: StartupCase[],
  opts: { env: Record<string, string>; cwd: string },
): Promise<StartupRow[]> {
  const ms = new Map<string, number[]>(cases.map((c) => [c.id, []]));
  const rss = new Map<string, number[]>(cases.map((c) => [c.id, []]));
  const optsOf = (c: StartupCase) => (c.env ? { ...opts, env: { ...opts.env, ...c.env } } : opts);
  for (const c of cases) mustSucceed(`${c.label} (warm-up)`, await run(process.execPath, c.args, optsOf(c)));
  const most = Math.max(...cases.map((c) => c.rounds));
  for (let i = 0; i < most; i++) {
    for (const c of cases) {
      if (i >= c.rounds) continue;
      const r = mustSucceed(c.label, await run(process.execPath, c.args, { ...optsOf(c), sampleRss: true }));
      c.check?.(r.stdout);
      ms.get(c.id)?.push(r.ms);
      if (r.peakRssKb !== undefined) rss.get(c.id)?.push(r.peakRssKb);
    }
  }
  return cases.map((c) => {
    const peaks = rss.get(c.id) ?? [];
    return {
      id: c.id,
      label: c.label,
      timing: summarize(ms.get(c.id) ?? []),
      ...(peaks.length ? { rssKb: summarize(peaks).median } : {}),
    };
  });
}

/** Node's version and the load average at the end: start-up ratios move with the machine's load. */
export function machineNote(): string {
  return `Node ${process.version}, load average ${loadavg()[0]?.toFixed(2)} (1 min) at the end, ${new Date().toISOString().slice(0, 16)}Z`;
}
