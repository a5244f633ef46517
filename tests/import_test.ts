/** Batch creation from Excel over HTTP (SPEC §5): template, preview, confirm, failure report, bad files, access. */
import assert from "node:assert/strict";
import ExcelJS from "exceljs";
import { and, count, eq } from "drizzle-orm";
import { auditLog, imports, orgs } from "../db/schema.ts";
import { verifyCounters } from "../db/recount.ts";
import { XLSX_TYPE } from "../lib/xlsx.ts";
import { branchRows, type Cell, readSheet, uploadForm, xlsxFile } from "./import_files.ts";
import { type Client, MINI, setup, textOf } from "./helpers.ts";

type T = Awaited<ReturnType<typeof setup>>;

const byName = async (t: T, name: string) =>
  (await t.db.select().from(orgs).where(eq(orgs.shortName, name)))[0];
const kids = (t: T, parentId: number) =>
  t.db.select().from(orgs).where(eq(orgs.parentId, parentId)).orderBy(orgs.sortOrder);
const importCount = async (t: T) => (await t.db.select({ n: count() }).from(imports))[0].n;

/** Uploads a file; returns the response and, after a redirect, the batch page URL. */
async function upload(c: Client, orgId: number, bytes: Uint8Array<ArrayBuffer>, opts?: { hx?: boolean }) {
  const res = await c.post(`/orgs/${orgId}/import`, uploadForm(bytes), opts);
  const to = res.headers.get("Location") ?? res.headers.get("HX-Redirect") ?? "";
  return { res, url: to };
}

/** Replaces data cells of a workbook (row numbers as in Excel). */
async function editCells(bytes: Uint8Array, cells: Record<string, string>): Promise<Uint8Array<ArrayBuffer>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes.slice().buffer);
  const ws = wb.getWorksheet("数据")!;
  for (const [addr, v] of Object.entries(cells)) ws.getCell(addr).value = v;
  return new Uint8Array(await wb.xlsx.writeBuffer() as ArrayBuffer);
}

Deno.test("import: template → upload → every row previewed → confirm creates the valid rows → fix the report → no duplicates", async () => {
  await using t = await setup();
  const tianqiao = await byName(t, "团天桥区委");
  const c = await t.adminOf(tianqiao.id, 0);

  const page = await c.get(`/orgs/${tianqiao.id}/import`);
  assert.equal(page.status, 200);
  const pageHtml = await page.text();
  assert.match(pageHtml, /enctype="multipart\/form-data"/);
  assert.match(pageHtml, /hx-encoding="multipart\/form-data"/);
  assert.match(pageHtml, /id="upload-progress"/, "a progress indicator while uploading");
  const template = await c.get(`/orgs/${tianqiao.id}/import/template.xlsx`);
  assert.equal(template.status, 200);
  assert.equal(template.headers.get("Content-Type"), XLSX_TYPE);
  assert.match(template.headers.get("Content-Disposition")!, /attachment/);
  const blank = new Uint8Array(await template.arrayBuffer());
  assert.equal((await readSheet(blank))[0][0], "组织简称");

  // Fill the downloaded template.
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(blank.slice().buffer);
  const rows: Cell[][] = [
    ["建国门街道团工委", "团工委", "", ""],
    ["包装车间团总支", "团支部", "", ""],
    ["机关团支部", "团支部", "", 1],
    ["济南一中团委", "党委", "", ""],
    ["机关团支部", "团支部", "", ""],
  ];
  for (const r of rows) wb.getWorksheet("数据")!.addRow(r);
  const filled = new Uint8Array(await wb.xlsx.writeBuffer() as ArrayBuffer);

  const before = await kids(t, tianqiao.id);
  const up = await upload(c, tianqiao.id, filled);
  assert.equal(up.res.status, 303);
  assert.match(up.url, new RegExp(`^/orgs/${tianqiao.id}/import/[A-Za-z0-9_-]{16}$`));
  assert.equal((await kids(t, tianqiao.id)).length, before.length, "nothing created before confirmation");

  const preview = await (await c.get(up.url)).text();
  assert.match(preview, /共 5 行，可创建 2 行，已存在（跳过）0 行，有错误 3 行/);
  assert.match(
    textOf(preview),
    / 3 包装车间团总支 · 团支部 /,
    "row number and cells",
  );
  assert.match(textOf(preview), /组织简称：[^）]*后缀须与组织类别[^）]*）[^）]*建议改为：包装车间团支部/);
  assert.match(preview, /组织类别：组织类别“党委”不正确/);
  assert.match(preview, /组织简称：与第 4 行的组织简称重复/);
  assert.match(preview, /中国共产主义青年团济南市天桥区建国门街道工作委员会/, "proposed full name shown");
  assert.match(preview, /确认创建 2 个组织/);
  assert.match(preview, /id="confirm-progress"/, "a progress indicator while creating");

  const confirm = await c.post(`${up.url}/confirm`);
  assert.equal(confirm.status, 303);
  assert.equal(confirm.headers.get("Location"), up.url);
  const after = await kids(t, tianqiao.id);
  assert.equal(after.length, before.length + 2);
  assert.equal(after[0].shortName, "机关团支部", "placed at position 1");
  assert.deepEqual(after.map((o) => o.sortOrder), after.map((_, i) => i + 1));
  assert.equal(
    after.find((o) => o.shortName === "建国门街道团工委")!.fullName,
    "中国共产主义青年团济南市天桥区建国门街道工作委员会",
  );
  assert.deepEqual(await verifyCounters(t.db), []);
  const [log] = await t.db.select().from(auditLog).where(
    and(eq(auditLog.orgId, tianqiao.id), eq(auditLog.action, "import.confirmed")),
  );
  assert.deepEqual(
    { ...(log.detail as Record<string, unknown>), importId: undefined },
    { importId: undefined, rows: 5, created: 2, skipped: 0, failed: 3 },
  );
  assert.match(await (await c.get(up.url)).text(), /导入完成：已创建 2 个组织，已存在跳过 0 个，失败 3 个/);

  // Confirming again changes nothing.
  assert.equal((await c.post(`${up.url}/confirm`)).status, 303);
  assert.equal((await kids(t, tianqiao.id)).length, before.length + 2);

  // The failure report: the original columns plus 失败原因, fixed and uploaded as is.
  const report = await c.get(`${up.url}/failures.xlsx`);
  assert.equal(report.status, 200);
  const reportBytes = new Uint8Array(await report.arrayBuffer());
  const sheet = await readSheet(reportBytes);
  assert.deepEqual(sheet[0], ["组织简称", "组织类别", "组织全称（可不填）", "排序（可不填）", "失败原因"]);
  assert.deepEqual(sheet.slice(1).map((r) => r[0]), ["包装车间团总支", "济南一中团委", "机关团支部"]);
  assert.match(sheet[1][4], /组织简称：.*建议改为：包装车间团支部/);
  const fixed = await editCells(reportBytes, { A2: "包装车间团支部", B3: "团委" });
  const again = await upload(c, tianqiao.id, fixed);
  const againHtml = await (await c.get(again.url)).text();
  assert.match(againHtml, /共 3 行，可创建 2 行，已存在（跳过）1 行，有错误 0 行/);
  assert.match(againHtml, /已创建，跳过/);
  await c.post(`${again.url}/confirm`);

  // The original file once more: everything valid is recognised as created.
  const third = await upload(c, tianqiao.id, filled);
  assert.match(
    await (await c.get(third.url)).text(),
    /共 5 行，可创建 0 行，已存在（跳过）3 行，有错误 2 行/,
  );
  const final = await kids(t, tianqiao.id);
  assert.equal(final.length, before.length + 4);
  assert.equal(new Set(final.map((o) => o.shortName)).size, final.length, "no duplicates");
  assert.deepEqual(await verifyCounters(t.db), []);
});

Deno.test("import: every kind of bad file gets a clear message and changes nothing", async () => {
  await using t = await setup();
  const tianqiao = await byName(t, "团天桥区委");
  const c = await t.adminOf(tianqiao.id, 0);
  const before = (await kids(t, tianqiao.id)).length;
  const big = new Uint8Array(5 * 1024 * 1024 + 200_000);
  big.set([0x50, 0x4b, 0x03, 0x04]);
  const cases: [string, Uint8Array<ArrayBuffer>, RegExp][] = [
    ["csv", new TextEncoder().encode("组织简称,组织类别\n机关团支部,团支部\n"), /不是 Excel（\.xlsx）格式/],
    ["xls", new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), /旧版 Excel（\.xls）/],
    ["empty file", new Uint8Array(0), /文件是空的/],
    [
      "wrong template",
      await xlsxFile([["机关团支部", "团支部"]], { headers: ["名称", "类别"] }),
      /不是本系统的导入模板/,
    ],
    ["no data rows", await xlsxFile([]), /没有数据/],
    [
      "formula",
      await xlsxFile([[{ formula: '"机关"&"团支部"', result: "机关团支部" }, "团支部"]]),
      /单元格 A2 含有公式/,
    ],
    [
      "merged cells",
      await xlsxFile([["机关团支部", "团支部"]], { edit: (ws) => ws.mergeCells("C2:D2") }),
      /合并单元格/,
    ],
    ["10,001 rows", await xlsxFile(branchRows(10_001)), /超过每个文件 10,000 行的上限/],
    ["over 5 MB", big, /超过 5 MB 的上限/],
  ];
  for (const [what, bytes, message] of cases) {
    const { res } = await upload(c, tianqiao.id, bytes);
    assert.equal(res.status, 422, what);
    const html = await res.text();
    assert.match(html, /文件未导入，没有做任何修改/, what);
    assert.match(html, message, what);
  }
  const none = await c.post(`/orgs/${tianqiao.id}/import`, new FormData());
  assert.equal(none.status, 422);
  assert.match(await none.text(), /请选择要上传的 Excel 文件/);
  // Far beyond the limit: refused before the body is read.
  const huge = new Uint8Array(7 * 1024 * 1024);
  const tooBig = await c.post(`/orgs/${tianqiao.id}/import`, uploadForm(huge));
  assert.equal(tooBig.status, 400);
  assert.match(await tooBig.text(), /超过 5 MB 的上限，没有做任何修改/);
  // htmx: the form comes back in place with the message.
  const { res } = await upload(c, tianqiao.id, new Uint8Array([1, 2, 3]), { hx: true });
  assert.equal(res.status, 422);
  const frag = await res.text();
  assert.doesNotMatch(frag, /<html/);
  assert.match(frag, /id="upload-form"/);
  assert.equal(await importCount(t), 0, "no batch stored");
  assert.equal((await kids(t, tianqiao.id)).length, before, "no org created");
  assert.deepEqual(await verifyCounters(t.db), []);
});

Deno.test("import: initialised leading bodies are recognised and only checked; htmx upload redirects", async () => {
  await using t = await setup();
  const jinan = await byName(t, "团济南市委");
  const c = await t.adminOf(jinan.id, 0);
  const before = (await kids(t, jinan.id)).length;
  const { res, url } = await upload(
    c,
    jinan.id,
    await xlsxFile([["团历下区委", "领导机关团组织"], ["团天桥区委", "1"], [
      "团济南高新区委",
      "领导机关团组织",
    ]]),
    { hx: true },
  );
  assert.equal(res.status, 204);
  assert.ok(url, "HX-Redirect to the preview");
  const html = await (await c.get(url)).text();
  assert.match(html, /可创建 1 行，已存在（跳过）2 行/);
  assert.match(html, /系统已初始化该组织，无需创建/);
  await c.post(`${url}/confirm`);
  const list = await kids(t, jinan.id);
  assert.equal(list.length, before + 1);
  assert.equal(list.filter((o) => o.shortName === "团历下区委").length, 1);
  assert.deepEqual(await verifyCounters(t.db), []);
});

Deno.test("import: only the org's own admin; anonymous sent to sign in; nothing under a 团支部", async () => {
  await using t = await setup();
  const jinan = await byName(t, "团济南市委");
  const tianqiao = await byName(t, "团天桥区委");
  const lixia = await byName(t, "团历下区委");
  const own = await t.adminOf(tianqiao.id, 0);
  const parent = await t.adminOf(jinan.id, 1);
  const sibling = await t.adminOf(lixia.id, 2);
  const root = await t.adminOf(MINI.root, 3);
  const { url } = await upload(own, tianqiao.id, await xlsxFile(branchRows(3)));
  const batch = url.split("/").pop()!;
  const anonymous = t.client();
  for (
    const path of ["/import", "/import/template.xlsx", `/import/${batch}`, `/import/${batch}/failures.xlsx`]
  ) {
    const res = await anonymous.get(`/orgs/${tianqiao.id}${path}`);
    assert.equal(res.status, 303, path);
    assert.match(res.headers.get("Location")!, /^\/login/);
    for (const other of [parent, sibling, root]) {
      const r = await other.get(`/orgs/${tianqiao.id}${path}`);
      assert.equal(r.status, 403, path);
      await r.body?.cancel();
    }
  }
  for (const other of [parent, sibling]) {
    assert.equal(
      (await other.post(`/orgs/${tianqiao.id}/import`, uploadForm(await xlsxFile(branchRows(1))))).status,
      403,
    );
    assert.equal((await other.post(`/orgs/${tianqiao.id}/import/${batch}/confirm`)).status, 403);
  }
  // Another org's admin cannot reach the batch through their own org either.
  const viaOwn = await sibling.get(`/orgs/${lixia.id}/import/${batch}`);
  assert.equal(viaOwn.status, 404);
  assert.equal((await sibling.post(`/orgs/${lixia.id}/import/${batch}/confirm`)).status, 404);
  assert.equal((await kids(t, tianqiao.id)).filter((o) => o.category === 5).length, 0, "nothing confirmed");

  // A 团支部 has no children: the batch pages refuse.
  await own.post(`${url}/confirm`);
  const branch = (await kids(t, tianqiao.id)).find((o) => o.category === 5)!;
  const branchAdmin = await t.adminOf(branch.id, 4);
  const refused = await branchAdmin.get(`/orgs/${branch.id}/import`);
  assert.equal(refused.status, 403);
  assert.match(await refused.text(), /团支部不能有下级组织/);
  assert.equal(
    (await branchAdmin.post(`/orgs/${branch.id}/import`, uploadForm(await xlsxFile(branchRows(1))))).status,
    403,
  );
});
