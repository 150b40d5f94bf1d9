/** The machine and tool versions the numbers were measured on. */
import { execFileSync } from "node:child_process";
import { cpus, loadavg, release, totalmem } from "node:os";
import { fetchmailVersion } from "./peers/fetchmail.js";
import { getmailVersion } from "./peers/getmail.js";

function version(cmd: string, args: string[]): string {
  try {
    return (
      execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
        .trim()
        .split("\n")[0] ?? ""
    );
  } catch {
    return "not installed";
  }
}

export function machineLines(): string[] {
  const c = cpus();
  return [
    `- Date: ${new Date().toISOString()}`,
    `- CPU: ${c.length} x ${c[0]?.model.trim() ?? "unknown"}; memory ${(totalmem() / 2 ** 30).toFixed(1)} GiB; Linux ${release()}`,
    `- Load average at the end (1/5/15 min): ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" / ")} (other processes share these cores; ratios are more stable than seconds)`,
    `- Node ${process.version}; Dovecot ${version("dovecot", ["--version"])}; getmail6 ${getmailVersion()}; ` +
      `fetchmail ${fetchmailVersion()}; ${version("python3", ["--version"])}`,
  ];
}
