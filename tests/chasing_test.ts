/** Chasing (issue 12 items 8–10): who to call per row, the 催办清单, codes ready for a 微信群, the 通报. */
import assert from "node:assert/strict";
import { bulkAppend } from "../db/bulk.ts";
import { and, eq } from "drizzle-orm";
import ExcelJS from "exceljs";
import { createApp } from "../app.ts";
import { writeTx } from "../db/client.ts";
import { issueCodes } from "../db/codes.ts";
import { progressSnapshots } from "../db/schema.ts";
import { orgs } from "../db/schema.ts";
import { applyChange } from "../db/orgs.ts";
import { hasDailySnapshot, takeDailySnapshot } from "../db/snapshots.ts";
import { addBranches, Client, makeAdmin, MINI, PEOPLE, setup, textOf } from "./helpers.ts";

const JINAN = 11, LIXIA = 15, SHIZHONG = 16, HUAIYIN = 17, TIANQIAO = 18;
const NOW = new Date("2026-12-15T02:00:00Z");

async function names(t: Awaited<ReturnType<typeof setup>>, ids: number[]) {
  const rows = await t.db.select({ id: orgs.id, shortName: orgs.shortName }).from(orgs);
  return ids.map((id) => rows.find((r) => r.id === id)!.shortName);
}

Deno.test("chasing: progress rows carry trail, admin, masked mobile, phone and code status", async () => {
  let clock = NOW;
  await using t = await setup({ now: () => clock });
  assert.deepEqual(await names(t, [JINAN, LIXIA, SHIZHONG, HUAIYIN, TIANQIAO]), [
    "团济南市委",
    "团历下区委",
    "团市中区委",
    "团槐荫区委",
    "团天桥区委",
  ]);
  const c = await t.adminOf(MINI.shandong, 0);
  await makeAdmin(t.db, LIXIA, { name: "王五", ...PEOPLE[1] });
  await t.db.update(orgs).set({ phone: "0531-86012345" }).where(eq(orgs.id, LIXIA));
  await writeTx(t.db, async (tx) => {
    await issueCodes(tx, [SHIZHONG], { accountId: null }, NOW); // valid
    await issueCodes(tx, [HUAIYIN], { accountId: null }, new Date("2026-11-01T00:00:00Z")); // expired
  });
  const html = await (await c.get(`/orgs/${JINAN}/progress`)).text();
  const row = (name: string) => textOf(html.split(`>${name}</a>`)[1].split("</tr>")[0]);
  assert.match(row("团历下区委"), /团济南市委/, "the trail below the viewer's org");
  assert.match(row("团历下区委"), /王五 138\*\*\*\*0002/);
  assert.match(row("团历下区委"), /电话 0531-86012345/);
  assert.match(row("团历下区委"), /已注册/);
  assert.match(row("团市中区委"), /无管理员 已发未注册/);
  assert.match(row("团槐荫区委"), /已过期/);
  assert.match(row("团天桥区委"), /未发/);
  assert.ok(!html.includes(PEOPLE[1].mobile), "the full mobile is never shown");
  // Colour-coded bars: 0% is an empty track, no fill.
  assert.match(html, /<span class="meter low"><span class="track" aria-hidden="true"><\/span> 0\.0%/);

  // The 催办清单 of 团山东省委: every org below still to chase, with the same columns.
  const res = await c.get(`/orgs/${MINI.shandong}/chase.xlsx`);
  assert.equal(res.status, 200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  const ws = wb.worksheets[0];
  assert.equal(ws.name, "催办清单");
  const rows = ws.getSheetValues().slice(2).map((r) => (r as unknown[]).slice(1));
  const lixia = rows.find((r) => r[2] === "团历下区委")!;
  assert.deepEqual(lixia.slice(1), [
    "团济南市委",
    "团历下区委",
    4,
    "领导机关团组织",
    "信息未完整",
    "王五",
    "138****0002",
    "0531-86012345",
    "已注册",
  ]);
  assert.equal(rows.find((r) => r[2] === "团槐荫区委")![9], "已过期");
  assert.equal(rows.length, 7, "2 cities and 5 counties, none complete");
  clock = NOW;
});

Deno.test("chasing: problem lists tell same-named orgs apart by their path, 100 a page", async () => {
  await using t = await setup({ now: () => NOW });
  await addBranches(t.db, LIXIA, 1);
  await addBranches(t.db, SHIZHONG, 1);
  const c = await t.adminOf(MINI.shandong, 0);
  const html = await (await c.get(`/orgs/${MINI.shandong}/problems?kind=noAdmin`)).text();
  const text = textOf(html);
  assert.match(text, /团济南市委 › 团历下区委 第1团支部/);
  assert.match(text, /团济南市委 › 团市中区委 第1团支部/);
  const res = await c.get(`/orgs/${MINI.shandong}/problems.xlsx?kind=noAdmin`);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  const paths = wb.worksheets[0].getSheetValues().slice(2).map((r) => (r as unknown[]).slice(1, 3).join(" "));
  assert.ok(paths.includes("团济南市委 › 团历下区委 第1团支部"));
  assert.ok(paths.includes("团济南市委 › 团市中区委 第1团支部"));
  // 120 branches without an admin: the first page shows 100, the next link the rest.
  await addBranches(t.db, TIANQIAO, 120);
  const tq = await t.adminOf(TIANQIAO, 1);
  const first = await (await tq.get(`/orgs/${TIANQIAO}/problems?kind=noAdmin`)).text();
  assert.equal([...first.matchAll(/<li>/g)].length, 100);
  assert.match(first, /下一页/);
  // Spreadsheets are read 500 orgs at a time: 1,120 come whole, each once, numbered in order.
  await bulkAppend(
    t.db,
    Array.from(
      { length: 1_000 },
      (_, i) => ({ parentId: TIANQIAO, shortName: `第${121 + i}团支部`, category: 5 }),
    ),
  );
  for (const [url, name] of [["chase.xlsx", 2], ["problems.xlsx?kind=noAdmin", 1]] as const) {
    const sheet = new ExcelJS.Workbook();
    await sheet.xlsx.load(await (await tq.get(`/orgs/${TIANQIAO}/${url}`)).arrayBuffer());
    const got = sheet.worksheets[0].getSheetValues().slice(2).map((r) => (r as unknown[]).slice(1));
    assert.equal(got.length, 1_120, url);
    assert.equal(new Set(got.map((r) => r[name])).size, 1_120, `${url}: each org once`);
    if (url === "chase.xlsx") assert.deepEqual(got.map((r) => r[0]), got.map((_, i) => i + 1));
  }
});

Deno.test("codes for the 微信群: ready-to-paste text with the public address, a copy button, a sheet column", async () => {
  await using t = await setup({ now: () => NOW });
  const c = await t.adminOf(JINAN, 0);
  const issued = await c.post(`/orgs/${JINAN}/children/${LIXIA}/code`, {}, { hx: true });
  const box = await issued.text();
  const code = box.match(/<code class="code" translate="no">([^<]+)<\/code>/)![1];
  assert.ok(
    box.includes(
      `团历下区委管理员注册码：${code}，有效期至2027-01-04 10:00（北京时间），仅限一名管理员使用，区分大小写。注册网址：http://localhost/register`,
    ),
  );
  assert.match(box, /<textarea id="paste-15" class="paste" readonly rows="3">/);
  assert.match(
    box,
    /<button type="button" class="copy" data-copy="paste-15" hidden="">/,
    "shown by app.js only",
  );
  // PUBLIC_URL wins over the request's origin.
  const app = createApp({ db: t.db, sheets: t.sheets, now: () => NOW, publicUrl: "https://zhtj.example.cn" });
  const other = new Client(app);
  await makeAdmin(t.db, SHIZHONG, PEOPLE[2]);
  await other.login(PEOPLE[0].mobile);
  const page = await (await other.get(`/orgs/${JINAN}/children/${LIXIA}/code`)).text();
  assert.ok(page.includes(`注册网址：https://zhtj.example.cn/register`));
  // The batch sheet has the text per child.
  const res = await c.post(`/orgs/${JINAN}/codes.xlsx`);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  const ws = wb.worksheets[0];
  assert.equal(ws.getRow(1).getCell(6).value, "发到微信群的文字");
  const lixia = ws.getSheetValues().slice(2).find((r) => (r as unknown[])[2] === "团历下区委") as unknown[];
  assert.equal(lixia[4], code, "the code already valid is reused");
  assert.match(String(lixia[6]), new RegExp(`^团历下区委管理员注册码：${code}，有效期至`));
});

Deno.test("snapshots: daily for levels 1–4 once per Beijing date, also when two instances race", async () => {
  await using t = await setup({ now: () => NOW });
  await addBranches(t.db, LIXIA, 2); // level 5: not in the daily snapshot
  const [a, b] = await Promise.all([takeDailySnapshot(t.db, NOW), takeDailySnapshot(t.db, NOW)]);
  const all = await t.db.select().from(progressSnapshots);
  const topLevels = (await t.db.select().from(orgs)).filter((o) => o.level <= 4).length;
  assert.equal(all.length, topLevels);
  assert.equal(a + b, topLevels, "the second one added nothing");
  assert.ok(all.every((s) => s.day === "2026-12-15"));
  assert.equal(await takeDailySnapshot(t.db, new Date("2026-12-15T15:59:00Z")), 0, "still 12-15 in Beijing");
  assert.ok(await hasDailySnapshot(t.db, "2026-12-15"));
  assert.equal(
    await takeDailySnapshot(t.db, new Date("2026-12-15T16:00:00Z")),
    topLevels,
    "Beijing midnight: a new day",
  );
  const lixia = all.find((s) => s.orgId === LIXIA)!;
  assert.equal(lixia.subOrgs, 3, "from the counters: the county and its two branches");
});

Deno.test("通报: change since the last report, ranking with movement, SVG chart, on-demand snapshot", async () => {
  let clock = new Date("2026-12-11T02:00:00Z");
  await using t = await setup({ now: () => clock });
  const c = await t.adminOf(JINAN, 0);
  const province = await t.adminOf(MINI.shandong, 1);
  // Before any snapshot: a notice and, for the org's own admin, the button.
  const empty = await (await c.get(`/orgs/${JINAN}/report`)).text();
  assert.match(empty, /还没有本组织的进度快照/);
  assert.match(empty, /生成今日快照（2026-12-11）/);
  // First report: 团市中区委 is complete, the others not.
  await writeTx(t.db, (tx) => applyChange(tx, SHIZHONG, { infoComplete: 1 }));
  assert.equal((await c.post(`/orgs/${JINAN}/report/snapshot`)).status, 303);
  // Second report four days later: 团天桥区委 gets two complete branches and is complete itself.
  clock = new Date("2026-12-15T02:00:00Z");
  const ids = await addBranches(t.db, TIANQIAO, 2);
  await writeTx(t.db, async (tx) => {
    for (const id of [TIANQIAO, ...ids]) await applyChange(tx, id, { infoComplete: 1 });
  });
  await takeDailySnapshot(t.db, clock);
  // Four days on, the sessions have ended: sign in again.
  await c.login(PEOPLE[0].mobile);
  await province.login(PEOPLE[1].mobile);
  const html = await (await c.get(`/orgs/${JINAN}/report`)).text();
  const text = textOf(html);
  assert.match(text, /团济南市委录入进度通报（2026-12-15，对比 2026-12-11）/);
  assert.match(text, /较 2026-12-11 新增组织 \+2 个，新增信息完整 \+3 个/);
  // 团市中区委 stays first; 团天桥区委 reaches 100% and shares the first rank (it was 2nd, tied at 0%);
  // 团历下区委 and 团槐荫区委 fall from a shared 2nd to a shared 3rd.
  const rows = [
    ...html.matchAll(
      /<tr><td>(\d+)<\/td><td class="[^"]*">([^<]+)<\/td><td><a href="\/orgs\/(\d+)\/report">/g,
    ),
  ].map((m) => [Number(m[1]), m[2], Number(m[3])]);
  assert.deepEqual(rows, [[1, "–", SHIZHONG], [1, "↑1", TIANQIAO], [3, "↓1", LIXIA], [3, "↓1", HUAIYIN]]);
  assert.match(html, /<svg viewBox="0 0 600 160"/);
  assert.match(html, /<polyline points="[\d.,]+ [\d.,]+"/, "two points: the two reports");
  assert.match(text, /团天桥区委 3 （\+2） /);
  // An ancestor reads it too; only the org's own admin takes a snapshot.
  assert.equal((await province.get(`/orgs/${JINAN}/report`)).status, 200);
  assert.equal((await province.post(`/orgs/${JINAN}/report/snapshot`)).status, 403);
  // Comparing two chosen dates; a date without a snapshot is a 404, a malformed one a 400, both in Chinese.
  assert.equal((await c.get(`/orgs/${JINAN}/report?to=2026-12-11`)).status, 200);
  const missing = await c.get(`/orgs/${JINAN}/report?to=2026-12-12`);
  assert.equal(missing.status, 404);
  assert.match(await missing.text(), /2026-12-12 没有本组织的进度快照/);
  const bad = await c.get(`/orgs/${JINAN}/report?from=12/11`);
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /提交的内容有误/);
  // On demand later the same day: today's figures refreshed, not duplicated.
  await writeTx(t.db, (tx) => applyChange(tx, LIXIA, { infoComplete: 1 }));
  await c.post(`/orgs/${JINAN}/report/snapshot`);
  const [today] = await t.db.select().from(progressSnapshots).where(
    and(eq(progressSnapshots.orgId, LIXIA), eq(progressSnapshots.day, "2026-12-15")),
  );
  assert.equal(today.subComplete, 1);
  assert.equal(
    (await t.db.select().from(progressSnapshots).where(eq(progressSnapshots.orgId, LIXIA))).length,
    2,
  );
});
