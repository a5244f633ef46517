import assert from "node:assert/strict";
import { flagSql, hasFlag, STRUCTURAL_FLAGS, type StructuralFlag } from "../../lib/structure.ts";
import { ownFlags } from "../../lib/counters.ts";
import { isOverdue } from "../../lib/deadlines.ts";
import { BRANCH } from "../../lib/org_rules.ts";
import { testDb } from "../helpers.ts";

const cases = [
  { category: 2, subBranches: 0, childCount: 0 },
  { category: 2, subBranches: 0, childCount: 3 },
  { category: 4, subBranches: 2, childCount: 2 },
  { category: 1, subBranches: 0, childCount: 0 },
  { category: BRANCH, subBranches: 1, childCount: 0 },
];

Deno.test("structure: a 团支部 has no structural flag; a committee without a 团支部 or children has", () => {
  assert.deepEqual(cases.map((o) => hasFlag("noBranch", o)), [true, true, false, true, false]);
  assert.deepEqual(cases.map((o) => hasFlag("badLeaf", o)), [true, false, false, true, false]);
  for (const o of cases) {
    const own = ownFlags({ ...o, infoComplete: 1, badName: 0, adminCount: 1 });
    assert.equal(own.subNoBranch, hasFlag("noBranch", o) ? 1 : 0);
    assert.equal(own.subBadLeaf, hasFlag("badLeaf", o) ? 1 : 0);
  }
  // A committee past its deadline without children is overdue even with complete info.
  const s = { year: 2020, levels: { 2: "12-13", 3: "12-20", 4: "12-28", 5: "01-10", 6: "02-07" } };
  const now = new Date("2030-01-01T00:00:00Z");
  assert.equal(isOverdue({ level: 3, category: 2, infoComplete: 1, childCount: 0 }, s, now), true);
  assert.equal(isOverdue({ level: 3, category: BRANCH, infoComplete: 1, childCount: 0 }, s, now), false);
});

Deno.test("structure: the SQL expression agrees with the predicate, row by row", async () => {
  await using t = await testDb();
  const db = t.db.$client;
  for (const flag of Object.keys(STRUCTURAL_FLAGS) as StructuralFlag[]) {
    for (const o of cases) {
      const sql = `SELECT (${
        flagSql(flag)
      }) AS v FROM (SELECT ? AS category, ? AS sub_branches, ? AS child_count)`;
      const { rows } = await db.execute({ sql, args: [o.category, o.subBranches, o.childCount] });
      assert.equal(Number(rows[0].v) === 1, hasFlag(flag, o), `${flag} ${JSON.stringify(o)}`);
    }
  }
});
