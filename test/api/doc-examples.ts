/**
 * For test/api/docs-examples.test.ts: the code examples of docs/api.md (and README.md's library example), each marked
 * `<!-- example: NAME -->` above its block, read from the page and run as an integrator would run them: as an ES
 * module in a project of its own that has `xoauth-mail` (this checkout, built) and nodemailer in node_modules, in a
 * child process with AZURE_CLIENT_ID / AZURE_CLIENT_SECRET set and the sandbox's CA in NODE_EXTRA_CA_CERTS. The test
 * changes only what must change (the identity platform's and the mail servers' addresses) with `fill`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../harness/cli.js";
import { fill } from "../harness/clients.js";

export { fill };

/** The marked example blocks of a page, by name. */
export function examples(file: string): Map<string, string> {
  const page = readFileSync(join(REPO_ROOT, file), "utf8");
  return new Map(
    [...page.matchAll(/<!-- example: ([a-z0-9-]+) -->\n```js\n([\s\S]*?)```\n/g)].map((m) => [m[1] ?? "", m[2] ?? ""]),
  );
}

/** The named block of a page; a missing one is an error. */
export function example(name: string, file = "docs/api.md"): string {
  const code = examples(file).get(name);
  if (code === undefined) throw new Error(`${file} has no example block "${name}"`);
  return code;
}

/** Every name imported with `import { ... } from "<spec>"` in the page's js blocks (`type` imports left out). */
export function importedNames(file: string, spec: string): string[] {
  const page = readFileSync(join(REPO_ROOT, file), "utf8");
  const blocks = [...page.matchAll(/```js\n([\s\S]*?)```\n/g)].map((m) => m[1] ?? "");
  const names = new Set<string>();
  for (const b of blocks) {
    for (const m of b.matchAll(/import\s*\{([^}]*)\}\s*from\s*["']([^"']+)["']/g)) {
      if (m[2] !== spec) continue;
      for (const n of (m[1] ?? "").split(",").map((x) => x.trim())) {
        if (n && !n.startsWith("type ")) names.add(n.split(/\s+as\s+/)[0] as string);
      }
    }
  }
  return [...names].sort();
}

/** A consumer project in a temporary directory: node_modules/xoauth-mail is this checkout. */
export class ExampleProject {
  readonly dir = mkdtempSync(join(tmpdir(), "xoauth-examples-"));
  #n = 0;

  constructor(readonly env: Record<string, string>) {
    mkdirSync(join(this.dir, "node_modules"));
    writeFileSync(
      join(this.dir, "package.json"),
      JSON.stringify({ name: "integrator", private: true, type: "module" }),
    );
    symlinkSync(REPO_ROOT, join(this.dir, "node_modules/xoauth-mail"), "dir");
    symlinkSync(join(REPO_ROOT, "node_modules/nodemailer"), join(this.dir, "node_modules/nodemailer"), "dir");
  }

  /** Starts `code` as a module (`node file.mjs`); `env` adds to or overrides the project's environment. */
  start(code: string, env: Record<string, string> = {}): ChildProcess & { output: Promise<RunResult> } {
    const file = join(this.dir, `example-${++this.#n}.mjs`);
    writeFileSync(file, code);
    const child = spawn(process.execPath, [file], {
      cwd: this.dir,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C", ...this.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const output = new Promise<RunResult>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
    return Object.assign(child, { output });
  }

  /** Runs `code` to its end. */
  run(code: string, env: Record<string, string> = {}): Promise<RunResult> {
    return this.start(code, env).output;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}
