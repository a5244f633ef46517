/** Progress gains member figures (SPEC §6 + §9): per wave, direct and subtree, size problems, wave deadlines. */
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { bulkAppend } from "../db/bulk.ts";
import { writeTx } from "../db/client.ts";
import { addMembers } from "../db/members.ts";
import { getOrg } from "../db/orgs.ts";
import { orgs } from "../db/schema.ts";
import { checkMember } from "../lib/member_rules.ts";
import { MINI, PEOPLE, setup, textOf } from "./helpers.ts";
import { idFor, validInput } from "./member_helpers.ts";

const cells = (html: string, caption: string) => {
  const table = html.split(`<caption>${caption}</caption>`)[1]?.split("</table>")[0] ?? "";
  return [...table.matchAll(/<tr><th scope="row">([^<]+)<\/th>((?:<td>[^<]*<\/td>){5})/g)].map((m) =>
    [m[1], ...[...m[2].matchAll(/<td>([^<]*)<\/td>/g)].map((x) => x[1])].join(" ")
  );
};

Deno.test("progress: member figures per wave, branch-size problems, wave deadlines with overdue flags", async () => {
  let now = new Date("2026-12-03T02:00:00Z");
  await using t = await setup({ now: () => now });
  const [county] = await t.db.select().from(orgs).where(eq(orgs.shortName, "团天桥区委"));
  const [school] = await bulkAppend(t.db, [{
    parentId: county.id,
    shortName: "第一中学团委",
    category: 2,
    industry: "初中",
  }]);
  const [c1, c2, v1, v2] = await bulkAppend(t.db, [
    { parentId: school, shortName: "2024级1班团支部", category: 5, industry: "初中" },
    { parentId: school, shortName: "2024级2班团支部", category: 5, industry: "初中" },
    { parentId: county.id, shortName: "东村团支部", category: 5, industry: "农村" },
    { parentId: county.id, shortName: "西村团支部", category: 5, industry: "农村" },
  ]);
  const ctx = { now, isPlace: () => true };
  const people = (n: number, base: number, year = 2011) =>
    Array.from({ length: n }, (_, i) => {
      const r = checkMember(
        validInput({ idNumber: idFor(year, 1, 1, base + i), joinedYm: `${year + 14}-01`, memberNo: "" }),
        ctx,
      );
      if (!r.ok) throw new Error(JSON.stringify(r.problems));
      return r.value;
    });
  await writeTx(t.db, async (tx) => {
    await addMembers(tx, (await getOrg(tx, c1))!, people(52, 100), 1, now, 20261203);
    await addMembers(tx, (await getOrg(tx, v1))!, people(2, 300, 1990), 1, now, 20261203);
  });
  const admin = await t.adminOf(county.id, 0);
  let html = await (await admin.get(`/orgs/${county.id}/progress`)).text();
  assert.match(html, /团员 <strong>54<\/strong> 人已录入（含下级）；应办理离团 <strong>2<\/strong> 人/);
  assert.deepEqual(cells(html, "全部下级（含本级）"), [
    "第一批 2 1 1 52 50.0%",
    "第二批 2 1 1 2 50.0%",
    "合计（含未分批） 4 2 2 54 50.0%",
  ]);
  assert.deepEqual(cells(html, "直属团支部"), [
    "第一批 0 0 0 0 0.0%",
    "第二批 2 1 1 2 50.0%",
    "合计（含未分批） 2 1 1 2 50.0%",
  ]);
  assert.match(html, /空心团支部（尚未录入团员）：2/);
  // Each direct child's row: its members and its branches with members / all.
  assert.match(html, /第一中学团委[\s\S]*?<td>52（1 \/ 2）<\/td>/);
  assert.match(html, /东村团支部[\s\S]*?<td>2（1 \/ 1）<\/td>/);
  assert.match(html, /团员少于 3 人的团支部：1/);
  assert.match(html, /团员超过 50 人的团支部：1/);
  assert.doesNotMatch(html, /已逾期，/);
  // The overview's figure: the number under its label, a branch's linked to its list.
  assert.match(textOf(await (await admin.get(`/orgs/${county.id}`)).text()), /已录入团员（含下级） 54/);
  html = await (await admin.get(`/orgs/${c1}`)).text();
  assert.match(html, new RegExp(`<dt>已录入团员</dt><dd><a href="/orgs/${c1}/members">52</a></dd>`));
  // The problem lists themselves.
  html = await (await admin.get(`/orgs/${county.id}/problems?kind=emptyBranch`)).text();
  assert.match(html, /2024级2班团支部/);
  assert.match(html, /西村团支部/);
  assert.doesNotMatch(html, /东村团支部/);
  html = await (await admin.get(`/orgs/${county.id}/problems?kind=largeBranch`)).text();
  assert.match(html, /2024级1班团支部/);
  assert.equal((await admin.get(`/orgs/${county.id}/problems.xlsx?kind=smallBranch`)).status, 200);

  // After the first wave's deadline (2027-03-31, Beijing) the first wave's empty branches are flagged.
  now = new Date("2027-04-01T00:00:00Z");
  await admin.login(PEOPLE[0].mobile); // the session of December has expired
  html = await (await admin.get(`/orgs/${county.id}/progress`)).text();
  assert.match(html, /2027-03-31<strong class="flag">（已逾期，1 个团支部未录入）<\/strong>/);
  assert.doesNotMatch(html, /2027-05-31<strong/);

  // Overview: 团员 N 人已录入.
  html = await (await admin.get(`/orgs/${county.id}`)).text();
  assert.match(html, /团员 54 人已录入/);
  void c2;
  void v2;
});

Deno.test("wave deadlines: 团中央 sets them (audited), nobody else; bad dates refused", async () => {
  await using t = await setup({ now: () => new Date("2026-12-03T02:00:00Z") });
  const root = await t.adminOf(MINI.root, 0);
  const other = await t.adminOf(MINI.shandong, 1);
  assert.equal((await other.get(`/orgs/${MINI.shandong}/member-deadlines`)).status, 403);
  assert.equal((await other.get(`/orgs/1/member-deadlines`)).status, 403);
  let res = await root.post("/orgs/1/member-deadlines", { year: "2026", wave1: "02-30", wave2: "05-31" });
  assert.equal(res.status, 422);
  assert.match(await res.text(), /第一批的截止日期应为“月-日”/);
  res = await root.post("/orgs/1/member-deadlines", { year: "2026", wave1: "04-15", wave2: "06-30" });
  assert.equal(res.status, 303);
  const html = await (await root.get("/orgs/1/progress")).text();
  assert.match(html, /2027-04-15/);
  assert.match(html, /设置分批截止日期/);
  assert.match(await (await root.get("/orgs/1/audit")).text(), /修改团员录入截止日期/);
});
