import assert from "node:assert/strict";
import {
  BRANCH,
  categoriesUnder,
  checkShortName,
  fullNameProblem,
  LEADING,
  mayHaveChildren,
  placementRefusal,
  proposeFullName,
  unitName,
} from "../../lib/org_rules.ts";

Deno.test("names: leading bodies are 团 + division + 委", () => {
  for (const n of ["团山东省委", "团济南市委", "团天桥区委", "团中央", "全国铁道团委", "中央企业团工委"]) {
    assert.ok(checkShortName(n, 1).ok, n);
  }
  const r = checkShortName("济南市团委", 1);
  assert.ok(!r.ok);
  assert.match(r.error, /团\+行政区划名称\+委/);
  assert.equal(r.suggestion, "团济南市委");
});

Deno.test("names: the suffix must agree with the category, with a suggestion", () => {
  assert.ok(checkShortName("建国门街道团委", 2).ok);
  assert.ok(checkShortName("开发区团工委", 3).ok);
  assert.ok(checkShortName("机关团总支", 4).ok);
  assert.ok(checkShortName("大雅宝社区团支部", 5).ok);
  const cases: [string, 2 | 3 | 4 | 5, string][] = [
    ["包装车间团总支", 5, "包装车间团支部"],
    ["包装车间", 5, "包装车间团支部"],
    ["包装车间支部", 5, "包装车间团支部"],
    ["北控集团团支部", 2, "北控集团团委"],
    ["开发区团委", 3, "开发区团工委"],
  ];
  for (const [name, cat, suggestion] of cases) {
    const r = checkShortName(name, cat);
    assert.ok(!r.ok, name);
    assert.match(r.error, /后缀须与组织类别/);
    assert.equal(r.suggestion, suggestion, name);
  }
});

Deno.test("names: school class branches", () => {
  assert.ok(checkShortName("2017级1班团支部", 5).ok);
  assert.ok(checkShortName("计算机专业2017级3班团支部", 5).ok);
  const cases: [string, string][] = [
    ["2017级1班支部", "2017级1班团支部"],
    ["2017级1班", "2017级1班团支部"],
    ["17级1班团支部", "2017级1班团支部"],
    ["2017级一班团支部", "2017级1班团支部"],
  ];
  for (const [name, suggestion] of cases) {
    const r = checkShortName(name, 5);
    assert.ok(!r.ok, name);
    assert.match(r.error, /入学年份/);
    assert.equal(r.suggestion, suggestion, name);
  }
});

Deno.test("names: bad characters, spaces and lengths", () => {
  assert.match((checkShortName("", 2) as { error: string }).error, /请填写/);
  assert.equal(
    (checkShortName("建国门 街道团委", 2) as { suggestion?: string }).suggestion,
    "建国门街道团委",
  );
  assert.ok(!checkShortName("团委", 2).ok);
  assert.ok(!checkShortName("A<script>团委", 2).ok);
  assert.ok(!checkShortName("长".repeat(51) + "团委", 2).ok);
});

Deno.test("full names: proposed from the parent chain", () => {
  assert.equal(proposeFullName(null, "团中央", 1), "中国共产主义青年团中央委员会");
  const root = { level: 1, shortName: "团中央", fullName: "中国共产主义青年团中央委员会" };
  assert.equal(proposeFullName(root, "团山东省委", 1), "中国共产主义青年团山东省委员会");
  const sd = { level: 2, shortName: "团山东省委", fullName: "中国共产主义青年团山东省委员会" };
  assert.equal(proposeFullName(sd, "团济南市委", 1), "中国共产主义青年团济南市委员会");
  assert.equal(proposeFullName(sd, "山东大学团委", 2), "中国共产主义青年团山东大学委员会");
  const jn = { level: 3, shortName: "团济南市委", fullName: "中国共产主义青年团济南市委员会" };
  assert.equal(proposeFullName(jn, "团天桥区委", 1), "中国共产主义青年团济南市天桥区委员会");
  const tq = { level: 4, shortName: "团天桥区委", fullName: "中国共产主义青年团济南市天桥区委员会" };
  assert.equal(proposeFullName(tq, "建国门街道团委", 2), "中国共产主义青年团济南市天桥区建国门街道委员会");
  const jgm = {
    level: 5,
    shortName: "建国门街道团委",
    fullName: "中国共产主义青年团济南市天桥区建国门街道委员会",
  };
  assert.equal(
    proposeFullName(jgm, "大雅宝社区团支部", 5),
    "中国共产主义青年团济南市天桥区建国门街道大雅宝社区支部委员会",
  );
  const bj = { level: 2, shortName: "团北京市委", fullName: "中国共产主义青年团北京市委员会" };
  assert.equal(proposeFullName(bj, "团东城区委", 1), "中国共产主义青年团北京市东城区委员会");
  assert.equal(proposeFullName(root, "中直机关团工委", 1), "中国共产主义青年团中央直属机关工作委员会");
  assert.equal(unitName("团济南市委", 1), "济南市");
  assert.equal(unitName("包装车间团支部", 5), "包装车间");
});

Deno.test("placement: a leading body only under a leading body (forms, import dropdown and moves share it)", () => {
  assert.equal(placementRefusal(2, LEADING), "领导机关团组织只能设在领导机关团组织之下");
  assert.equal(placementRefusal(LEADING, LEADING), null);
  assert.equal(placementRefusal(2, BRANCH), null);
  assert.deepEqual(categoriesUnder(2).map((c) => c.code), [2, 3, 4, 5]);
  assert.deepEqual(categoriesUnder(LEADING).map((c) => c.code), [1, 2, 3, 4, 5]);
  assert.equal(mayHaveChildren(BRANCH), false);
  assert.equal(mayHaveChildren(4), true);
});

Deno.test("全称: one rule, up to 100 characters, whatever the middle's length", () => {
  const middle70 = "济".repeat(70);
  assert.equal(fullNameProblem(`中国共产主义青年团${middle70}委员会`), null);
  assert.equal(fullNameProblem("中国共产主义青年团济南市天桥区建国门街道委员会"), null);
  assert.match(fullNameProblem("共青团济南市委员会") ?? "", /应以“中国共产主义青年团”开头/);
  assert.match(fullNameProblem("中国共产主义青年团济委员会") ?? "", /应以“中国共产主义青年团”开头/);
  assert.match(fullNameProblem(`中国共产主义青年团${"济".repeat(90)}委员会`) ?? "", /不能超过 100 个字/);
});
