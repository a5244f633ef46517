/** Audit log, search, export and masking (SPEC §7, §8). */
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import ExcelJS from "exceljs";
import { writeTx } from "../db/client.ts";
import { createChildren } from "../db/children.ts";
import { searchOrgs } from "../db/search.ts";
import { orgs } from "../db/schema.ts";
import { MINI, PEOPLE, setup, textOf } from "./helpers.ts";

const JINAN = 11;

Deno.test("audit: changes are listed newest first with who, what and before/after; paged", async () => {
  await using t = await setup();
  const c = await t.adminOf(JINAN, 0);
  await c.post(`/orgs/${JINAN}/info`, { phone: "0531-86012345", secretaryIdNumber: "110101199003078670" });
  await c.post(`/orgs/${JINAN}/info`, { phone: "0531-86012346", secretaryIdNumber: "110101199003078670" });
  const html = await (await c.get(`/orgs/${JINAN}/audit`)).text();
  assert.match(html, /修改组织信息/);
  assert.match(textOf(html), /0531-86012345 → 0531-86012346/);
  assert.match(html, /1101\*\*\*\*\*\*\*\*\*\*8670/);
  assert.doesNotMatch(html, /110101199003078670/);
  assert.ok(
    html.indexOf("0531-86012346</td>") < html.indexOf("（空）</td><td>→ 0531-86012345"),
    "newest first",
  );
  // 60 entries → two pages; the second comes as a fragment for htmx.
  for (let i = 0; i < 60; i++) await c.post(`/orgs/${JINAN}/children/15/${i % 2 ? "up" : "down"}`);
  const first = await (await c.get(`/orgs/15/audit`)).text();
  assert.equal(first.match(/调整排序/g)?.length, 50, "the child's history, 50 per page");
  const more = first.match(/href="(\/orgs\/15\/audit\?before=\d+)"/)![1];
  const frag = await (await c.get(more, { hx: true })).text();
  assert.doesNotMatch(frag, /<html/);
  assert.equal(frag.match(/调整排序/g)?.length, 10);
  // Ancestors read it; siblings and children do not.
  assert.equal((await (await t.adminOf(MINI.root, 1)).get(`/orgs/${JINAN}/audit`)).status, 200);
  assert.equal((await (await t.adminOf(12, 2)).get(`/orgs/${JINAN}/audit`)).status, 403);
  assert.equal((await (await t.adminOf(13, 3)).get(`/orgs/${JINAN}/audit`)).status, 403);
});

Deno.test("search: partial 简称 or 全称 within one's subtree, paged", async () => {
  await using t = await setup();
  await writeTx(t.db, (tx) =>
    createChildren(
      tx,
      JINAN,
      Array.from(
        { length: 30 },
        (_, i) => ({
          shortName: `建国门${i + 1}号社区团支部`,
          category: 5 as const,
          fullName: `中国共产主义青年团济南市建国门${i + 1}号社区支部委员会`,
        }),
      ),
      1,
      new Date(),
    ));
  const c = await t.adminOf(JINAN, 0);
  const page1 = await (await c.get(`/orgs/${JINAN}/search?q=${encodeURIComponent("建国门")}`)).text();
  assert.equal(page1.match(/建国门\d+号社区团支部<\/a>/g)?.length, 20);
  assert.match(page1, /团济南市委/, "trail");
  const more = page1.match(/href="(\/orgs\/11\/search\?q=[^"]+)"/)![1].replaceAll("&amp;", "&");
  const page2 = await (await c.get(more, { hx: true })).text();
  assert.equal(page2.match(/建国门\d+号社区团支部<\/a>/g)?.length, 10);
  // Full-name match.
  assert.match(
    await (await c.get(`/orgs/${JINAN}/search?q=${encodeURIComponent("天桥")}`)).text(),
    /团天桥区委/,
  );
  // One character in a small subtree works.
  assert.match(
    await (await c.get(`/orgs/${JINAN}/search?q=${encodeURIComponent("槐")}`)).text(),
    /团槐荫区委/,
  );
  // Outside the subtree nothing is found.
  const qd = await t.adminOf(12, 1);
  assert.match(await (await qd.get(`/orgs/12/search?q=${encodeURIComponent("建国门")}`)).text(), /没有找到/);
  assert.equal((await qd.get(`/orgs/${JINAN}/search?q=x`)).status, 403);
  // Renames are searchable under the new name.
  const [first] = await t.db.select().from(orgs).where(eq(orgs.shortName, "建国门1号社区团支部"));
  await c.post(`/orgs/${JINAN}/children/${first.id}/edit`, {
    shortName: "朝阳门社区团支部",
    category: "5",
    fullName: first.fullName!,
  });
  assert.equal((await searchOrgs(t.db, "朝阳门", { rootPath: "/1/" })).length, 1);
  assert.equal((await searchOrgs(t.db, "%", { rootPath: "/1/" })).length, 0, "wildcards are literal");
});

Deno.test("search: one character over a large subtree asks for more", async () => {
  await using t = await setup();
  const c = await t.adminOf(MINI.root, 0);
  // Pretend the tree is large (the counters are what the check reads).
  await t.db.update(orgs).set({ subOrgs: 60_000 }).where(eq(orgs.id, MINI.root));
  const html = await (await c.get(`/orgs/1/search?q=${encodeURIComponent("济")}`)).text();
  assert.match(html, /请至少输入两个字/);
  const two = await (await c.get(`/orgs/1/search?q=${encodeURIComponent("济南")}`)).text();
  assert.match(two, /团济南市委/);
  const small = await (await c.get(`/orgs/${JINAN}/search?q=${encodeURIComponent("历")}`)).text();
  assert.match(small, /团历下区委/, "small subtrees accept one character");
});

Deno.test("export: the whole subtree as .xlsx, masked unless explicitly asked, which is audited", async () => {
  await using t = await setup();
  const own = await t.adminOf(JINAN, 0);
  await own.post(`/orgs/${JINAN}/info`, {
    secretaryName: "王五",
    secretaryIdNumber: PEOPLE[1].idNumber,
    secretaryMobile: "13912345678",
  });
  const root = await t.adminOf(MINI.shandong, 1);
  const res = await root.get(`/orgs/${MINI.shandong}/export.xlsx`);
  assert.equal(res.status, 200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  const ws = wb.worksheets[0];
  assert.equal(ws.rowCount, 1 + 8, "团山东省委 and its 7 descendants");
  const rows = [...Array(ws.rowCount).keys()].slice(1).map((i) =>
    (ws.getRow(i + 1).values as unknown[]).slice(1)
  );
  const jinan = rows.find((r) => r[1] === "团济南市委")!;
  assert.equal(jinan[0], "团山东省委");
  assert.equal(jinan[10], "4403**********1512");
  assert.equal(jinan[11], "139****5678");
  assert.equal(rows.find((r) => r[1] === "团天桥区委")![0], "团山东省委/团济南市委");

  const plain = await root.post(`/orgs/${MINI.shandong}/export.xlsx`, { unmasked: "1" });
  const wb2 = new ExcelJS.Workbook();
  await wb2.xlsx.load(await plain.arrayBuffer());
  const all = JSON.stringify(wb2.worksheets[0].getSheetValues());
  assert.match(all, new RegExp(PEOPLE[1].idNumber));
  const log = await (await root.get(`/orgs/${MINI.shandong}/audit`)).text();
  assert.match(log, /导出未脱敏数据/);
  assert.equal((await (await t.adminOf(12, 2)).get(`/orgs/${JINAN}/export.xlsx`)).status, 403);
});

Deno.test("masking: no page shows another person's full ID or mobile number", async () => {
  await using t = await setup();
  const own = await t.adminOf(JINAN, 0);
  await own.post(`/orgs/${JINAN}/info`, {
    secretaryIdNumber: PEOPLE[2].idNumber,
    secretaryMobile: "13912345678",
  });
  const root = await t.adminOf(MINI.root, 1);
  const pages = [
    `/orgs/${JINAN}`,
    `/orgs/${JINAN}/info`,
    `/orgs/${JINAN}/audit`,
    `/orgs/${MINI.shandong}/children`,
    `/orgs/${MINI.shandong}/progress`,
    `/orgs/1/search?q=${encodeURIComponent("济南")}`,
    `/tree/${MINI.shandong}`,
    `/orgs/${JINAN}/export`,
  ];
  for (const p of pages) {
    const html = await (await root.get(p)).text();
    for (
      const secret of [
        PEOPLE[2].idNumber,
        "13912345678",
        PEOPLE[0].idNumber,
        PEOPLE[0].mobile,
        PEOPLE[1].mobile,
      ]
    ) {
      assert.ok(!html.includes(secret), `${p} shows ${secret}`);
    }
  }
  // The owner's own edit form shows them in full.
  const form = await (await own.get(`/orgs/${JINAN}/info`)).text();
  assert.ok(form.includes(PEOPLE[2].idNumber));
});
