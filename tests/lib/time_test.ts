import assert from "node:assert/strict";
import { beijingDate, beijingYearMonth, endOfBeijingDay, formatBeijing } from "../../lib/time.ts";
import { checkJoinDate } from "../../lib/join_age.ts";
import { deadlineDate, deadlineOf, defaultSchedule } from "../../lib/deadlines.ts";
import { codeProblemText } from "../../db/codes.ts";

// 16:00 UTC is midnight in Beijing: the day (and here the month and year) turns there.
const before = new Date("2026-12-31T15:59:59.999Z");
const after = new Date("2026-12-31T16:00:00.000Z");

Deno.test("Beijing time: the calendar day turns at 16:00 UTC", () => {
  assert.equal(beijingDate(before), "2026-12-31");
  assert.equal(beijingDate(after), "2027-01-01");
  assert.equal(formatBeijing(before), "2026-12-31 23:59");
  assert.equal(formatBeijing(after), "2027-01-01 00:00");
  assert.deepEqual(beijingYearMonth(before), { year: 2026, month: 12 });
  assert.deepEqual(beijingYearMonth(after), { year: 2027, month: 1 });
  assert.equal(endOfBeijingDay(2026, 12, 31).getTime(), after.getTime() - 1);
});

Deno.test("Beijing time: the age rule's current month is Beijing's", () => {
  const birth = { year: 1990, month: 3 };
  // At 16:00 UTC on 31 December it is already January in Beijing: a January joining is not in the future.
  assert.ok(!checkJoinDate("2027-01", birth, before).ok);
  assert.ok(checkJoinDate("2027-01", birth, after).ok);
});

Deno.test("Beijing time: a deadline ends at Beijing's midnight, the campaign year turns on 1 July Beijing time", () => {
  const s = { year: 2026, levels: { 2: "12-31", 3: "12-31", 4: "12-31", 5: "12-31", 6: "12-31" } };
  assert.equal(deadlineOf(2, s).getTime(), after.getTime() - 1);
  assert.equal(deadlineDate(2, s), "2026-12-31");
  assert.equal(defaultSchedule(new Date("2026-06-30T15:59:59Z")).year, 2025);
  assert.equal(defaultSchedule(new Date("2026-06-30T16:00:00Z")).year, 2026);
});

Deno.test("Beijing time: an expired code says its Beijing date", () => {
  assert.match(codeProblemText("expired", before), /有效期 20 天，已于 2026-12-31（北京时间）到期/);
  assert.match(codeProblemText("expired", after), /已于 2027-01-01（北京时间）到期/);
});
