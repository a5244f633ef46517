/** Members by Excel over HTTP (SPEC §9 as §5): template, preview, confirm, failure report, re-upload, bad files. */
import assert from "node:assert/strict";
import ExcelJS from "exceljs";
import { count, eq } from "drizzle-orm";
import { bulkAppend } from "../db/bulk.ts";
import { verifyMemberCounters } from "../db/members.ts";
import { verifyCounters } from "../db/recount.ts";
import { auditLog, imports, members, orgs } from "../db/schema.ts";
import { MEMBER_SHEET } from "../lib/member_import.ts";
import { MEMBER_FIELDS } from "../lib/member_rules.ts";
import { XLSX_TYPE } from "../lib/xlsx.ts";
import { type Cell, readSheet, uploadForm, xlsxFile, zipEntry } from "./import_files.ts";
import { type Client, setup } from "./helpers.ts";
import { idFor, validInput } from "./member_helpers.ts";

type T = Awaited<ReturnType<typeof setup>>;
const NOW = () => new Date("2026-12-03T02:00:00Z");

async function world(t: T) {
  const [county] = await t.db.select().from(orgs).where(eq(orgs.shortName, "团天桥区委"));
  const [a, b] = await bulkAppend(t.db, [
    { parentId: county.id, shortName: "机关团支部", category: 5, industry: "党政机关" },
    { parentId: county.id, shortName: "第2车间团支部", category: 5, industry: "国有企业" },
  ]);
  return { county, a, b, branch: await t.adminOf(a, 0), other: await t.adminOf(b, 1) };
}

/** A spreadsheet row of a member (cells in template order). */
const row = (over = {}): Cell[] => {
  const v = validInput({ memberNo: "", ...over }) as unknown as Record<string, string>;
  return MEMBER_FIELDS.map((f) => v[f.field]);
};

async function upload(c: Client, orgId: number, bytes: Uint8Array<ArrayBuffer>) {
  const res = await c.post(`/orgs/${orgId}/members/import`, uploadForm(bytes, "团员.xlsx"));
  return { res, url: res.headers.get("Location") ?? "" };
}

async function exact(t: T) {
  assert.deepEqual(await verifyMemberCounters(t.db), []);
  assert.deepEqual(await verifyCounters(t.db), []);
}

Deno.test("member import: template → upload → preview → confirm → failure report → re-upload recognises rows", async () => {
  await using t = await setup({ now: NOW });
  const w = await world(t);
  // The template: 填写说明, 数据 with the field headers, dropdowns for 民族/政治面貌/学历.
  const tpl = await w.branch.get(`/orgs/${w.a}/members/import/template.xlsx`);
  assert.equal(tpl.status, 200);
  assert.equal(tpl.headers.get("Content-Type"), XLSX_TYPE);
  const blank = new Uint8Array(await tpl.arrayBuffer());
  assert.deepEqual((await readSheet(blank))[0], MEMBER_SHEET.headers);
  assert.match((await readSheet(blank, "填写说明"))[0][0], /批量录入“机关团支部”的团员/);
  const sheet = await zipEntry(blank, "xl/worksheets/sheet2.xml");
  assert.match(sheet, /<dataValidation type="list"[^>]*sqref="C2:C10001"/, "民族 dropdown");
  assert.match(
    sheet,
    /<dataValidation type="list"[^>]*sqref="D2:D10001"[\s\S]*?共青团员,中共预备党员,中共党员/,
  );
  assert.match(sheet, /sqref="F2:F10001"/, "全日制学历 dropdown");
  assert.match(sheet, /下拉选项/, "the long list lives on a hidden sheet");

  // Someone already in the other branch.
  assert.equal(
    (await w.other.post(
      `/orgs/${w.b}/members/new`,
      validInput({ idNumber: idFor(2001, 1, 1, 11), memberNo: "" }) as never,
    )).status,
    303,
  );

  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(blank.slice().buffer);
  const rows: Cell[][] = [
    row({ name: "甲一", idNumber: idFor(2005, 6, 15, 1) }),
    row({ name: "乙一", idNumber: idFor(2005, 6, 15, 3).toLowerCase(), memberNo: "201900000001" }),
    row({ name: "丙一", idNumber: idFor(2005, 6, 15, 5), joinedYm: "2017-01" }),
    row({ name: "丁一", idNumber: idFor(2001, 1, 1, 11), joinedYm: "2016-01" }),
    row({ name: "甲二", idNumber: idFor(2005, 6, 15, 1) }),
    row({ name: "戊一", idNumber: idFor(2005, 6, 15, 7), ethnicity: "火星族" }),
  ];
  for (const r of rows) wb.getWorksheet("数据")!.addRow(r);
  const filled = new Uint8Array(await wb.xlsx.writeBuffer() as ArrayBuffer);
  const up = await upload(w.branch, w.a, filled);
  assert.equal(up.res.status, 303);
  assert.match(up.url, new RegExp(`^/orgs/${w.a}/members/import/[A-Za-z0-9_-]{16}$`));
  assert.equal((await t.db.select().from(members)).length, 1, "nothing entered before confirmation");

  const preview = await (await w.branch.get(up.url)).text();
  assert.match(preview, /共 6 行，可录入 2 行，已存在（跳过）0 行，有错误 4 行/);
  assert.match(preview, /<td>4<\/td>/, "spreadsheet row numbers");
  assert.match(preview, /入团年月：入团时须年满13周岁/);
  assert.match(preview, /身份证号码：该身份证号码已是“第2车间团支部”的团员/);
  assert.match(preview, /身份证号码：与第 2 行的身份证号码重复/);
  assert.match(preview, /民族：民族“火星族”不在列表中/);
  assert.match(preview, /确认录入 2 名团员/);
  const id = idFor(2005, 6, 15, 1);
  assert.ok(
    !preview.includes(id) && preview.includes(`${id.slice(0, 4)}**********${id.slice(-4)}`),
    "masked",
  );

  const confirm = await w.branch.post(`${up.url}/confirm`);
  assert.equal(confirm.status, 303);
  const done = await (await w.branch.get(up.url)).text();
  assert.match(done, /导入完成：已录入 2 名团员，已存在跳过 0 名，失败 4 名（共 6 行）/);
  const stored = await t.db.select().from(members).where(eq(members.orgId, w.a));
  assert.deepEqual(stored.map((m) => m.name).sort(), ["乙一", "甲一"]);
  assert.ok(stored.some((m) => m.idNumber === idFor(2005, 6, 15, 3)), "x normalised to X");
  await exact(t);
  // A second confirmation changes nothing.
  await w.branch.post(`${up.url}/confirm`);
  assert.equal((await t.db.select().from(members)).length, 3);

  // The failure report: the failed rows with a reason column, fixed and uploaded again.
  const report = await w.branch.get(`${up.url}/failures.xlsx`);
  assert.equal(report.status, 200);
  const reportBytes = new Uint8Array(await report.arrayBuffer());
  const reportRows = await readSheet(reportBytes);
  assert.equal(reportRows[0].at(-1), "失败原因");
  assert.equal(reportRows.length, 5);
  assert.match(reportRows[1].at(-1)!, /入团年月/);
  const fix = new ExcelJS.Workbook();
  await fix.xlsx.load(reportBytes.slice().buffer);
  const ws = fix.getWorksheet("数据")!;
  ws.getCell("E2").value = "2019-05"; // 丙一: a valid join date
  ws.getCell("C5").value = "汉族"; // 戊一
  // Add the already-entered 甲一 too: recognised, not entered twice.
  ws.addRow(row({ name: "甲一", idNumber: idFor(2005, 6, 15, 1) }));
  const again = await upload(w.branch, w.a, new Uint8Array(await fix.xlsx.writeBuffer() as ArrayBuffer));
  assert.equal(again.res.status, 303);
  const second = await (await w.branch.get(again.url)).text();
  assert.match(second, /共 5 行，可录入 2 行，已存在（跳过）2 行，有错误 1 行/);
  assert.match(second, /已录入本支部，跳过/);
  await w.branch.post(`${again.url}/confirm`);
  assert.equal((await t.db.select().from(members).where(eq(members.orgId, w.a))).length, 4);
  await exact(t);
  const log = await t.db.select().from(auditLog).where(eq(auditLog.orgId, w.a));
  assert.equal(log.filter((l) => l.action === "member.imported").length, 2);
  assert.equal(log.filter((l) => l.action === "member.added").length, 4);
  // The children's batch screens are refused to a 团支部 altogether, member batches included.
  const asChildren = await w.branch.get(up.url.replace("/members/import", "/import"));
  assert.equal(asChildren.status, 403);
  assert.match(await asChildren.text(), /团支部不能有下级组织/);
});

Deno.test("member import: every kind of bad file gets a clear message and changes nothing", async () => {
  await using t = await setup({ now: NOW });
  const w = await world(t);
  const headers = [...MEMBER_SHEET.headers];
  const cases: [string, Uint8Array<ArrayBuffer>, RegExp][] = [
    ["csv", new TextEncoder().encode("姓名,身份证号码\n"), /不是 Excel（\.xlsx）格式/],
    ["empty file", new Uint8Array(0), /文件是空的/],
    ["org template", await xlsxFile([["机关团支部", "团支部"]]), /不是本系统的导入模板/],
    [
      "no data rows",
      await xlsxFile([], { headers }),
      /没有数据：请从第 2 行起填写，每行一名团员|每行一个团员/,
    ],
    [
      "formula",
      await xlsxFile([[{ formula: '"张"&"三"', result: "张三" }]], { headers }),
      /单元格 A2 含有公式/,
    ],
    ["merged", await xlsxFile([row()], { headers, edit: (ws) => ws.mergeCells("A3:B3") }), /合并单元格/],
    [
      "10,001 rows",
      await xlsxFile(Array.from({ length: 10_001 }, () => ["张三"]), { headers }),
      /10,000 行的上限/,
    ],
  ];
  for (const [what, bytes, message] of cases) {
    const { res } = await upload(w.branch, w.a, bytes);
    assert.equal(res.status, 422, what);
    const html = await res.text();
    assert.match(html, /文件未导入，没有做任何修改/, what);
    assert.match(html, message, what);
  }
  // Sent by htmx, a refused upload comes back as the upload form alone (the same screens as §5's batch).
  const hx = await w.branch.post(`/orgs/${w.a}/members/import`, uploadForm(cases[0][1], "团员.xlsx"), {
    hx: true,
  });
  assert.equal(hx.status, 422);
  const fragment = await hx.text();
  assert.doesNotMatch(fragment, /<html|<nav/);
  assert.equal((fragment.match(/id="upload-form"/g) ?? []).length, 1);
  assert.match(fragment, /不是 Excel（\.xlsx）格式/);
  const huge = await w.branch.post(
    `/orgs/${w.a}/members/import`,
    uploadForm(new Uint8Array(7 * 1024 * 1024)),
  );
  assert.equal(huge.status, 400);
  assert.equal((await t.db.select({ n: count() }).from(imports))[0].n, 0);
  assert.equal((await t.db.select({ n: count() }).from(members))[0].n, 0);
  // Only for a 团支部.
  const county = await t.adminOf(w.county.id, 2);
  assert.equal((await county.get(`/orgs/${w.county.id}/members/import`)).status, 404);
  await exact(t);
});
