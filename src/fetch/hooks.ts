/**
 * Processing hooks run per delivered message, after it is durable and recorded, before it is deleted on the server:
 * `--exec CMD` (shell command; the file path in $1 and XOAUTH_MAIL_FILE) and `--attachments DIR`.
 * Messages whose hooks have not succeeded yet are kept in a small pending file so that a crash, or a failing
 * `--exec-required`, never lets a later run delete an unprocessed message: the next run re-runs their hooks first.
 * Hooks are therefore at-least-once (a crash right after a hook ran runs it again).
 */
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { XoauthError } from "../errors.js";
import { writeFileAtomic } from "../store/atomic.js";

const MAX_HOOK_OUTPUT = 4096;

export interface HookConfig {
  exec?: string | undefined;
  execRequired?: boolean | undefined;
  attachmentsDir?: string | undefined;
}

export interface HookResult {
  ok: boolean;
  detail: string;
}

/** Runs `cmd` through /bin/sh with the message path as $1; resolves with exit status and a bounded stderr tail. */
export function runExec(cmd: string, file: string): Promise<HookResult> {
  return new Promise((resolve) => {
    const child = spawn("/bin/sh", ["-c", cmd, "xoauth-mail-exec", file], {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, XOAUTH_MAIL_FILE: file },
    });
    let err = "";
    child.stderr.on("data", (c: Buffer) => {
      err = (err + c.toString("utf8")).slice(-MAX_HOOK_OUTPUT);
    });
    child.on("error", (e) => resolve({ ok: false, detail: `cannot start: ${e.message}` }));
    child.on("close", (code, signal) => {
      const tail = err.trim().split("\n").slice(-3).join(" | ");
      if (code === 0) resolve({ ok: true, detail: "exit 0" });
      else resolve({ ok: false, detail: `${signal ? `signal ${signal}` : `exit ${code}`}${tail ? `: ${tail}` : ""}` });
    });
  });
}

/** The hooks of one account plus the durable list of messages whose hooks are still owed. */
export class Hooks {
  private pending = new Map<string, string>();

  private constructor(
    readonly config: HookConfig,
    private readonly path: string,
  ) {}

  static async load(config: HookConfig, stateDir: string, accountHash: string): Promise<Hooks> {
    const h = new Hooks(config, join(stateDir, `hooks-${accountHash}.json`));
    if (!h.active) return h;
    try {
      const list = JSON.parse(await readFile(h.path, "utf8")) as unknown;
      if (Array.isArray(list)) {
        for (const e of list) {
          if (Array.isArray(e) && typeof e[0] === "string" && typeof e[1] === "string") h.pending.set(e[0], e[1]);
        }
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
        throw new XoauthError("STORE_ERROR", `Cannot read ${h.path}: ${(err as Error).message}`, { cause: err });
      }
    }
    return h;
  }

  get active(): boolean {
    return Boolean(this.config.exec || this.config.attachmentsDir);
  }

  /** Ids whose hooks are owed (not to be deleted on the server yet). */
  isPending(id: string | number): boolean {
    return this.pending.has(String(id));
  }

  pendingEntries(): [string, string][] {
    return [...this.pending];
  }

  /** Records that these delivered messages (id -> absolute file path) still need their hooks; durable. */
  async owe(items: [string | number, string][]): Promise<void> {
    if (!this.active || items.length === 0) return;
    for (const [id, file] of items) this.pending.set(String(id), file);
    await this.save();
  }

  /**
   * Runs the hooks for one message. Success (or failure without --exec-required) clears the debt.
   * Returns the results; `blocked` is true when --exec-required failed (do not delete, stop the run).
   */
  async run(id: string | number, file: string): Promise<{ results: HookResult[]; blocked: boolean }> {
    const results: HookResult[] = [];
    let blocked = false;
    if (this.config.attachmentsDir) {
      try {
        const { extractAttachments } = await import("../store/attachments.js"); // mailparser only with --attachments
        const r = await extractAttachments(file, this.config.attachmentsDir);
        results.push({ ok: true, detail: `attachments: ${r.attachments.length} -> ${basename(r.sidecarPath)}` });
      } catch (err) {
        results.push({ ok: false, detail: `attachments: ${(err as Error).message}` });
      }
    }
    if (this.config.exec) {
      const r = await runExec(this.config.exec, file);
      results.push(r);
      if (!r.ok && this.config.execRequired) blocked = true;
    }
    if (!blocked && this.pending.delete(String(id))) await this.save();
    return { results, blocked };
  }

  private async save(): Promise<void> {
    try {
      await writeFileAtomic(this.path, JSON.stringify([...this.pending]));
    } catch (err) {
      throw new XoauthError("STORE_ERROR", `Cannot write ${this.path}: ${(err as Error).message}`, { cause: err });
    }
  }
}
