/** The batch spreadsheet: the template, reading uploads, and refusing every kind of bad file. */
import assert from "node:assert/strict";
import { childTemplate, MAX_BYTES, MAX_ROWS, readChildRows } from "../../lib/import_xlsx.ts";
import { branchRows, readSheet, xlsxFile, zipEntry } from "../import_files.ts";

const PARENT = { shortName: "团天桥区委", category: 1 };

async function refused(bytes: Uint8Array, message: RegExp) {
  const r = await readChildRows(bytes);
  assert.ok(!r.ok, `expected refusal ${message}`);
  assert.match(r.error, message);
}

Deno.test("template: an instruction sheet and a data sheet with ONE 类别 dropdown over the column", async () => {
  const bytes = await childTemplate(PARENT);
  const help = await readSheet(bytes, "填写说明");
  assert.match(help[0][0], /批量创建“团天桥区委”的直属下级组织/);
  assert.ok(help.some((r) => /已创建过的组织.*不会重复创建/.test(r[0])));
  assert.deepEqual(await readSheet(bytes), [[
    "组织简称",
    "组织类别",
    "组织全称（可不填）",
    "排序（可不填）",
  ]]);
  const xml = await zipEntry(bytes, "xl/worksheets/sheet2.xml");
  const validations = xml.match(/<dataValidation [^>]*>/g) ?? [];
  assert.equal(validations.length, 1, xml.match(/<dataValidations[\s\S]*<\/dataValidations>/)?.[0]);
  assert.match(validations[0], /type="list"/);
  assert.match(validations[0], /sqref="B2:B10001"/);
  assert.match(xml, /<formula1>&quot;领导机关团组织,团委,团工委,团总支,团支部&quot;<\/formula1>/);
  // Under a non-leading parent the dropdown offers no leading body.
  const school = await zipEntry(
    await childTemplate({ shortName: "济南一中团委", category: 2 }),
    "xl/worksheets/sheet2.xml",
  );
  assert.match(school, /<formula1>&quot;团委,团工委,团总支,团支部&quot;<\/formula1>/);
  // The empty template uploaded as is: no data rows.
  await refused(bytes, /没有数据：请从第 2 行起填写/);
});

Deno.test("read: rows come back as text with their row numbers; blank rows are skipped", async () => {
  const bytes = await xlsxFile([
    ["建国门街道团工委", "团工委", null, null],
    [null, null, null, null],
    [
      { richText: [{ text: "包装车间" }, { text: "团支部" }] },
      5,
      "  中国共产主义青年团济南市天桥区包装车间支部委员会 ",
      3,
    ],
  ]);
  const r = await readChildRows(bytes);
  assert.ok(r.ok);
  assert.deepEqual(r.value, [
    { row: 2, shortName: "建国门街道团工委", category: "团工委", fullName: "", sortOrder: "" },
    {
      row: 4,
      shortName: "包装车间团支部",
      category: "5",
      fullName: "中国共产主义青年团济南市天桥区包装车间支部委员会",
      sortOrder: "3",
    },
  ]);
});

Deno.test("read: a failure report (template + 失败原因 column) is accepted again as is", async () => {
  const report = await childTemplate(PARENT, [
    {
      shortName: "包装车间团总支",
      category: "团支部",
      fullName: "",
      sortOrder: "",
      reason: "组织简称：后缀不对",
    },
  ]);
  const sheet = await readSheet(report);
  assert.deepEqual(sheet[0], ["组织简称", "组织类别", "组织全称（可不填）", "排序（可不填）", "失败原因"]);
  assert.equal(sheet[1][4], "组织简称：后缀不对");
  const r = await readChildRows(report);
  assert.ok(r.ok);
  assert.deepEqual(r.value.map((x) => [x.row, x.shortName, x.category]), [[2, "包装车间团总支", "团支部"]]);
});

Deno.test("bad files: not xlsx, old xls, empty, wrong template, formulas, merged cells, too big, too many rows", async () => {
  await refused(new Uint8Array(0), /文件是空的/);
  await refused(
    new TextEncoder().encode("组织简称,组织类别\n机关团支部,团支部\n"),
    /不是 Excel（\.xlsx）格式/,
  );
  await refused(
    new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]),
    /旧版 Excel（\.xls）/,
  );
  await refused(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6]), /不是 Excel（\.xlsx）格式/);
  const big = new Uint8Array(MAX_BYTES + 1);
  big.set([0x50, 0x4b, 0x03, 0x04]);
  await refused(big, /超过 5 MB 的上限/);
  await refused(await xlsxFile([], {}), /没有数据/);
  await refused(
    await xlsxFile([["机关团支部", "团支部"]], { headers: ["名称", "类别"] }),
    /不是本系统的导入模板.*“组织简称”、“组织类别”/,
  );
  await refused(
    await xlsxFile([["机关团支部", "团支部"]], {
      sheet: "Sheet1",
      headers: ["简称", "类别", "全称", "排序"],
    }),
    /不是本系统的导入模板/,
  );
  await refused(
    await xlsxFile([["机关团支部", "团支部", "", "", "多余"]], {
      headers: ["组织简称", "组织类别", "组织全称（可不填）", "排序（可不填）", "备注"],
    }),
    /不是本系统的导入模板/,
  );
  await refused(
    await xlsxFile([["机关团支部", "团支部"], [{ formula: 'A2&"2"', result: "机关团支部2" }, "团支部"]]),
    /单元格 A3 含有公式/,
  );
  await refused(
    await xlsxFile([["机关团支部", "团支部"], ["团总支", null]], { edit: (ws) => ws.mergeCells("A3:B3") }),
    /合并单元格（A3:B3）/,
  );
  await refused(await xlsxFile(branchRows(MAX_ROWS + 1)), /数据共 10,001 行，超过每个文件 10,000 行的上限/);
  const ok = await readChildRows(await xlsxFile(branchRows(MAX_ROWS)));
  assert.ok(ok.ok && ok.value.length === MAX_ROWS, "exactly 10,000 rows are accepted");
});
