import assert from "node:assert/strict";
import { INDUSTRIES } from "../../lib/org_rules.ts";
import {
  defaultWaveSchedule,
  parseWaveSchedule,
  WAVE_INDUSTRIES,
  waveDeadline,
  waveDeadlineDate,
  waveOf,
  waveOverdue,
} from "../../lib/waves.ts";

Deno.test("waves: each industry of SPEC §9 in its wave, the rest in none", () => {
  assert.equal(waveOf("普通高等院校"), 1);
  assert.equal(waveOf("国有企业"), 1);
  assert.equal(waveOf("事业单位（不含公立学校）"), 1);
  assert.equal(waveOf("农村"), 2);
  assert.equal(waveOf("新社会组织（不含民办学校）"), 2);
  assert.equal(waveOf("其他"), 2);
  assert.equal(waveOf("小学"), 0);
  assert.equal(waveOf("军队"), 0);
  assert.equal(waveOf(null), 0);
  for (const w of [1, 2] as const) {
    for (const i of WAVE_INDUSTRIES[w]) assert.ok((INDUSTRIES as readonly string[]).includes(i), i);
  }
});

Deno.test("wave deadlines: defaults, Beijing end of day, overdue only with empty branches", () => {
  const s = defaultWaveSchedule(new Date("2026-12-03T00:00:00Z"));
  assert.deepEqual(s, { year: 2026, waves: { 1: "03-31", 2: "05-31" } });
  assert.equal(waveDeadlineDate(1, s), "2027-03-31");
  assert.equal(waveDeadline(1, s).toISOString(), "2027-03-31T15:59:59.999Z");
  assert.equal(waveOverdue(1, 5, s, new Date("2027-03-31T15:59:59Z")), false);
  assert.equal(waveOverdue(1, 5, s, new Date("2027-03-31T16:00:00Z")), true);
  assert.equal(waveOverdue(1, 0, s, new Date("2027-04-30T00:00:00Z")), false);
});

Deno.test("wave deadline form: valid dates, the second not before the first", () => {
  assert.deepEqual(parseWaveSchedule({ year: "2026", wave1: "4-1", wave2: "06-30" }), {
    ok: true,
    value: { year: 2026, waves: { 1: "04-01", 2: "06-30" } },
  });
  const bad = parseWaveSchedule({ year: "1999", wave1: "02-30", wave2: "x" });
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.deepEqual(Object.keys(bad.errors).sort(), ["wave1", "wave2", "year"]);
  const order = parseWaveSchedule({ year: "2026", wave1: "05-31", wave2: "03-31" });
  assert.ok(!order.ok && /不能早于第一批/.test(order.errors.wave2));
});
