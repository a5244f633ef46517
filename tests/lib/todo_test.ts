import assert from "node:assert/strict";
import { countdown, todoItems } from "../../lib/todo.ts";
import { DEFAULT_LEVELS } from "../../lib/deadlines.ts";

const county = { id: 7, level: 4, category: 1, confirmed: false, adminCount: 1 };

Deno.test("todo: the notice's four tasks with their live state and links", () => {
  const items = todoItems({
    org: county,
    info: { filled: 9, required: 12 },
    children: { count: 28, noBranch: 3, withCode: 12, withAdmin: 2 },
  }, { self: true });
  assert.deepEqual(items.map((i) => [i.label, i.state, i.done, i.href]), [
    ["管理员注册", "已有 1 名管理员", true, "/orgs/7"],
    ["组织信息", "9/12 项", false, "/orgs/7/info"],
    ["创建直属下级", "直属下级 28 个，3 个缺团支部", false, "/orgs/7/children"],
    ["注册码", "已发 12/28，已注册 2", false, "/orgs/7/children"],
  ]);
  const done = todoItems({
    org: { ...county, confirmed: true },
    info: { filled: 12, required: 12 },
    children: { count: 2, noBranch: 0, withCode: 2, withAdmin: 1 },
  }, { self: true });
  assert.deepEqual(done.map((i) => i.done), [true, true, true, true]);
  assert.equal(done[1].state, "12/12 项，已确认");
  const none = todoItems({
    org: county,
    info: { filled: 12, required: 12 },
    children: { count: 0, noBranch: 0, withCode: 0, withAdmin: 0 },
  }, { self: true });
  assert.equal(none[1].state, "12/12 项，待确认");
  assert.deepEqual([none[2].state, none[2].href, none[2].done], ["尚未创建", "/orgs/7/children/new", false]);
  assert.equal(none[3].done, false);
  // An admin above sees the same list, its links to screens they may open: the (empty) child list, not the form.
  const above = todoItems({
    org: county,
    info: { filled: 12, required: 12 },
    children: { count: 0, noBranch: 0, withCode: 0, withAdmin: 0 },
  }, { self: false });
  assert.deepEqual(above.map((i) => i.href), [
    "/orgs/7",
    "/orgs/7/info",
    "/orgs/7/children",
    "/orgs/7/children",
  ]);
});

Deno.test("todo: a 团支部 does only the first two tasks", () => {
  const items = todoItems({
    org: { ...county, category: 5 },
    info: { filled: 3, required: 7 },
    children: { count: 0, noBranch: 0, withCode: 0, withAdmin: 0 },
  }, { self: true });
  assert.deepEqual(items.map((i) => i.label), ["管理员注册", "组织信息"]);
});

Deno.test("todo: the countdown in Beijing days, the deadline day itself, and overdue", () => {
  const s = { year: 2026, levels: DEFAULT_LEVELS };
  // Level 4 ends 2026-12-28 24:00 Beijing = 2026-12-28T16:00Z.
  assert.deepEqual(countdown(4, s, new Date("2026-12-20T04:00:00Z")), {
    date: "2026-12-28",
    text: "还剩 8 天",
    overdue: false,
  });
  assert.equal(countdown(4, s, new Date("2026-12-28T01:00:00Z")).text, "今天截止");
  assert.deepEqual(countdown(4, s, new Date("2026-12-30T01:00:00Z")), {
    date: "2026-12-28",
    text: "已过期 2 天",
    overdue: true,
  });
  assert.equal(countdown(9, s, new Date("2026-12-20T04:00:00Z")).date, "2027-02-07");
});

Deno.test("todo: stage two adds the members line (团员 N 人已录入)", () => {
  const base = {
    info: { filled: 12, required: 12 },
    children: { count: 2, noBranch: 0, withCode: 2, withAdmin: 2 },
  };
  const county_ = todoItems({ ...base, org: county, members: { members: 40, filled: 1, branches: 2 } }, {
    self: true,
  });
  assert.deepEqual(
    [county_.at(-1)!.label, county_.at(-1)!.state, county_.at(-1)!.done, county_.at(-1)!.href],
    ["团员信息录入", "团员 40 人已录入，团支部 1/2 个已录入", false, "/orgs/7/progress"],
  );
  const branch = todoItems({
    ...base,
    org: { ...county, category: 5 },
    members: { members: 18, filled: 1, branches: 1 },
  }, { self: true });
  assert.deepEqual([branch.length, branch[2].state, branch[2].done, branch[2].href], [
    3,
    "团员 18 人已录入",
    true,
    "/orgs/7/members",
  ]);
});
