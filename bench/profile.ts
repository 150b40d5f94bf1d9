/** `--profile`: one xoauth-mail fetch per protocol under `node --cpu-prof`; prints the top frames by self time. */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchEnv } from "./env.js";
import { dropDir } from "./env.js";
import type { Target } from "./peers/types.js";
import { runXoauth } from "./peers/xoauth.js";

interface CpuNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: CpuNode[];
  samples: number[];
  timeDeltas: number[];
}

function frameName(cf: CpuNode["callFrame"] | undefined): string {
  if (!cf) return "?";
  const file = cf.url ? cf.url.replace(/^.*\/(node_modules|dist)\//, "$1/").replace(/^file:\/\//, "") : "";
  return `${cf.functionName || "(anonymous)"}${file ? ` ${file}:${cf.lineNumber + 1}` : ""}`;
}

/** Self time per function (ms) with its nearest caller in our own code (dist/), highest first. */
export function topFrames(profile: CpuProfile, n = 14): { frame: string; ms: number; pct: number }[] {
  const byId = new Map(profile.nodes.map((nd) => [nd.id, nd]));
  const parent = new Map<number, number>();
  for (const nd of profile.nodes) for (const c of nd.children ?? []) parent.set(c, nd.id);
  const ownCaller = (id: number): string => {
    for (let p = parent.get(id); p !== undefined; p = parent.get(p)) {
      const cf = byId.get(p)?.callFrame;
      if (cf?.url.includes("/dist/src/")) return ` <- ${frameName(cf)}`;
    }
    return "";
  };
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    const cf = byId.get(id)?.callFrame;
    const key = `${frameName(cf)}${cf?.url.includes("/dist/src/") ? "" : ownCaller(id)}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([frame, ms]) => ({ frame, ms, pct: (100 * ms) / total }));
}

export async function profileFetch(env: BenchEnv, t: Target, log: (s: string) => void): Promise<string> {
  const dir = mkdtempSync(join(env.dir, `prof-${t.protocol}-`));
  const md = join(dir, "Maildir");
  const r = await runXoauth(env, t, md, { nodeArgs: ["--cpu-prof", "--cpu-prof-dir", dir] });
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (r.code !== 0 || !file) throw new Error(`profiled fetch failed: ${r.stderr}`);
  const top = topFrames(JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile);
  dropDir(dir);
  const lines = [`CPU profile, xoauth-mail fetch ${t.protocol.toUpperCase()} (${(r.ms / 1000).toFixed(2)} s wall):`];
  for (const f of top) lines.push(`  ${f.ms.toFixed(0).padStart(6)} ms ${f.pct.toFixed(1).padStart(5)}%  ${f.frame}`);
  const text = lines.join("\n");
  log(text);
  return text;
}
