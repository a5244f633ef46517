/** Progress supervision (SPEC §6): figures, ranking, drill-down, welcome, deadlines, downloads, access. */
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import ExcelJS from "exceljs";
import { writeTx } from "../db/client.ts";
import { applyChange } from "../db/orgs.ts";
import { createChildren } from "../db/children.ts";
import { auditLog, orgs } from "../db/schema.ts";
import { bulkAppend } from "../db/bulk.ts";
import { fieldValue, linksOf, MINI, setup, textOf } from "./helpers.ts";

const JINAN = 11, QINGDAO = 12;
const NOW = new Date("2026-12-15T02:00:00Z"); // after level 2's 12-13, before level 3's 12-20

async function scenario() {
  const t = await setup({ now: () => NOW });
  // Under 团济南市委: one complete county with an admin; a school with a branch.
  await writeTx(t.db, async (tx) => {
    await applyChange(tx, 13 + 2, { infoComplete: 1, adminCount: 1 }); // 团历下区委
    const [school] = await createChildren(
      tx,
      JINAN,
      [{ shortName: "济南一中团委", category: 2, fullName: "中国共产主义青年团济南市济南一中委员会" }],
      1,
      NOW,
    );
    await createChildren(
      tx,
      school.id,
      [{
        shortName: "2017级1班团支部",
        category: 5,
        fullName: "中国共产主义青年团济南市济南一中2017级1班支部委员会",
      }],
      1,
      NOW,
    );
    await applyChange(tx, QINGDAO, { badName: 1 });
  });
  return t;
}

Deno.test("progress: figures over direct children and the whole subtree, and problem counts", async () => {
  await using t = await scenario();
  const c = await t.adminOf(MINI.shandong, 0);
  const res = await c.get(`/orgs/${MINI.shandong}/progress`);
  assert.equal(res.status, 200);
  const html = await res.text();
  // Direct children: 团济南市委, 团青岛市委; none complete.
  assert.match(html, /直属下级（2 个）/);
  // Whole subtree below 团山东省委: 2 cities + 5 counties + school + branch = 9; 1 complete, 1 with admin.
  assert.match(textOf(html), /全部下级（不含本级） 已创建 9 有管理员 1 信息完整 1 完成率 11.1%/);
  assert.match(html, /名称不符合命名规则：1/);
  // No branch beneath: 青岛 and the five counties (山东, 济南 and the school have the new branch beneath).
  assert.ok(
    linksOf(html).some((l) =>
      l.href === "/orgs/3/problems?kind=noBranch" && l.text.startsWith("团委/团工委/团总支下没有团支部：6")
    ),
  );
  assert.match(html, /没有管理员：8/, "10 orgs, admins at 团山东省委 and 团历下区委");
  assert.match(html, /本组织已逾期/, "level 2 deadline 12-13 has passed");
  assert.doesNotMatch(html, /直属下级已逾期/, "level 3 deadline 12-20 not yet");

  const list = await (await c.get(`/orgs/${MINI.shandong}/problems?kind=badName`)).text();
  assert.match(list, /团青岛市委/);
  assert.doesNotMatch(list, /团济南市委/);
  const noBranch = await (await c.get(`/orgs/${MINI.shandong}/problems?kind=noBranch`)).text();
  assert.match(noBranch, /团历下区委/);
  assert.ok(!linksOf(noBranch).some((l) => l.text === "团济南市委"));
  assert.equal((await c.get(`/orgs/${MINI.shandong}/problems?kind=nope`)).status, 404);
});

Deno.test("progress: ranking by completion rate and the lazy drill-down", async () => {
  await using t = await scenario();
  const c = await t.adminOf(MINI.shandong, 0);
  const ranked = await (await c.get(`/orgs/${MINI.shandong}/progress?sort=rate`)).text();
  assert.match(textOf(ranked), /排名/);
  assert.ok(
    ranked.indexOf(">团济南市委<") < ranked.indexOf(">团青岛市委<"),
    "济南 (1 of 7 complete) ranks above 青岛 (0)",
  );
  assert.match(ranked, /hx-get="\/orgs\/11\/progress"/);
  const frag = await c.get(`/orgs/${JINAN}/progress`, { hx: true });
  assert.match(frag.headers.get("Vary") ?? "", /HX-Request/);
  const fragHtml = await frag.text();
  assert.doesNotMatch(fragHtml, /<html/);
  assert.match(fragHtml, /团历下区委/);
  assert.match(fragHtml, /济南一中团委/);
  const full = await (await c.get(`/orgs/${JINAN}/progress`)).text();
  assert.match(full, /<!DOCTYPE html>/);
  assert.match(full, /直属下级进度/);
});

Deno.test("progress: the sign-in summary comes first and can be dismissed", async () => {
  await using t = await scenario();
  const c = await t.adminOf(MINI.shandong, 0);
  await t.db.update(orgs).set({ infoComplete: 1 }).where(eq(orgs.id, MINI.shandong));
  await c.post("/logout");
  const login = await c.login("13800000001");
  assert.equal(login.headers.get("Location"), `/orgs/${MINI.shandong}/progress?welcome=1`);
  const html = await (await c.get(login.headers.get("Location")!)).text();
  assert.match(html, /录入进度提示/);
  assert.ok(linksOf(html).some((l) => l.text === "知道了" && l.href === "/orgs/3/progress"));
  assert.doesNotMatch(await (await c.get(`/orgs/${MINI.shandong}/progress`)).text(), /录入进度提示/);
});

Deno.test("deadlines: only 团中央's admin edits them; bad dates are refused; overdue follows", async () => {
  await using t = await scenario();
  const root = await t.adminOf(MINI.root, 0);
  const sd = await t.adminOf(MINI.shandong, 1);
  assert.equal((await sd.get("/orgs/1/deadlines")).status, 403);
  assert.equal((await sd.get("/orgs/3/deadlines")).status, 403);
  assert.equal((await sd.post("/orgs/3/deadlines", { year: "2026" })).status, 403);
  const form = await (await root.get("/orgs/1/deadlines")).text();
  assert.equal(fieldValue(form, "level2"), "12-13");
  const bad = await root.post("/orgs/1/deadlines", {
    year: "2026",
    level2: "12-40",
    level3: "12-20",
    level4: "12-28",
    level5: "01-10",
    level6: "02-07",
  });
  assert.equal(bad.status, 422);
  assert.match(await bad.text(), /月-日/);
  const ok = await root.post("/orgs/1/deadlines", {
    year: "2026",
    level2: "12-13",
    level3: "12-14",
    level4: "12-28",
    level5: "01-10",
    level6: "02-07",
  });
  assert.equal(ok.status, 303);
  const html = await (await sd.get(`/orgs/${MINI.shandong}/progress`)).text();
  assert.match(html, /2 个直属下级已逾期/);
  assert.match(html, /逾期，截止 2026-12-14/);
  // The change is in 团中央's audit log with the schedule before and after; the refused one is not.
  const log = await t.db.select().from(auditLog).where(eq(auditLog.action, "settings.deadlines"));
  assert.equal(log.length, 1);
  const detail = log[0].detail as {
    before: { levels: Record<string, string> };
    after: { levels: Record<string, string> };
  };
  assert.equal(detail.before.levels["3"], "12-20");
  assert.equal(detail.after.levels["3"], "12-14");
});

Deno.test("progress downloads: the child table and a problem list as .xlsx", async () => {
  await using t = await scenario();
  const c = await t.adminOf(MINI.shandong, 0);
  const res = await c.get(`/orgs/${MINI.shandong}/progress.xlsx?sort=rate`);
  assert.equal(res.status, 200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  const ws = wb.worksheets[0];
  assert.equal(ws.getRow(2).getCell(3).value, "团济南市委");
  assert.equal(ws.getRow(2).getCell(12).value, 6);
  assert.equal(ws.getRow(2).getCell(15).value, 14.3);
  assert.equal(ws.getRow(2).getCell(9).value, "未发", "no code issued to 团济南市委 yet");
  const probs = await c.get(`/orgs/${MINI.shandong}/problems.xlsx?kind=noAdmin`);
  const wb2 = new ExcelJS.Workbook();
  await wb2.xlsx.load(await probs.arrayBuffer());
  assert.equal(
    wb2.worksheets[0].rowCount,
    1 + 8,
    "a header and the 8 orgs without an admin",
  );
});

Deno.test("progress: forbidden outside one's subtree", async () => {
  await using t = await scenario();
  const bj = await t.adminOf(MINI.beijing, 0);
  const jn = await t.adminOf(JINAN, 1);
  for (
    const path of [
      "/orgs/3/progress",
      "/orgs/3/progress.xlsx",
      "/orgs/3/problems?kind=noAdmin",
      "/orgs/3/problems.xlsx?kind=noAdmin",
    ]
  ) {
    assert.equal((await bj.get(path)).status, 403, `sibling ${path}`);
    assert.equal((await jn.get(path)).status, 403, `child ${path}`);
    assert.equal((await t.client().get(path)).status, 303, `anonymous ${path}`);
  }
});

Deno.test("progress: 250 children come 100 a page, ranked and named across pages; direct figures count all", async () => {
  await using t = await setup({ now: () => NOW });
  const LIXIA = 15;
  // Names in an order that is neither pinyin nor creation order; every third one complete.
  const names = Array.from(
    { length: 250 },
    (_, i) => `${["张", "阿", "王"][i % 3]}${String(i).padStart(3, "0")}团支部`,
  );
  const branches = names.map((shortName, i) => ({
    parentId: LIXIA,
    shortName,
    category: 5,
    infoComplete: i % 3 === 0 ? 1 : 0,
  }));
  const ids = await bulkAppend(t.db, branches);
  const c = await t.adminOf(LIXIA, 0);
  const rowNames = (html: string) =>
    [...html.matchAll(/<a href="\/orgs\/\d+\/progress">([^<]+)<\/a><small/g)].map((m) => m[1]);
  const page1 = await (await c.get(`/orgs/${LIXIA}/progress`)).text();
  assert.deepEqual(rowNames(page1), names.slice(0, 100));
  assert.match(page1, /直属下级（250 个）/);
  assert.match(page1, /直属下级完成率（本页）/);
  assert.match(page1, /第 1 \/ 3 页/);
  assert.ok(linksOf(page1).some((l) => l.href === "/orgs/15/progress?sort=order&page=2"));

  // Ranked: the 84 complete ones first (sibling order among equals), numbered on across pages.
  const ranked = [...names.filter((_, i) => i % 3 === 0), ...names.filter((_, i) => i % 3 !== 0)];
  const rank2 = await (await c.get(`/orgs/${LIXIA}/progress?sort=rate&page=2`)).text();
  assert.deepEqual(rowNames(rank2), ranked.slice(100, 200));
  assert.match(textOf(rank2), / 101 /);
  // By name in pinyin order: 阿 (a) before 王 (wang) before 张 (zhang).
  const byName = [...names].sort((a, b) => a.localeCompare(b, "zh-CN"));
  const name3 = await (await c.get(`/orgs/${LIXIA}/progress?sort=name&page=3`)).text();
  assert.deepEqual(rowNames(name3), byName.slice(200));
  assert.ok(rowNames(name3).every((n) => n.startsWith("张")));
  // The spreadsheet has all 250 in the same order.
  const sheet = new ExcelJS.Workbook();
  await sheet.xlsx.load(await (await c.get(`/orgs/${LIXIA}/progress.xlsx?sort=name`)).arrayBuffer());
  const column = sheet.worksheets[0].getColumn(3).values.slice(2);
  assert.deepEqual(column, byName);
  // The drill-down fragment is paged too, and a page beyond the last shows the last.
  const frag = await (await c.get(`/orgs/${LIXIA}/progress?page=9`, { hx: true })).text();
  assert.deepEqual(rowNames(frag), names.slice(200));
  assert.equal(ids.length, 250);
  // Past level 5's deadline the 166 unfinished children are overdue.
  const later = await setup({ now: () => new Date("2027-06-01T00:00:00Z") });
  await using _later = later;
  await bulkAppend(later.db, branches);
  const l = await later.adminOf(LIXIA, 0);
  assert.match(await (await l.get(`/orgs/${LIXIA}/progress`)).text(), /166 个直属下级已逾期/);
});
