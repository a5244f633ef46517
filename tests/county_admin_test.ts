/**
 * Issue 12 over HTTP: what a county admin meets. Single create without a
 * 全称, failed htmx saves returning only the form, the info form's stars and
 * result notice, confirmations after a correction, reorder and move, the
 * guide and the 待办清单, and the audit log's labels.
 */
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { orgs } from "../db/schema.ts";
import { writeTx } from "../db/client.ts";
import { issueCodes } from "../db/codes.ts";
import { addBranches, fieldValue, MINI, setup, textOf } from "./helpers.ts";

const JINAN = 11, LIXIA = 15;
const CHROME = /<!DOCTYPE|<html|<header|<nav aria-label="组织功能"/;

Deno.test("create: 全称 is never required; left empty it is proposed, or the naming message with its button", async () => {
  await using t = await setup();
  const c = await t.adminOf(JINAN, 0);
  const page = await (await c.get(`/orgs/${JINAN}/children/new`)).text();
  const fullName = page.match(/<input[^>]*name="fullName"[^>]*>/)![0];
  assert.doesNotMatch(fullName, /\brequired\b/);
  for (const hx of [false, true]) {
    const bad = await c.post(`/orgs/${JINAN}/children/new`, {
      shortName: "济南铁路局团委员会",
      category: "2",
    }, { hx });
    assert.equal(bad.status, 422);
    const html = await bad.text();
    assert.match(textOf(html), /使用建议名称：济南铁路局团委/);
    if (hx) assert.doesNotMatch(html, CHROME, "a failed htmx save returns only the form");
    const good = await c.post(`/orgs/${JINAN}/children/new`, {
      shortName: "济南轨道交通集团团委",
      category: "2",
    }, {
      hx,
    });
    assert.equal(good.status, 200);
    const proposal = await good.text();
    assert.equal(fieldValue(proposal, "fullName"), "中国共产主义青年团济南轨道交通集团委员会");
    if (hx) assert.doesNotMatch(proposal, CHROME);
  }
  // The suggestion button sends the corrected name.
  const used = await c.post(`/orgs/${JINAN}/children/new`, {
    shortName: "济南铁路局团委员会",
    category: "2",
    useSuggestion: "济南铁路局团委",
  });
  assert.equal(fieldValue(await used.text(), "fullName"), "中国共产主义青年团济南铁路局委员会");
});

Deno.test("info: no required inputs, red stars stay; the result notice is anchored; failed htmx saves bare", async () => {
  await using t = await setup();
  const c = await t.adminOf(MINI.shandong, 0);
  const page = await (await c.get(`/orgs/${MINI.shandong}/info`)).text();
  assert.doesNotMatch(page, /<input[^>]*\brequired\b/);
  assert.ok((page.match(/class="req"/g) ?? []).length >= 11, "red stars");
  const saved = await c.post(`/orgs/${MINI.shandong}/info`, {
    phone: "0531-86012345",
    adminQuota: "2",
    adminActual: "3",
  });
  assert.equal(saved.status, 303);
  const after = await (await c.get(saved.headers.get("Location")!)).text();
  assert.match(after, /id="info-result"[^>]*tabindex="-1"|tabindex="-1"[^>]*id="info-result"/);
  assert.match(textOf(after), /已保存。还有 \d+ 项必填信息未填写/);
  assert.match(
    textOf(after),
    /行政编制实际配备数（3）大于本级团组织行政编制数（2）/,
    "the 编制 warning after the 303",
  );
  const bad = await c.post(`/orgs/${MINI.shandong}/info`, { email: "not-an-email" }, { hx: true });
  assert.equal(bad.status, 422);
  const frag = await bad.text();
  assert.doesNotMatch(frag, CHROME);
  assert.equal((frag.match(/<form[^>]*action="\/orgs\/3\/info"/g) ?? []).length, 1);
});

Deno.test("import: a refused upload sent by htmx comes back as the upload form alone", async () => {
  await using t = await setup();
  const c = await t.adminOf(JINAN, 0);
  const body = new FormData();
  body.set("file", new File(["不是表格"], "x.xlsx"));
  const res = await c.post(`/orgs/${JINAN}/import`, body, { hx: true });
  assert.equal(res.status, 422);
  const html = await res.text();
  assert.doesNotMatch(html, CHROME);
  assert.equal((html.match(/id="upload-form"/g) ?? []).length, 1);
  assert.match(textOf(html), /[\u4e00-\u9fff]/);
});

Deno.test("confirmations: a correction says old → new, a reorder the new position, a move the new parent", async () => {
  await using t = await setup();
  const c = await t.adminOf(JINAN, 0);
  await c.post(`/orgs/${JINAN}/children/new`, {
    shortName: "济南一中团委",
    category: "2",
    fullName: "中国共产主义青年团济南一中委员会",
  });
  const [school] = await t.db.select().from(orgs).where(eq(orgs.shortName, "济南一中团委"));
  const edit = await c.post(`/orgs/${JINAN}/children/${school.id}/edit`, {
    shortName: "济南第一中学团委",
    category: "2",
    fullName: "中国共产主义青年团济南第一中学委员会",
  });
  assert.equal(edit.status, 303);
  const list = textOf(await (await c.get(edit.headers.get("Location")!)).text());
  assert.match(list, /已更正“济南第一中学团委”：组织简称：济南一中团委 → 济南第一中学团委；组织全称：/);
  // Someone else's child id in the URL says nothing.
  assert.doesNotMatch(textOf(await (await c.get(`/orgs/${JINAN}/children?corrected=1`)).text()), /已更正/);
  assert.equal((await c.get(`/orgs/${JINAN}/children?corrected=abc`)).status, 200);

  const up = await c.post(`/orgs/${JINAN}/children/${school.id}/up`);
  assert.equal(up.status, 303);
  assert.match(
    textOf(await (await c.get(up.headers.get("Location")!)).text()),
    /已调整“济南第一中学团委”的排序，现在排在第 4 位/,
  );
  const hx = await (await c.post(`/orgs/${JINAN}/children/${school.id}/up`, {}, { hx: true })).text();
  assert.match(hx, /id="children-result" hx-swap-oob="true"/);
  assert.match(textOf(hx), /现在排在第 3 位/);

  const root = await t.adminOf(MINI.shandong, 1);
  const moved = await root.post(`/orgs/${MINI.shandong}/move`, {
    org: String(LIXIA),
    target: String(12),
    reason: "",
  });
  assert.equal(moved.status, 303);
  const overview = textOf(await (await root.get(moved.headers.get("Location")!)).text());
  const [target] = await t.db.select().from(orgs).where(eq(orgs.id, 12));
  assert.match(overview, new RegExp(`已将“团历下区委”（含 \\d+ 个下级组织）移到“${target.shortName}”之下`));
});

Deno.test("guide and to-do: /guide for anyone, linked from sign-in; the overview's four tasks with live figures", async () => {
  await using t = await setup({ now: () => new Date("2026-12-20T04:00:00Z") });
  const anon = t.client();
  const login = await (await anon.get("/login")).text();
  assert.match(login, /href="\/guide"/);
  const guide = await anon.get("/guide");
  assert.equal(guide.status, 200);
  const text = textOf(await guide.text());
  assert.match(text, /组织树建立操作指南/);
  assert.match(
    text,
    /第一步：注册管理员并登录.*第二步：填写本组织信息.*第三步：创建全部直属下级组织.*第四步：为直属下级生成并下发注册码/,
  );
  assert.match(text, /第四级 2026-12-28/);

  const c = await t.adminOf(LIXIA, 0);
  const branches = await addBranches(t.db, LIXIA, 3);
  await c.post(`/orgs/${LIXIA}/children/new`, { shortName: "历下实验学校团委", category: "2", fullName: "" });
  await c.post(`/orgs/${LIXIA}/children/new`, {
    shortName: "历下实验学校团委",
    category: "2",
    fullName: "中国共产主义青年团济南市历下实验学校委员会",
  });
  await writeTx(
    t.db,
    (tx) => issueCodes(tx, branches.slice(0, 2), { accountId: null }, new Date("2026-12-20T04:00:00Z")),
  );
  const home = await (await c.get(`/orgs/${LIXIA}`)).text();
  const todo = textOf(home);
  assert.match(todo, /待办清单（还有 \d 项）/);
  assert.match(todo, /第 4 级组织截止日期： 2026-12-28 （北京时间），还剩 8 天/);
  assert.match(todo, /组织信息 ：3\/12 项/);
  assert.match(todo, /创建直属下级 ：直属下级 4 个，1 个缺团支部/);
  assert.match(todo, /注册码 ：已发 2\/4，已注册 0/);
  assert.match(home, new RegExp(`href="/orgs/${LIXIA}/info">组织信息`));
  // A 团支部 has only the first two tasks.
  const branch = await t.adminOf(branches[0], 2);
  const b = textOf(await (await branch.get(`/orgs/${branches[0]}`)).text());
  assert.match(b, /组织信息 ：\d\/7 项/);
  assert.doesNotMatch(b, /创建直属下级/);
});

Deno.test("audit: Chinese labels and Beijing time, no raw keys or ISO instants", async () => {
  await using t = await setup();
  const c = await t.adminOf(LIXIA, 0);
  const [branch] = await addBranches(t.db, LIXIA, 1);
  await c.post(`/orgs/${LIXIA}/children/${branch}/code`);
  const text = textOf(await (await c.get(`/orgs/${branch}/audit`)).text());
  assert.match(text, /生成注册码/);
  assert.match(text, /有效期至：\d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）/);
  assert.doesNotMatch(text, /expiresAt|\d{4}-\d{2}-\d{2}T\d{2}/);
});
