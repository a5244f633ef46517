/**
 * Long work paces itself (db/client.ts `pace`): it lets other requests run
 * once it has held the event loop for its budget, counted from the start of
 * the current task, never from a breath taken before the loop went idle.
 */
import assert from "node:assert/strict";
import { mapPaced, pace, taskStarted } from "../db/client.ts";

/** Whether a timer set now has fired by the time `fn` resolves (it did if `fn` yielded a turn). */
async function yields(fn: () => Promise<void>): Promise<boolean> {
  let fired = false;
  const timer = setTimeout(() => fired = true, 0);
  await fn();
  clearTimeout(timer);
  return fired;
}

Deno.test("a request that just began does not sleep a timer turn at its first pace()", async () => {
  await new Promise((r) => setTimeout(r, 30)); // the loop idles longer than the budget
  taskStarted();
  assert.equal(await yields(() => pace(10)), false);
});

Deno.test("work that held the loop for its budget lets others run", async () => {
  taskStarted();
  const until = performance.now() + 15;
  while (performance.now() < until) {
    // hold the event loop, as a long synchronous write would
  }
  assert.equal(await yields(() => pace(10)), true);
  // …and the budget starts again after the breath.
  assert.equal(await yields(() => pace(10)), false);
});

Deno.test("mapPaced maps in order, and long work over many items lets others run", async () => {
  taskStarted();
  const slow = (n: number) => {
    const until = performance.now() + 1;
    while (performance.now() < until) {
      // one row's check, held on the event loop
    }
    return n * 2;
  };
  const items = Array.from({ length: 40 }, (_, i) => i);
  let out: number[] = [];
  assert.equal(await yields(async () => void (out = await mapPaced(items, slow, 5))), true);
  assert.deepEqual(out, items.map((n) => n * 2));
  assert.deepEqual(await mapPaced([], slow), []);
  assert.deepEqual(await mapPaced(["a", "b", "c"], (s, i) => `${i}${s}`, 2), ["0a", "1b", "2c"]);
});
