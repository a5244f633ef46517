/**
 * Long work paces itself (db/client.ts `pace`): it lets other requests run
 * once it has held the event loop for its budget, counted from the start of
 * the current task, never from a breath taken before the loop went idle.
 */
import assert from "node:assert/strict";
import { pace, taskStarted } from "../db/client.ts";

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
