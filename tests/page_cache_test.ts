/**
 * What a write drops from the caches (issue 14, item 3): only what it
 * changes. To see that a page was kept, the tests change a row behind the
 * app's back (a direct UPDATE that names nothing): a kept page still shows the
 * old value, a page rebuilt after a write shows the new one.
 */
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { createApp } from "../app.ts";
import type { Db } from "../db/client.ts";
import { orgs } from "../db/schema.ts";
import { Client, MINI, setup } from "./helpers.ts";

/** Renames an org's 全称 (or 简称) directly in the database, telling no cache. */
const behindTheBack = (t: { db: Db }, id: number, name: string, column = "full_name") =>
  t.db.$client.execute({ sql: `UPDATE orgs SET ${column} = ? WHERE id = ?`, args: [name, id] });

/** Jinan's admin creates 济南大学团委 under it (a write that moves the counters of Jinan's ancestors). */
const newChildOfJinan = (jn: Client, jinanId: number) =>
  jn.post(`/orgs/${jinanId}/children/new`, {
    shortName: "济南大学团委",
    category: "2",
    fullName: "中国共产主义青年团济南大学委员会",
  });

const INFO = {
  phone: "053112345678",
  email: "tw@example.cn",
  adminQuota: "3",
  adminActual: "2",
  instQuota: "1",
  instActual: "1",
  secretaryName: "张三",
  secretaryIdNumber: "110101199003078670",
  secretaryMobile: "13800138000",
};

Deno.test("page cache: a write in another province keeps a page; a write below the org refreshes it", async () => {
  await using t = await setup();
  const sd = await t.adminOf(MINI.shandong, 0);
  const bj = await t.adminOf(MINI.beijing, 1);
  const [jinan] = await t.db.select().from(orgs).where(eq(orgs.shortName, "团济南市委"));
  const progress = () => sd.get(`/orgs/${MINI.shandong}/progress`).then((r) => r.text());
  assert.match(await progress(), /团济南市委/);
  await behindTheBack(t, jinan.id, "团济南市委（改）", "short_name");
  // Beijing saves its info: nothing in Shandong changed, the kept page is sent.
  const saved = await bj.post(`/orgs/${MINI.beijing}/info`, {
    fullName: "中国共产主义青年团北京市委员会",
    ...INFO,
  });
  assert.equal(saved.status, 303);
  assert.doesNotMatch(await progress(), /（改）/, "kept across a write elsewhere");
  // A new child of Jinan moves Jinan's counters, which Shandong's progress page shows: rebuilt.
  const jn = await t.adminOf(jinan.id, 2);
  const made = await newChildOfJinan(jn, jinan.id);
  assert.equal(made.status, 303);
  assert.match(await progress(), /（改）/, "rebuilt after a write below");
});

Deno.test("page cache: the info page and child list outlast writes that move counters only", async () => {
  await using t = await setup();
  const sd = await t.adminOf(MINI.shandong, 0);
  const [jinan] = await t.db.select().from(orgs).where(eq(orgs.shortName, "团济南市委"));
  const [qingdao] = await t.db.select().from(orgs).where(eq(orgs.shortName, "团青岛市委"));
  const [county] = await t.db.select().from(orgs).where(eq(orgs.parentId, jinan.id)).limit(1);
  const jn = await t.adminOf(jinan.id, 1);
  const ct = await t.adminOf(county.id, 2);
  const list = () => sd.get(`/orgs/${MINI.shandong}/children`).then((r) => r.text());
  const info = () => sd.get(`/orgs/${MINI.shandong}/info`).then((r) => r.text());
  const progress = () => sd.get(`/orgs/${MINI.shandong}/progress`).then((r) => r.text());
  assert.match(await list(), /团青岛市委/);
  assert.doesNotMatch(await info(), /（改）/);
  assert.match(await progress(), /团青岛市委/);
  await behindTheBack(t, qingdao.id, "中国共产主义青年团青岛市委员会（改）");
  await behindTheBack(t, qingdao.id, "团青岛市委（改）", "short_name");
  await behindTheBack(t, MINI.shandong, "中国共产主义青年团山东省委员会（改）");

  // Two levels down: a county's info save and a new child of Jinan move only counters above them.
  const save = await ct.post(`/orgs/${county.id}/info`, { fullName: county.fullName ?? "", ...INFO });
  assert.equal(save.status, 303);
  const made = await newChildOfJinan(jn, jinan.id);
  assert.equal(made.status, 303);
  assert.doesNotMatch(await list(), /（改）/, "Shandong's child list shows no counters: kept");
  assert.doesNotMatch(await info(), /（改）/, "Shandong's info page shows no counters: kept");
  assert.match(await progress(), /（改）/, "Shandong's progress page shows the counters: rebuilt");

  // Jinan's own info (its status in Shandong's list) changes: the list is rebuilt and shows it.
  assert.doesNotMatch(await list(), /团济南市委[\s\S]*?信息完整/);
  const own = await jn.post(`/orgs/${jinan.id}/info`, { fullName: jinan.fullName ?? "", ...INFO });
  assert.equal(own.status, 303);
  const rebuilt = await list();
  assert.match(rebuilt, /青岛市委员会（改）/, "rebuilt after a change to a row it lists");
  assert.match(rebuilt, /团济南市委<\/a>[\s\S]*?信息完整/, "with Jinan's new status");
  assert.doesNotMatch(await info(), /（改）/, "a child's own change is not its parent's info");
});

Deno.test("page cache: an ancestor's problem list is kept across a save it does not show", async () => {
  await using t = await setup();
  const sd = await t.adminOf(MINI.shandong, 0);
  const [jinan] = await t.db.select().from(orgs).where(eq(orgs.shortName, "团济南市委"));
  const [county] = await t.db.select().from(orgs).where(eq(orgs.parentId, jinan.id)).limit(1);
  const own = await t.adminOf(county.id, 1);
  const save = (extra: Record<string, string>) =>
    own.post(`/orgs/${county.id}/info`, { fullName: county.fullName ?? "", ...INFO, ...extra });
  assert.equal((await save({})).status, 303);
  // A 团委 without a 团支部 below: listed in Shandong's problems.
  const problems = () => sd.get(`/orgs/${MINI.shandong}/problems?kind=noBranch`).then((r) => r.text());
  assert.match(await problems(), new RegExp(county.shortName));
  // The chase cell shows the admin's name: renamed behind the app's back.
  await t.db.$client.execute({
    sql: "UPDATE accounts SET name = '改名' WHERE id IN (SELECT account_id FROM org_admins WHERE org_id = ?)",
    args: [county.id],
  });
  // A new secretary only: Shandong's list does not show it and is kept.
  assert.equal((await save({ secretaryName: "李四" })).status, 303);
  assert.doesNotMatch(await problems(), /改名/, "kept: nothing it shows changed");
  // A new 团组织联系电话 shows in Shandong's list: rebuilt.
  assert.equal((await save({ secretaryName: "李四", phone: "053187654321" })).status, 303);
  assert.match(await problems(), /改名/, "rebuilt after a change it shows");
});

Deno.test("page cache: the viewer's own writes show at once; pages are per viewer", async () => {
  await using t = await setup();
  const sd = await t.adminOf(MINI.shandong, 0);
  const other = await t.adminOf(MINI.shandong, 1);
  const info = () => sd.get(`/orgs/${MINI.shandong}/info`).then((r) => r.text());
  assert.doesNotMatch(await info(), /053112345678/);
  await sd.post(`/orgs/${MINI.shandong}/info`, { fullName: "中国共产主义青年团山东省委员会", ...INFO });
  assert.match(await info(), /053112345678/);
  // Each viewer's page carries their own name and token.
  const mine = await info(), theirs = await other.get(`/orgs/${MINI.shandong}/info`).then((r) => r.text());
  assert.match(mine, new RegExp(sd.cookies.get("csrf")!));
  assert.match(theirs, new RegExp(other.cookies.get("csrf")!));
  assert.doesNotMatch(theirs, new RegExp(sd.cookies.get("csrf")!));
});

Deno.test("page cache: the same cached expand for every viewer, refreshed by a write below", async () => {
  await using t = await setup();
  const root = await t.adminOf(MINI.root, 0);
  const sd = await t.adminOf(MINI.shandong, 1);
  const [jinan] = await t.db.select().from(orgs).where(eq(orgs.shortName, "团济南市委"));
  const expand = (c: Client) => c.get(`/tree/${MINI.shandong}`, { hx: true }).then((r) => r.text());
  const first = await expand(root);
  assert.equal(await expand(sd), first);
  // The counts of a new child's parent change in the parent's parent's expand.
  await sd.post(`/orgs/${MINI.shandong}/children/new`, {
    shortName: "山东大学团委",
    category: "2",
    fullName: "中国共产主义青年团山东大学委员会",
  });
  assert.match(await expand(root), /山东大学团委/);
  const jn = await t.adminOf(jinan.id, 2);
  const before = await expand(root);
  await jn.post(`/orgs/${jinan.id}/children/new`, {
    shortName: "历城区第二团工委",
    category: "3",
    fullName: "中国共产主义青年团济南市历城区第二工作委员会",
  });
  assert.notEqual(await expand(root), before, "Jinan's counts in Shandong's expand moved");
});

Deno.test("page cache: off by AppDeps.pageCache, every page is built afresh", async () => {
  await using t = await setup();
  const app = createApp({ db: t.db, sheets: t.sheets, pageCache: false });
  const [jinan] = await t.db.select().from(orgs).where(eq(orgs.shortName, "团济南市委"));
  const sd = await t.adminOf(MINI.shandong, 0);
  const c = new Client(app);
  c.cookies = new Map(sd.cookies);
  assert.match(await c.get(`/orgs/${MINI.shandong}/children`).then((r) => r.text()), /团济南市委/);
  await behindTheBack(t, jinan.id, "中国共产主义青年团济南市委员会（改）");
  assert.match(await c.get(`/orgs/${MINI.shandong}/children`).then((r) => r.text()), /（改）/);
});

Deno.test("page cache: a session outlasts counter writes below its org; a rename of its org shows at once", async () => {
  await using t = await setup();
  const [city] = await t.db.select().from(orgs).where(eq(orgs.shortName, "团济南市委"));
  const jinan = await t.adminOf(city.id, 0);
  await jinan.post(`/orgs/${city.id}/children/new`, {
    shortName: "济南一中团委",
    category: "2",
    fullName: "中国共产主义青年团济南市济南一中委员会",
  });
  const [school] = await t.db.select().from(orgs).where(eq(orgs.shortName, "济南一中团委"));
  const admin = await t.adminOf(school.id, 1);
  /** The org name in the header's account links (the session's), and the page's own heading. */
  const seen = async () => {
    const html = await admin.get(`/orgs/${school.id}`).then((r) => r.text());
    return {
      header: html.match(/<nav aria-label="账户"><a href="\/orgs\/\d+">([^<]*)<\/a>/)?.[1],
      page: html.includes("济南市第一中学团委"),
    };
  };
  assert.deepEqual(await seen(), { header: "济南一中团委", page: false });
  await t.db.$client.execute({
    sql: "UPDATE orgs SET short_name = '济南市第一中学团委' WHERE id = ?",
    args: [school.id],
  });
  // A new 团支部 moves the school's counters: its page is built again (and reads the changed row), while the
  // session, which keeps only the org's id, path and name, is kept: the header still shows what it loaded.
  const created = await admin.post(`/orgs/${school.id}/children/new`, {
    shortName: "高一（1）班团支部",
    category: "5",
    fullName: "中国共产主义青年团济南一中高一（1）班支部委员会",
  });
  assert.equal(created.status, 303);
  assert.deepEqual(await seen(), { header: "济南一中团委", page: true });
  // A rename through the app names everything: the header shows it on the next page.
  const renamed = await jinan.post(`/orgs/${city.id}/children/${school.id}/edit`, {
    shortName: "济南第一中学团委",
    category: "2",
    fullName: "中国共产主义青年团济南第一中学委员会",
  });
  assert.equal(renamed.status, 303);
  assert.equal((await seen()).header, "济南第一中学团委");
});
