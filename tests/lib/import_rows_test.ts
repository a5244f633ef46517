/** Row checks of the Excel batch: the same rules as single create, plus skips and in-file repeats. */
import assert from "node:assert/strict";
import {
  categoryLabel,
  type CheckedRow,
  checkRows,
  countRows,
  type ExistingChild,
  type RawRow,
  reasonText,
  rowChecker,
} from "../../lib/import_rows.ts";

const TIANQIAO = {
  level: 4,
  category: 1,
  shortName: "团天桥区委",
  fullName: "中国共产主义青年团济南市天桥区委员会",
};
const SCHOOL = {
  level: 5,
  category: 2,
  shortName: "济南一中团委",
  fullName: "中国共产主义青年团济南市济南一中委员会",
};

let n = 1;
const row = (shortName: string, category: string, fullName = "", sortOrder = ""): RawRow => ({
  row: ++n,
  shortName,
  category,
  fullName,
  sortOrder,
});

const only = (rows: CheckedRow[]) => {
  assert.equal(rows.length, 1);
  return rows[0];
};

Deno.test("import rows: a valid row gets its 全称 proposed; a given 全称 and position are kept", () => {
  const [a, b] = checkRows(TIANQIAO, [
    row("建国门街道团工委", "团工委"),
    row("包装车间团支部", "5", "中国共产主义青年团济南市天桥区包装车间支部委员会", "2"),
  ], new Map());
  assert.equal(a.status, "ok");
  assert.deepEqual(a.value, {
    shortName: "建国门街道团工委",
    category: 3,
    fullName: "中国共产主义青年团济南市天桥区建国门街道工作委员会",
    sortOrder: null,
  });
  assert.equal(b.status, "ok");
  assert.equal(b.value!.fullName, "中国共产主义青年团济南市天桥区包装车间支部委员会");
  assert.equal(b.value!.sortOrder, 2);
});

Deno.test("import rows: every rule of single create refuses a row, naming the column", () => {
  const cases: [RawRow, string, RegExp][] = [
    [row("", "团委"), "组织简称", /请填写组织简称/],
    [row("济南一中团委", ""), "组织类别", /请选择组织类别/],
    [row("济南一中团委", "党委"), "组织类别", /组织类别“党委”不正确/],
    [row("包装车间团总支", "团支部"), "组织简称", /后缀须与组织类别.*建议改为：包装车间团支部/],
    [row("17级1班团支部", "团支部"), "组织简称", /建议改为：2017级1班团支部/],
    [row("济南一中团委", "团委", "济南一中"), "组织全称（可不填）", /组织全称应以“中国共产主义青年团”开头/],
    [row("济南一中团委", "团委", "", "第一"), "排序（可不填）", /排序应为正整数/],
    [row("济南一中团委", "团委", "", "0"), "排序（可不填）", /排序应为正整数/],
  ];
  for (const [raw, column, message] of cases) {
    const r = only(checkRows(TIANQIAO, [raw], new Map()));
    assert.equal(r.status, "error", JSON.stringify(raw));
    const m = r.messages.find((m) => m.column === column);
    assert.ok(m, `${JSON.stringify(raw)} → ${JSON.stringify(r.messages)}`);
    assert.match(m.message, message);
  }
});

Deno.test("import rows: leading bodies only under leading bodies; nothing under a 团支部", () => {
  const lead = only(checkRows(SCHOOL, [row("团某某县委", "领导机关团组织")], new Map()));
  assert.equal(lead.status, "error");
  assert.match(reasonText(lead), /领导机关团组织只能设在领导机关团组织之下/);
  const branch = { level: 6, category: 5, shortName: "机关团支部", fullName: null };
  const r = only(checkRows(branch, [row("一组团支部", "团支部")], new Map()));
  assert.equal(r.status, "error");
  assert.match(reasonText(r), /团支部不能有下级组织/);
});

Deno.test("import rows: existing children are skipped (same 类别) or refused (other 类别); repeats in the file refused", () => {
  const existing = new Map<string, ExistingChild>([
    ["机关团支部", { id: 40, category: 5, initialised: false }],
    ["团历下区委", { id: 13, category: 1, initialised: true }],
    ["北控集团团委", { id: 41, category: 2, initialised: false }],
  ]);
  const jinan = {
    level: 3,
    category: 1,
    shortName: "团济南市委",
    fullName: "中国共产主义青年团济南市委员会",
  };
  const rows = checkRows(jinan, [
    row("机关团支部", "团支部"),
    row("团历下区委", "1"),
    row("北控集团团委", "团工委"),
    row("济南一中团委", "团委"),
    row("济南一中团委", "团委"),
  ], existing);
  assert.deepEqual(rows.map((r) => r.status), ["skip", "skip", "error", "ok", "error"]);
  assert.equal(rows[0].existingId, 40);
  assert.match(rows[0].messages[0].message, /已创建，跳过/);
  assert.match(rows[1].messages[0].message, /系统已初始化该组织，无需创建/);
  assert.match(reasonText(rows[2]), /组织简称：.*已有名为“北控集团团委”/);
  assert.match(reasonText(rows[4]), new RegExp(`与第 ${rows[3].row} 行的组织简称重复`));
  assert.deepEqual(countRows(rows), { total: 5, ok: 1, skip: 2, error: 2 });
});

Deno.test("import rows: category cells may be the label or the code", () => {
  assert.equal(categoryLabel("5"), "团支部");
  assert.equal(categoryLabel("团工委"), "团工委");
  assert.equal(categoryLabel("党委"), "党委");
  const r = only(checkRows(TIANQIAO, [row("机关团总支", "4")], new Map()));
  assert.equal(r.value?.category, 4);
});

Deno.test("import rows: checked a few at a time, a repeat across the pieces is still found", () => {
  const rows = [row("一车间团支部", "团支部"), row("二车间团支部", "团支部"), row("一车间团支部", "团支部")];
  const existing = new Map<string, ExistingChild>();
  const check = rowChecker(TIANQIAO, existing);
  const inPieces = [...rows.slice(0, 2).map(check), ...rows.slice(2).map(check)];
  assert.deepEqual(inPieces, checkRows(TIANQIAO, rows, existing));
  assert.deepEqual(inPieces.map((r) => r.status), ["ok", "ok", "error"]);
});
