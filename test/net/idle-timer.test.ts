import assert from "node:assert/strict";
import { it } from "node:test";
import { IdleTimer } from "../../src/net/idle-timer.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it("fires once after the duration without a restart; a restart with the same duration pushes it back", async () => {
  const fired: string[] = [];
  const t = new IdleTimer((ms, what) => fired.push(`${what}/${ms}`));
  t.start(60, "reply");
  for (let i = 0; i < 4; i++) {
    await sleep(30);
    t.start(60, "reply"); // refreshed: 120 ms in, still not fired
  }
  assert.deepEqual(fired, []);
  await sleep(100);
  assert.deepEqual(fired, ["reply/60"]);
});

it("a different duration or label replaces the timer; stop() cancels it", async () => {
  const fired: string[] = [];
  const t = new IdleTimer((ms, what) => fired.push(`${what}/${ms}`));
  t.start(20, "greeting");
  t.start(40, "message data");
  await sleep(30);
  assert.deepEqual(fired, [], "the 20 ms timer was replaced");
  await sleep(30);
  assert.deepEqual(fired, ["message data/40"]);
  t.start(20, "reply");
  t.stop();
  await sleep(40);
  assert.deepEqual(fired, ["message data/40"]);
});
