import assert from "node:assert/strict";
import { checkJoinDate, parseYearMonth } from "../../lib/join_age.ts";

const today = new Date("2026-11-24T12:00:00Z");

Deno.test("join date: at least 13 (156 months) from 2016-09 on", () => {
  const birth = { year: 2004, month: 1 };
  assert.ok(checkJoinDate("2017-01", birth, today).ok, "exactly 156 months");
  const r = checkJoinDate("2016-12", birth, today);
  assert.ok(!r.ok, "155 months");
  assert.match(r.error, /年满13周岁/);
});

Deno.test("join date: at least 12 (144 months) before 2016-09", () => {
  const birth = { year: 2004, month: 8 };
  assert.ok(checkJoinDate("2016-08", birth, today).ok, "144 months, joined 2016-08");
  const birth2 = { year: 2004, month: 9 };
  const r = checkJoinDate("2016-08", birth2, today);
  assert.ok(!r.ok, "143 months");
  assert.match(r.error, /12周岁/);
  // From 2016-09 the limit is 13: the same person at 144 months a month later fails.
  assert.ok(!checkJoinDate("2016-09", birth2, today).ok);
});

Deno.test("join date: not in the future, not before birth, well-formed", () => {
  const birth = { year: 1990, month: 3 };
  const future = checkJoinDate("2026-12", birth, today);
  assert.ok(!future.ok);
  assert.match(future.error, /不能晚于当前月份/);
  assert.ok(checkJoinDate("2026-11", birth, today).ok, "the current month is allowed");
  const before = checkJoinDate("1989-01", birth, today);
  assert.ok(!before.ok);
  assert.match(before.error, /不能早于出生/);
  for (const s of ["2010-5", "2010/05", "2010.05", "2010年5月"]) {
    assert.deepEqual(parseYearMonth(s), { ok: true, value: { year: 2010, month: 5 } });
  }
  assert.ok(!parseYearMonth("2010-13").ok);
  assert.ok(!parseYearMonth("abc").ok);
  assert.ok(!parseYearMonth("").ok);
});
