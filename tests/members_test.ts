/** Members over HTTP (SPEC §9): list (paged, masked), add, edit, remove, duplicates, audit, the daily roll. */
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { writeTx } from "../db/client.ts";
import { addMembers, verifyMemberCounters } from "../db/members.ts";
import { getOrg } from "../db/orgs.ts";
import { verifyCounters } from "../db/recount.ts";
import { auditLog, members, orgs } from "../db/schema.ts";
import { checkMember } from "../lib/member_rules.ts";
import { bulkAppend } from "../db/bulk.ts";
import { PEOPLE, setup } from "./helpers.ts";
import { readSheet } from "./import_files.ts";
import { idFor, validInput } from "./member_helpers.ts";

type T = Awaited<ReturnType<typeof setup>>;

const byName = async (t: T, name: string) =>
  (await t.db.select().from(orgs).where(eq(orgs.shortName, name)))[0];

/** Two 团支部 under 团天桥区委 and their admins, the county's and the province's. */
async function world(t: T) {
  const county = await byName(t, "团天桥区委");
  const [a, b] = await bulkAppend(t.db, [
    { parentId: county.id, shortName: "机关团支部", category: 5, industry: "党政机关" },
    { parentId: county.id, shortName: "第2车间团支部", category: 5, industry: "国有企业" },
  ]);
  return {
    county,
    a,
    b,
    branch: await t.adminOf(a, 0),
    other: await t.adminOf(b, 1),
    parent: await t.adminOf(county.id, 2),
    province: await t.adminOf(3, 3),
  };
}

const form = (over = {}) => ({ ...validInput(over) }) as unknown as Record<string, string>;

async function exact(t: T) {
  assert.deepEqual(await verifyMemberCounters(t.db), []);
  assert.deepEqual(await verifyCounters(t.db), []);
}

Deno.test("members: the branch admin adds, edits (its form in full) and removes; lists are masked", async () => {
  await using t = await setup({ now: () => new Date("2026-12-03T02:00:00Z") });
  const w = await world(t);
  let html = await (await w.branch.get(`/orgs/${w.a}/members`)).text();
  assert.match(html, /团员 <strong>0<\/strong> 人已录入/);
  assert.match(html, /空心团支部/);

  // Every bad field gets its message, nothing stored.
  let res = await w.branch.post(`/orgs/${w.a}/members/new`, form({ joinedYm: "2017-01", memberNo: "" }));
  assert.equal(res.status, 422);
  assert.match(await res.text(), /入团时须年满13周岁/);
  res = await w.branch.post(`/orgs/${w.a}/members/new`, form({ idNumber: "370102200506151", name: "" }));
  assert.equal(res.status, 422);
  html = await res.text();
  assert.match(html, /身份证号码应为 18 位/);
  assert.match(html, /请填写姓名/);
  assert.equal((await t.db.select().from(members)).length, 0);
  // With htmx a failed save returns only the form; a saved one redirects.
  res = await w.branch.post(`/orgs/${w.a}/members/new`, form({ name: "" }), { hx: true });
  assert.equal(res.status, 422);
  html = await res.text();
  assert.match(html, /^<section id="member-form"/);
  assert.doesNotMatch(html, /org-head|<html/);

  res = await w.branch.post(`/orgs/${w.a}/members/new`, form());
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("Location"), `/orgs/${w.a}/members?saved=${encodeURIComponent("张三")}`);
  html = await (await w.branch.get(res.headers.get("Location")!)).text();
  assert.match(html, /已保存“张三”/);
  assert.match(html, /团员 <strong>1<\/strong> 人已录入/);
  assert.match(html, /少于 3 人/);
  // SPEC §9: masked everywhere but the branch admin's own edit form, so in the branch admin's list too.
  assert.ok(!html.includes(idFor(2005, 6, 15)) && !html.includes("13800001234"), "the list is masked");
  assert.match(html, /3701\*{10}\d{3}[\dX]/);
  assert.match(html, /138\*{4}1234/);
  assert.match(html, /男 · 2005-06-15/, "性别 and 出生日期 from the ID number");
  await exact(t);

  // The county (direct parent) may edit but sees masked data; the province sees a masked list without edit links.
  html = await (await w.parent.get(`/orgs/${w.a}/members`)).text();
  assert.ok(!html.includes(idFor(2005, 6, 15)));
  assert.match(html, /3701\*{10}\d{3}[\dX]/);
  assert.match(html, /138\*{4}1234/);
  assert.match(html, /修改<\/a>/);
  html = await (await w.province.get(`/orgs/${w.a}/members`)).text();
  assert.match(html, /3701\*{10}/);
  assert.doesNotMatch(html, /修改<\/a>/);
  assert.equal((await w.province.get(`/orgs/${w.a}/members/new`)).status, 403);
  const [m] = await t.db.select().from(members);
  assert.equal((await w.province.get(`/orgs/${w.a}/members/${m.id}`)).status, 403);
  assert.equal((await w.other.get(`/orgs/${w.a}/members`)).status, 403, "a sibling branch sees nothing");

  html = await (await w.parent.get(`/orgs/${w.a}/members/${m.id}`)).text();
  assert.ok(
    !html.includes(idFor(2005, 6, 15)) && !html.includes("13800001234"),
    "the parent's form is masked",
  );
  res = await w.parent.post(
    `/orgs/${w.a}/members/${m.id}`,
    form({ idNumber: "", mobile: "", position: "组织委员" }),
  );
  assert.equal(res.status, 303);
  const [edited] = await t.db.select().from(members);
  assert.equal(edited.idNumber, idFor(2005, 6, 15), "the ID number is kept");
  assert.equal(edited.mobile, "13800001234", "a blank mobile keeps the stored one");
  assert.equal(edited.position, "组织委员");

  // The list the branch admin saw before (kept by the page cache) shows the edit at once.
  html = await (await w.branch.get(`/orgs/${w.a}/members`)).text();
  assert.match(html, /组织委员/);
  res = await w.branch.post(`/orgs/${w.a}/members/${m.id}`, form({ name: "张三丰", position: "组织委员" }));
  assert.equal(res.status, 303);
  html = await (await w.branch.get(`/orgs/${w.a}/members`)).text();
  assert.match(html, /张三丰/);

  // The branch admin's own form shows everything; edits are checked as on add.
  html = await (await w.branch.get(`/orgs/${w.a}/members/${m.id}`)).text();
  assert.ok(html.includes(idFor(2005, 6, 15)));
  res = await w.branch.post(`/orgs/${w.a}/members/${m.id}`, form({ memberNo: "202000001234" }));
  assert.equal(res.status, 422);
  assert.match(await res.text(), /前 4 位应为入团年份（2019）/);

  // Exports: masked by default; unmasked only when asked, and audited.
  let xlsx = await w.province.get(`/orgs/${w.a}/members.xlsx`);
  assert.equal(xlsx.status, 200);
  let sheet = await readSheet(new Uint8Array(await xlsx.arrayBuffer()), "团员");
  assert.equal(sheet[0][4], "身份证号码");
  assert.match(sheet[1][4], /^3701\*{10}/);
  xlsx = await w.province.post(`/orgs/${w.a}/members.xlsx`, { unmasked: "1" });
  sheet = await readSheet(new Uint8Array(await xlsx.arrayBuffer()), "团员");
  assert.equal(sheet[1][4], idFor(2005, 6, 15));
  assert.equal((await w.other.get(`/orgs/${w.a}/members.xlsx`)).status, 403);

  // Remove: confirmation required.
  res = await w.branch.post(`/orgs/${w.a}/members/${m.id}/remove`, {});
  assert.equal(res.status, 422);
  res = await w.branch.post(`/orgs/${w.a}/members/${m.id}/remove`, { confirm: "1" });
  assert.equal(res.status, 303);
  assert.equal((await t.db.select().from(members)).length, 0);
  assert.equal((await w.branch.get(`/orgs/${w.a}/members/${m.id}`)).status, 404);
  await exact(t);

  const actions = (await t.db.select().from(auditLog).where(eq(auditLog.orgId, w.a))).map((r) => r.action);
  assert.deepEqual(actions, [
    "member.added",
    "member.updated",
    "member.updated",
    "export.unmasked",
    "member.removed",
  ]);
  const logged = JSON.stringify(await t.db.select().from(auditLog).where(eq(auditLog.orgId, w.a)));
  assert.ok(!logged.includes(idFor(2005, 6, 15)) && !logged.includes("13800001234"), "the log is masked");
});

Deno.test("members: an ID number already a member elsewhere is refused with the holding branch's name", async () => {
  await using t = await setup({ now: () => new Date("2026-12-03T02:00:00Z") });
  const w = await world(t);
  assert.equal((await w.branch.post(`/orgs/${w.a}/members/new`, form())).status, 303);
  let res = await w.other.post(`/orgs/${w.b}/members/new`, form({ name: "李四", memberNo: "" }));
  assert.equal(res.status, 409);
  let html = await res.text();
  assert.match(html, /该身份证号码已是“机关团支部”的团员/);
  assert.match(html, /组织关系转接/);
  // Lower-case x, another 团员编号 holder, and the same in the branch itself.
  res = await w.other.post(
    `/orgs/${w.b}/members/new`,
    form({ idNumber: idFor(2005, 6, 15, 103), memberNo: "201900001234" }),
  );
  assert.equal(res.status, 409);
  assert.match(await res.text(), /团员编号已被“机关团支部”的另一名团员使用/);
  res = await w.branch.post(`/orgs/${w.a}/members/new`, form());
  assert.equal(res.status, 409);
  html = await res.text();
  assert.match(html, /已是“机关团支部”的团员/);
  assert.equal((await t.db.select().from(members)).length, 1);
  await exact(t);
});

Deno.test("members: only in a 团支部; lists come 100 at a time; malformed input is a 4xx", async () => {
  await using t = await setup({ now: () => new Date("2026-12-03T02:00:00Z") });
  const w = await world(t);
  const res = await w.parent.get(`/orgs/${w.county.id}/members`);
  assert.equal(res.status, 404);
  assert.match(await res.text(), /团员只能录入到团支部/);
  assert.equal((await w.parent.post(`/orgs/${w.county.id}/members/new`, form())).status, 404);
  const ctx = { now: new Date("2026-12-03T02:00:00Z"), isPlace: () => true };
  const values = Array.from({ length: 150 }, (_, i) => {
    const r = checkMember(validInput({ idNumber: idFor(2000, 1, 1 + (i % 28), 100 + i), memberNo: "" }), ctx);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    return r.value;
  });
  const org = (await getOrg(t.db, w.a))!;
  await writeTx(t.db, (tx) => addMembers(tx, org, values, 1, new Date(), 20261203));
  let html = await (await w.branch.get(`/orgs/${w.a}/members`)).text();
  assert.equal((html.match(/<tr>/g) ?? []).length, 101, "header + 100 rows");
  assert.match(html, /团员超过 50 人，建议分设团支部/);
  html = await (await w.branch.get(`/orgs/${w.a}/members?page=2`)).text();
  assert.equal((html.match(/<tr>/g) ?? []).length, 51);
  assert.match(html, /<td>150<\/td>/);
  assert.equal((await w.branch.get(`/orgs/${w.a}/members?page=abc`)).status, 200);
  assert.equal((await w.branch.get(`/orgs/${w.a}/members/99999999999999999999`)).status, 404);
  const fd = new FormData();
  fd.set("name", new File(["x"], "x.txt"));
  assert.equal((await w.branch.post(`/orgs/${w.a}/members/new`, fd)).status, 400);
  await exact(t);
});

Deno.test("members: 应办理离团 follows the clock across a 28th birthday (daily roll)", async () => {
  let now = new Date("2026-12-03T02:00:00Z");
  await using t = await setup({ now: () => now });
  const w = await world(t);
  // Turns 28 on 2026-12-05 (Beijing).
  assert.equal(
    (await w.branch.post(
      `/orgs/${w.a}/members/new`,
      form({ idNumber: idFor(1998, 12, 5), joinedYm: "2012-05", memberNo: "" }),
    ))
      .status,
    303,
  );
  const due = async () => (await getOrg(t.db, 1))!.subDue;
  assert.equal(await due(), 0);
  now = new Date("2026-12-04T15:59:00Z"); // 23:59 on the 4th in Beijing
  await w.branch.login(PEOPLE[0].mobile); // idle sessions end
  await w.branch.get(`/orgs/${w.a}/members`);
  assert.equal(await due(), 0);
  now = new Date("2026-12-04T16:00:00Z"); // midnight: the 5th
  const html = await (await w.branch.get(`/orgs/${w.a}/members`)).text();
  assert.equal(await due(), 1);
  assert.match(html, /应办理离团 <strong class="flag">1<\/strong> 人/);
  await exact(t);
});
