import assert from "node:assert/strict";
import { memberFlags, recountMembers, waveFigures } from "../../lib/member_counters.ts";

Deno.test("member flags: filled, < 3, > 50, per wave; only a 团支部 is a branch", () => {
  const f = (memberCount: number, industry: string | null = "农村", category = 5) =>
    memberFlags({ category, industry, memberCount, dueCount: 0 });
  assert.deepEqual(
    [f(0).filled, f(0).small, f(0).branchesW2, f(0).members],
    [0, 0, 1, 0],
    "空心团支部: a wave branch without members",
  );
  assert.deepEqual([f(2).filled, f(2).small, f(3).small, f(50).large, f(51).large], [1, 1, 0, 0, 1]);
  assert.equal(f(10, "初中").membersW1, 10);
  assert.equal(f(10, "初中").membersW2, 0);
  assert.equal(f(10, null).membersW1 + f(10, null).membersW2, 0);
  assert.equal(f(10, "初中", 4).filled, 0, "a 团总支 is no branch");
  assert.equal(f(10, "初中", 4).members, 10, "its members still count");
});

Deno.test("member recount sums each org's flags over its subtree", () => {
  const nodes = [
    { id: 1, parentId: null, level: 1, category: 1, industry: null, memberCount: 0, dueCount: 0 },
    { id: 2, parentId: 1, level: 2, category: 2, industry: "初中", memberCount: 0, dueCount: 0 },
    { id: 3, parentId: 2, level: 3, category: 5, industry: "初中", memberCount: 2, dueCount: 1 },
    { id: 4, parentId: 2, level: 3, category: 5, industry: "初中", memberCount: 0, dueCount: 0 },
    { id: 5, parentId: 1, level: 2, category: 5, industry: "农村", memberCount: 60, dueCount: 3 },
  ];
  const r = recountMembers(nodes).get(1)!;
  assert.equal(r.members, 62);
  assert.equal(r.filled, 2);
  assert.equal(r.small, 1);
  assert.equal(r.large, 1);
  assert.equal(r.due, 4);
  assert.deepEqual(waveFigures(r, 1), { branches: 2, filled: 1, empty: 1, members: 2, rate: 50 });
  assert.deepEqual(waveFigures(r, "all", 3), { branches: 3, filled: 2, empty: 1, members: 62, rate: 66.7 });
});
