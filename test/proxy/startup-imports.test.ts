/**
 * What `xoauth-mail proxy` loads at start (issue #14, item 4: fresh RSS): the static import closure of what the proxy
 * command runs (src/cli/run/proxy.ts, compiled) must not hold code a running proxy does not need before its first
 * message: no MIME parser (mailparser), no Graph send path or Maildir store (loaded with the first message of an
 * `upstream: graph` listener), no prompts, no sandbox. `import()` inside a function is lazy and not followed.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const DIST_SRC = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src");

/** Every module reachable through static `import ... from` / `export ... from` / `import "x"` from `entry`. */
function staticClosure(entry: string): Set<string> {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  for (let f = queue.shift(); f !== undefined; f = queue.shift()) {
    if (f.startsWith("pkg:")) continue;
    const src = readFileSync(f, "utf8");
    for (const m of src.matchAll(/^(?:import|export)\s(?:[^;"']*?\sfrom\s)?["']([^"']+)["']/gm)) {
      const spec = m[1] as string;
      const dep = spec.startsWith(".") ? resolve(dirname(f), spec) : `pkg:${spec}`;
      if (!seen.has(dep)) {
        seen.add(dep);
        queue.push(dep);
      }
    }
  }
  return seen;
}

describe("proxy start-up imports", () => {
  const closure = [...staticClosure(join(DIST_SRC, "cli", "run", "proxy.js"))].map((p) =>
    p.startsWith("pkg:") ? p : p.slice(DIST_SRC.length + 1),
  );

  it("the closure is found (it holds the proxy server and its upstream logins)", () => {
    assert.ok(closure.includes(join("proxy", "server.js")), closure.join(" "));
    assert.ok(closure.includes(join("proxy", "upstream", "graph.js")), closure.join(" "));
  });

  it("holds no MIME parser, Graph send path, Maildir store, prompts or sandbox", () => {
    const unwanted = closure.filter(
      (p) =>
        /^pkg:(mailparser|@inquirer\/|@azure\/msal)/.test(p) ||
        p.startsWith(join("send", "")) ||
        p === join("store", "maildir.js") ||
        p.startsWith(join("sandbox", "")),
    );
    assert.deepEqual(unwanted, []);
  });
});
