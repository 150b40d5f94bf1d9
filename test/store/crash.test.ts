import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { Maildir } from "../../src/store/maildir.js";
import { hashOfFileName, keyHash } from "../../src/store/names.js";
import { StateStore } from "../../src/store/state.js";
import { ACCOUNT, body } from "../harness/children/deliver-child.js";
import { tempDir } from "../harness/store-fs.js";

const CHILD = fileURLToPath(new URL("../harness/children/deliver-child.js", import.meta.url));
const N = 120;

/** Runs the child; kills it with SIGKILL `killAfterMs` after it is ready, unless it finishes first. Resolves true if it finished. */
function runChild(dir: string, killAfterMs: number | undefined): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dir, String(N)], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c) => {
      stderr += c;
    });
    let timer: NodeJS.Timeout | undefined;
    child.stdout.once("data", () => {
      if (killAfterMs !== undefined) timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (signal === "SIGKILL") resolve(false);
      else if (code === 0) resolve(true);
      else reject(new Error(`child exited ${code}: ${stderr}`));
    });
  });
}

test("SIGKILL at random points while delivering: after recovery no message is lost, duplicated or partial", async (t) => {
  const dir = await tempDir(t);
  let kills = 0;
  for (let i = 0; i < 12; i++) {
    if (await runChild(dir, Math.floor(Math.random() * 40))) break;
    kills++;
  }
  const before = (await readdir(join(dir, "new"))).length;
  t.diagnostic(`child SIGKILLed ${kills} times; ${before} of ${N} delivered before the last run`);
  assert.equal(await runChild(dir, undefined), true);

  const files = await readdir(join(dir, "new"));
  const byHash = new Map(files.map((f) => [hashOfFileName(f), f]));
  assert.equal(byHash.size, files.length, "one file per message key (no duplicates)");
  assert.equal(files.length, N, `exactly ${N} messages (after ${kills} kills)`);
  for (let id = 1; id <= N; id++) {
    const name = byHash.get(keyHash({ ...ACCOUNT, id: `UIDL-${id}` }));
    assert.ok(name, `message ${id} present`);
    assert.deepEqual(await readFile(join(dir, "new", name)), body(id), `message ${id} complete and byte-exact`);
  }
  const state = await StateStore.load(ACCOUNT, { maildir: dir });
  await state.recover(await Maildir.open(dir));
  assert.equal(state.deliveredCount, N);
  assert.deepEqual(await readdir(join(dir, "tmp")), []);
  await state.close();
});
