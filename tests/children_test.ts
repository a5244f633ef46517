/** Creating, correcting and ordering direct children (SPEC §2.1, §2.5, §5). */
import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import { auditLog, orgs } from "../db/schema.ts";
import { getOrg } from "../db/orgs.ts";
import { verifyCounters } from "../db/recount.ts";
import { addBranches, fieldValue, MINI, setup, textOf } from "./helpers.ts";

const JINAN = 11, LIXIA = 15;

async function kids(t: Awaited<ReturnType<typeof setup>>, parentId: number) {
  return await t.db.select().from(orgs).where(eq(orgs.parentId, parentId)).orderBy(orgs.sortOrder);
}

Deno.test("create: the full name is proposed for review, then the child is created", async () => {
  await using t = await setup();
  const c = await t.adminOf(JINAN, 0);
  const first = await c.post(`/orgs/${JINAN}/children/new`, { shortName: "济南一中团委", category: "2" });
  assert.equal(first.status, 200);
  const html = await first.text();
  assert.match(textOf(html), /系统已生成组织全称，请核对修正/);
  assert.equal(fieldValue(html, "fullName"), "中国共产主义青年团济南一中委员会");
  assert.equal((await kids(t, JINAN)).length, 4, "nothing created yet");

  const created = await c.post(`/orgs/${JINAN}/children/new`, {
    shortName: "济南一中团委",
    category: "2",
    fullName: "中国共产主义青年团济南第一中学委员会",
  });
  assert.equal(created.status, 303);
  assert.match(created.headers.get("Location")!, /\/orgs\/11\/children\?created=/);
  const list = await kids(t, JINAN);
  const school = list.at(-1)!;
  assert.equal(school.shortName, "济南一中团委");
  assert.equal(school.fullName, "中国共产主义青年团济南第一中学委员会");
  assert.equal(school.level, 4);
  assert.equal(school.sortOrder, 5);
  const [log] = await t.db.select().from(auditLog).where(
    and(eq(auditLog.orgId, school.id), eq(auditLog.action, "org.created")),
  );
  assert.ok(log);
  assert.deepEqual(await verifyCounters(t.db), []);

  // Inserted at position 1: later siblings shift down.
  await c.post(`/orgs/${JINAN}/children/new`, {
    shortName: "济南高新区团工委",
    category: "3",
    fullName: "中国共产主义青年团济南高新区工作委员会",
    sortOrder: "1",
  });
  const after = await kids(t, JINAN);
  assert.equal(after[0].shortName, "济南高新区团工委");
  assert.deepEqual(after.map((o) => o.sortOrder), [1, 2, 3, 4, 5, 6]);

  // htmx: the proposal endpoint refreshes the 全称 field in place.
  const proposal = await c.get(
    `/orgs/${JINAN}/children/propose?shortName=${encodeURIComponent("包装车间团支部")}&category=5`,
    { hx: true },
  );
  assert.match(await proposal.text(), /中国共产主义青年团济南市包装车间支部委员会/);
});

Deno.test("create: every naming and structure rule has its message", async () => {
  await using t = await setup();
  const c = await t.adminOf(JINAN, 0);
  const post = (form: Record<string, string>) => c.post(`/orgs/${JINAN}/children/new`, form);
  const cases: [Record<string, string>, RegExp][] = [
    [{ shortName: "", category: "2" }, /请填写组织简称/],
    [{ shortName: "济南一中团委", category: "" }, /请选择组织类别/],
    [{ shortName: "济南一中团委", category: "9" }, /组织类别“9”不正确/],
    [{ shortName: "包装车间团总支", category: "5" }, /使用建议名称：包装车间团支部/],
    [{ shortName: "济南市团委", category: "1" }, /使用建议名称：团济南市委/],
    [{ shortName: "17级1班团支部", category: "5" }, /使用建议名称：2017级1班团支部/],
    [{ shortName: "团历下区委", category: "1" }, /系统已初始化的组织，无需再次创建/],
    [{ shortName: "济南一中团委", category: "2", sortOrder: "abc" }, /排序应为正整数/],
    [
      { shortName: "济南一中团委", category: "2", fullName: "济南一中" },
      /组织全称应以“中国共产主义青年团”开头/,
    ],
  ];
  for (const [form, message] of cases) {
    const res = await post(form);
    assert.equal(res.status, 422, JSON.stringify(form));
    assert.match(await res.text(), message, JSON.stringify(form));
  }
  // The suggestion button submits the corrected name.
  const fixed = await post({
    shortName: "包装车间团总支",
    useSuggestion: "包装车间团支部",
    category: "5",
    fullName: "中国共产主义青年团济南市包装车间支部委员会",
  });
  assert.equal(fixed.status, 303);
  const dup = await post({ shortName: "包装车间团支部", category: "5" });
  assert.match(await dup.text(), /简称不能重复/);
  assert.equal((await kids(t, JINAN)).length, 5);
});

Deno.test("create: a 团支部 has no children and a leading body sits only under a leading body", async () => {
  await using t = await setup();
  const c = await t.adminOf(JINAN, 0);
  await c.post(`/orgs/${JINAN}/children/new`, {
    shortName: "济南一中团委",
    category: "2",
    fullName: "中国共产主义青年团济南市济南一中委员会",
  });
  await c.post(`/orgs/${JINAN}/children/new`, {
    shortName: "机关团支部",
    category: "5",
    fullName: "中国共产主义青年团济南市机关支部委员会",
  });
  const list = await kids(t, JINAN);
  const school = list.find((o) => o.category === 2)!;
  const branch = list.find((o) => o.category === 5)!;
  const branchAdmin = await t.adminOf(branch.id, 1);
  const refused = await branchAdmin.get(`/orgs/${branch.id}/children/new`);
  assert.equal(refused.status, 403);
  assert.match(await refused.text(), /团支部不能有下级组织/);
  const refusedPost = await branchAdmin.post(`/orgs/${branch.id}/children/new`, {
    shortName: "一组团支部",
    category: "5",
  });
  assert.match(await refusedPost.text(), /团支部不能有下级组织/);
  const schoolAdmin = await t.adminOf(school.id, 2);
  const leading = await schoolAdmin.post(`/orgs/${school.id}/children/new`, {
    shortName: "团某某区委",
    category: "1",
  });
  assert.match(await leading.text(), /领导机关团组织只能设在领导机关团组织之下/);
});

Deno.test("corrections: before confirmation freely, afterwards only with a reason that is audited", async () => {
  await using t = await setup();
  const parent = await t.adminOf(JINAN, 0);
  await parent.post(`/orgs/${JINAN}/children/new`, {
    shortName: "济南一中团委",
    category: "2",
    fullName: "中国共产主义青年团济南市济南一中委员会",
  });
  const school = (await kids(t, JINAN)).at(-1)!;
  const edit = await parent.post(`/orgs/${JINAN}/children/${school.id}/edit`, {
    shortName: "济南第一中学团委",
    category: "2",
    fullName: "中国共产主义青年团济南第一中学委员会",
  });
  assert.equal(edit.status, 303);
  assert.equal((await getOrg(t.db, school.id))!.shortName, "济南第一中学团委");
  const badName = await parent.post(`/orgs/${JINAN}/children/${school.id}/edit`, {
    shortName: "团历下区委",
    category: "2",
  });
  assert.equal(badName.status, 422);

  await t.db.update(orgs).set({ confirmedAt: new Date() }).where(eq(orgs.id, school.id));
  const noReason = await parent.post(`/orgs/${JINAN}/children/${school.id}/edit`, {
    shortName: "济南一中团委",
    category: "2",
    fullName: "中国共产主义青年团济南第一中学委员会",
  });
  assert.equal(noReason.status, 422);
  assert.match(await noReason.text(), /更正须填写原因/);
  const withReason = await parent.post(`/orgs/${JINAN}/children/${school.id}/edit`, {
    shortName: "济南一中团委",
    category: "2",
    fullName: "中国共产主义青年团济南第一中学委员会",
    industry: "普通高中",
    reason: "学校更名",
  });
  assert.equal(withReason.status, 303);
  const row = (await getOrg(t.db, school.id))!;
  assert.equal(row.shortName, "济南一中团委");
  assert.equal(row.industry, "普通高中");
  const [log] = await t.db.select().from(auditLog).where(
    and(eq(auditLog.orgId, school.id), eq(auditLog.action, "org.corrected"), eq(auditLog.reason, "学校更名")),
  );
  assert.ok(log, "reason recorded");
  // A grandparent or the child itself may not correct.
  const root = await t.adminOf(MINI.root, 1);
  assert.equal(
    (await root.post(`/orgs/${JINAN}/children/${school.id}/edit`, { shortName: "X团委", category: "2" }))
      .status,
    403,
  );
  assert.equal(
    (await parent.post(`/orgs/${JINAN}/children/${MINI.shandong}/edit`, {
      shortName: "X团委",
      category: "2",
    })).status,
    403,
  );
  assert.deepEqual(await verifyCounters(t.db), []);
});

Deno.test("order: move up and down, plain and in place with htmx", async () => {
  await using t = await setup();
  const c = await t.adminOf(JINAN, 0);
  const [a, b] = await kids(t, JINAN);
  const down = await c.post(`/orgs/${JINAN}/children/${a.id}/down`);
  assert.equal(down.status, 303);
  assert.deepEqual((await kids(t, JINAN)).slice(0, 2).map((o) => o.id), [b.id, a.id]);
  const up = await c.post(`/orgs/${JINAN}/children/${a.id}/up`, {}, { hx: true });
  assert.equal(up.status, 200);
  const table = await up.text();
  assert.match(
    table,
    /^<div id="children-result" hx-swap-oob="true">[^]*?<\/div><\/div><div id="children"><div class="scroll"><table class="list cards children">/,
    "only the table comes back, and the notice out of band",
  );
  assert.deepEqual((await kids(t, JINAN)).slice(0, 2).map((o) => o.id), [a.id, b.id]);
  await c.post(`/orgs/${JINAN}/children/${a.id}/up`);
  assert.equal((await kids(t, JINAN))[0].id, a.id, "first stays first");
  const list = await (await c.get(`/orgs/${JINAN}/children`)).text();
  assert.match(list, /aria-label="上移团历下区委"/);
  // Without JavaScript each button submits the table's one form (with the token) to its own URL.
  assert.match(
    list,
    /<form id="child-actions" method="post" class="inline"[^>]*><input type="hidden" name="_csrf"/,
  );
  assert.match(list, new RegExp(`form="child-actions" formaction="/orgs/${JINAN}/children/${a.id}/down"`));
  // With htmx that form posts to the clicked button's formaction and swaps the table: ↑ and ↓ carry no htmx.
  assert.match(list, /<form id="child-actions"[^>]* hx-post="" hx-target="#children" hx-select="#children"/);
  assert.doesNotMatch(list, /hx-post="[^"]*\/(?:up|down)"/);
  const sibling = await t.adminOf(12, 1);
  assert.equal((await sibling.post(`/orgs/${JINAN}/children/${a.id}/down`)).status, 403);
});

Deno.test("the child list comes in pages of 100; a reorder returns to the page the child is on", async () => {
  await using t = await setup();
  await addBranches(t.db, LIXIA, 250);
  const c = await t.adminOf(LIXIA, 0);
  const rowsOf = (html: string) => [...html.matchAll(/<tr id="child-(\d+)">/g)].map((m) => Number(m[1]));
  const first = await (await c.get(`/orgs/${LIXIA}/children`)).text();
  assert.equal(rowsOf(first).length, 100);
  assert.match(first, /第 1 \/ 3 页/);
  assert.match(first, new RegExp(`href="/orgs/${LIXIA}/children\\?page=2" rel="next">下一页`));
  assert.doesNotMatch(first, /上一页/);
  const third = await (await c.get(`/orgs/${LIXIA}/children?page=3`)).text();
  assert.equal(rowsOf(third).length, 50);
  assert.match(third, /第250团支部/);
  assert.doesNotMatch(third, /下一页/);
  for (const bad of ["0", "-1", "abc", "99", "1.5"]) {
    const res = await c.get(`/orgs/${LIXIA}/children?page=${bad}`);
    assert.equal(res.status, 200, bad);
    assert.equal(rowsOf(await res.text()).length, bad === "99" ? 50 : 100, `page=${bad} is clamped`);
  }
  // The first row of page 2 moved up lands on page 1: plain and htmx both follow it there.
  const top2 = rowsOf(await (await c.get(`/orgs/${LIXIA}/children?page=2`)).text())[0];
  const plain = await c.post(`/orgs/${LIXIA}/children/${top2}/up`);
  assert.equal(plain.status, 303);
  assert.equal(plain.headers.get("Location"), `/orgs/${LIXIA}/children?reordered=${top2}#child-${top2}`);
  const down = await c.post(`/orgs/${LIXIA}/children/${top2}/down`, {}, { hx: true });
  const fragment = await down.text();
  assert.ok(rowsOf(fragment).includes(top2));
  assert.match(fragment, /第 2 \/ 3 页/);
});

Deno.test("create: an admin-made leading body created a second time is a duplicate 简称, not an initialised org", async () => {
  await using t = await setup();
  const c = await t.adminOf(JINAN, 0);
  const form = { shortName: "团济南高新区委", category: "1", fullName: "中国共产主义青年团济南高新区委员会" };
  assert.equal((await c.post(`/orgs/${JINAN}/children/new`, form)).status, 303);
  const again = await c.post(`/orgs/${JINAN}/children/new`, form);
  assert.equal(again.status, 422);
  const text = textOf(await again.text());
  assert.match(text, /本组织下已有名为“团济南高新区委”的直属下级组织，简称不能重复/);
  assert.doesNotMatch(text, /系统已初始化/);
  // An initialised one still says so.
  const lixia = await c.post(`/orgs/${JINAN}/children/new`, { shortName: "团历下区委", category: "1" });
  assert.match(textOf(await lixia.text()), /“团历下区委”是系统已初始化的组织，无需再次创建/);
  assert.equal((await kids(t, JINAN)).filter((o) => o.shortName === "团济南高新区委").length, 1);
});

Deno.test("create and info: a 全称 with a 70-character middle is accepted by the child form as by the info form", async () => {
  await using t = await setup();
  const c = await t.adminOf(JINAN, 0);
  const fullName = `中国共产主义青年团${"济南第一中学".repeat(11)}济南市区委员会`;
  assert.equal([...fullName].length - "中国共产主义青年团".length - "委员会".length, 70);
  const created = await c.post(`/orgs/${JINAN}/children/new`, {
    shortName: "济南一中团委",
    category: "2",
    fullName,
  });
  assert.equal(created.status, 303);
  const child = (await kids(t, JINAN)).find((o) => o.shortName === "济南一中团委")!;
  assert.equal(child.fullName, fullName);
  const own = await t.adminOf(child.id, 1);
  const saved = await own.post(`/orgs/${child.id}/info`, { fullName });
  assert.equal(saved.status, 303);
  assert.equal((await getOrg(t.db, child.id))!.fullName, fullName);
});
