import assert from "node:assert/strict";
import { deadlineDate, deadlineOf, defaultSchedule, isOverdue, parseSchedule } from "../../lib/deadlines.ts";

const s = { year: 2017, levels: { 2: "12-13", 3: "12-20", 4: "12-28", 5: "01-10", 6: "02-07" } } as const;

Deno.test("deadlines: the notice's schedule spans the year boundary", () => {
  assert.equal(deadlineDate(2, s), "2017-12-13");
  assert.equal(deadlineDate(1, s), "2017-12-13");
  assert.equal(deadlineDate(5, s), "2018-01-10");
  assert.equal(deadlineDate(8, s), "2018-02-07");
  // The end of the day in Beijing is 15:59:59.999 UTC.
  assert.equal(deadlineOf(2, s).toISOString(), "2017-12-13T15:59:59.999Z");
  assert.equal(defaultSchedule(new Date("2026-11-24T00:00:00Z")).year, 2026);
  assert.equal(defaultSchedule(new Date("2027-01-05T00:00:00Z")).year, 2026);
});

Deno.test("deadlines: worked out once per schedule; another schedule has its own dates", () => {
  assert.equal(deadlineOf(6, s), deadlineOf(7, s), "levels 6 and below share one deadline, kept");
  const moved = { year: 2017, levels: { ...s.levels, 2: "11-30" } };
  assert.equal(deadlineDate(2, moved), "2017-11-30");
  assert.equal(deadlineDate(2, s), "2017-12-13", "the first schedule keeps its own");
});

Deno.test("deadlines: overdue means past the deadline and incomplete, or a committee without children", () => {
  const after = new Date("2017-12-14T00:00:00Z");
  const before = new Date("2017-12-13T15:00:00Z");
  const org = { level: 2, category: 1, infoComplete: 0, childCount: 3 };
  assert.ok(isOverdue(org, s, after));
  assert.ok(!isOverdue(org, s, before));
  assert.ok(!isOverdue({ ...org, infoComplete: 1 }, s, after));
  assert.ok(isOverdue({ ...org, infoComplete: 1, childCount: 0 }, s, after));
  assert.ok(!isOverdue({ ...org, category: 5, infoComplete: 1, childCount: 0 }, s, after));
});

Deno.test("deadlines: the settings form is checked", () => {
  const ok = parseSchedule({
    year: "2017",
    level2: "12-13",
    level3: "12-20",
    level4: "12-28",
    level5: "1-10",
    level6: "02-07",
  });
  assert.ok(ok.ok);
  assert.equal(ok.value.levels[5], "01-10");
  const bad = parseSchedule({
    year: "17",
    level2: "13-01",
    level3: "12-20",
    level4: "12-28",
    level5: "01-10",
    level6: "02-30",
  });
  assert.ok(!bad.ok);
  assert.match(bad.errors.year, /年份/);
  assert.match(bad.errors.level2, /月-日/);
  assert.match(bad.errors.level6, /月-日/);
  const order = parseSchedule({
    year: "2017",
    level2: "12-13",
    level3: "12-10",
    level4: "12-28",
    level5: "01-10",
    level6: "02-07",
  });
  assert.ok(!order.ok);
  assert.match(order.errors.level3, /不能早于上一级/);
});
