/**
 * Real Chromium at 375 px, with and without JavaScript (issue 12 items 1–3, 5
 * and 7): single create with an empty 全称 and the suggestion button, failed
 * saves that never stack the page, a partial info save whose notice takes the
 * focus (or the anchor), confirmations after a reorder and a correction, the
 * 待办清单 and the guide. With SCREENSHOTS=1 the JavaScript run writes the
 * screenshots under docs/screenshots/.
 */
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { orgs } from "../db/schema.ts";
import { browserContext, closeContext, haveChromium, serve } from "./browser.ts";
import { addBranches, makeAdmin, PASSWORD, PEOPLE, testDb } from "./helpers.ts";

const SHOTS = new URL("../docs/screenshots/", import.meta.url);
/** `SCREENSHOTS=1 deno test -A tests/browser_forms_test.ts` rewrites docs/screenshots/ (not on every run). */
const SHOOT = Deno.env.get("SCREENSHOTS") === "1";

async function noOverflow(page: Page, what: string) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
  assert.ok(overflow <= 0, `${what}: no horizontal scrolling at 375px (overflow ${overflow}px)`);
}

/** Exactly one page chrome and one copy of the form. */
async function oneOf(page: Page, form: string) {
  assert.equal(await page.locator("header.top").count(), 1, "one header");
  assert.equal(await page.locator('nav[aria-label="组织功能"]').count(), 1, "one tab bar");
  assert.equal(await page.locator(form).count(), 1, `one ${form}`);
}

/**
 * Submits form `formId` (its primary button) to `path` and waits until the answer is in the page (with
 * htmx: swapped in), so the next step never types into a form that a late answer then replaces (the
 * errors of an earlier failed submit are already visible, so waiting for them alone would not wait).
 */
async function submit(page: Page, formId: string, path: string) {
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith(path)),
    page.click(`#${formId} button[type=submit].primary`),
  ]);
  await page.waitForLoadState(); // without JavaScript: the page the answer (or its 303) leads to
  await page.waitForFunction(() => !document.querySelector(".htmx-request, .htmx-settling, .htmx-swapping"));
}

/** Saves the info form (see {@link submit}). */
const saveInfo = (page: Page, orgId: number) => submit(page, "info-form", `/orgs/${orgId}/info`);

for (const javaScript of [true, false]) {
  Deno.test({
    name: `browser (${
      javaScript ? "JavaScript" : "no JavaScript"
    }, 375 px): create, info, confirmations, to-do, guide`,
    ignore: !haveChromium,
    sanitizeResources: false,
    sanitizeOps: false,
  }, async () => {
    await using t = await testDb();
    const [tq] = await t.db.select().from(orgs).where(eq(orgs.shortName, "团天桥区委"));
    const T = tq.id;
    await makeAdmin(t.db, T, PEOPLE[0]);
    await addBranches(t.db, T, 3);
    const { base, server } = serve(t.db);
    const ctx = await browserContext({ width: 375, height: 800, javaScript });
    try {
      const page = ctx.pages()[0] ?? await ctx.newPage();
      // The signed-out home page leads to the guide.
      await page.goto(`${base}/`);
      await page.locator("a", { hasText: "操作指南" }).first().click();
      await page.waitForURL(/\/guide$/);
      await page.locator("h1", { hasText: "组织树建立操作指南" }).waitFor();
      await noOverflow(page, "guide");
      if (javaScript) {
        if (SHOOT) await page.screenshot({ path: new URL("guide-375.png", SHOTS).pathname, fullPage: true });
        await page.setViewportSize({ width: 1000, height: 800 });
        if (SHOOT) await page.screenshot({ path: new URL("guide.png", SHOTS).pathname, fullPage: true });
        await page.emulateMedia({ media: "print" });
        const pdf = await page.pdf({ format: "A4", margin: { top: "12mm", bottom: "12mm" } });
        const pages = new TextDecoder("latin1").decode(pdf).match(/\/Type\s*\/Page[^s]/g)?.length;
        assert.equal(pages, 1, "the guide prints on one page");
        await page.emulateMedia({ media: "screen" });
        await page.setViewportSize({ width: 375, height: 800 });
      }

      await page.goto(`${base}/login`);
      await page.fill("#f-login", PEOPLE[0].mobile);
      await page.fill("#f-password", PASSWORD);
      await page.click("button[type=submit].primary");
      await page.waitForURL((u) => u.pathname !== "/login");

      // Item 1: 全称 left empty → the naming message and its button → the proposal → created.
      const newChild = `/orgs/${T}/children/new`;
      await page.goto(base + newChild);
      await page.fill("#f-shortName", "济南铁路局团委员会");
      await page.selectOption("#f-category", "2");
      await submit(page, "child-form", newChild);
      const suggestion = page.locator("button", { hasText: "使用建议名称：济南铁路局团委" });
      await suggestion.waitFor();
      await oneOf(page, "#child-form");
      await submit(page, "child-form", newChild);
      await suggestion.waitFor();
      await oneOf(page, "#child-form");
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith(newChild)),
        suggestion.click(),
      ]);
      await page.locator("text=系统已生成组织全称").waitFor();
      assert.equal(await page.inputValue("#f-fullName"), "中国共产主义青年团济南铁路局委员会");
      assert.equal(await page.inputValue("#f-shortName"), "济南铁路局团委");
      await submit(page, "child-form", newChild);
      await page.locator("text=已创建“济南铁路局团委”").waitFor();
      await oneOf(page, javaScript ? "#child-form" : "#children");
      await noOverflow(page, "single create");

      // Items 2 and 3: two failed saves leave one form; a partial save is kept and its notice is in view.
      await page.goto(`${base}/orgs/${T}/info`);
      await page.fill("#f-secretaryIdNumber", "123");
      await saveInfo(page, T);
      await page.locator(".errors").waitFor();
      await saveInfo(page, T);
      await page.locator(".errors").waitFor();
      await oneOf(page, "#info-form");
      await page.fill("#f-secretaryIdNumber", "");
      await page.fill("#f-email", "tqtw@example.cn");
      await page.fill("#f-adminQuota", "2");
      await page.fill("#f-adminActual", "3");
      await saveInfo(page, T);
      await page.locator("#info-result", { hasText: "已保存。还有" }).waitFor();
      assert.match(await page.locator("#info-result").innerText(), /大于本级团组织行政编制数/);
      await oneOf(page, "#info-form");
      if (javaScript) {
        await page.waitForFunction(() => document.activeElement?.id === "info-result");
      } else assert.match(page.url(), /\?saved=1#info-result$/);
      const box = await page.locator("#info-result").boundingBox();
      assert.ok(box && box.y > -2 && box.y < 800, `the notice is in view (y ${box?.y})`);
      const [saved] = await t.db.select().from(orgs).where(eq(orgs.id, T));
      assert.equal(saved.email, "tqtw@example.cn", "partial save stored");

      // Item 5: a reorder and a correction say what happened.
      await page.goto(`${base}/orgs/${T}/children`);
      await page.locator("#children tbody tr").first().locator("button[title=下移]").click();
      await page.locator("#children-result", { hasText: "现在排在第 2 位" }).waitFor();
      const [railway] = await t.db.select().from(orgs).where(eq(orgs.shortName, "济南铁路局团委"));
      const edit = `/orgs/${T}/children/${railway.id}/edit`;
      await page.goto(`${base}${edit}`);
      for (let i = 0; i < 2; i++) {
        await page.fill("#f-shortName", "济南局集团公司团支部");
        // A late answer to the second failure once replaced the form after the next fill (CI, under load).
        await submit(page, "correct-form", edit);
        await page.locator("#correct-form .errors").waitFor();
      }
      await oneOf(page, "#correct-form");
      await page.fill("#f-shortName", "济南局集团公司团委");
      await page.fill("#f-fullName", "");
      await page.click("#correct-form button[type=submit].primary");
      await page.locator("text=已更正“济南局集团公司团委”：组织简称：济南铁路局团委 → 济南局集团公司团委")
        .waitFor();
      await noOverflow(page, "children");

      // Item 7: the to-do list with live figures, each line a link.
      await page.goto(`${base}/orgs/${T}`);
      const todo = page.locator("section.todo");
      await todo.waitFor();
      const text = await todo.innerText();
      assert.match(text, /组织信息：\d+\/12 项/);
      assert.match(text, /直属下级 4 个，1 个缺团支部/);
      assert.match(text, /注册码：已发 0\/4，已注册 0/);
      assert.match(text, /第 4 级组织截止日期/);
      await noOverflow(page, "overview");
      if (javaScript && SHOOT) await todo.screenshot({ path: new URL("todo-375.png", SHOTS).pathname });
      await todo.locator("a", { hasText: "组织信息" }).click();
      await page.waitForURL(new RegExp(`/orgs/${T}/info$`));
      if (javaScript && SHOOT) {
        await page.setViewportSize({ width: 1000, height: 800 });
        await page.goto(`${base}/orgs/${T}`);
        await page.locator("section.todo").screenshot({ path: new URL("todo.png", SHOTS).pathname });
        await page.setViewportSize({ width: 375, height: 800 });
      }

      // Item 5: a move says where the org went.
      const [branch] = await t.db.select().from(orgs).where(eq(orgs.shortName, "第1团支部"));
      await page.goto(`${base}/orgs/${branch.id}`);
      await page.locator("a", { hasText: "移动该组织到其他上级组织之下" }).click();
      await page.fill("#f-q", "济南局");
      await page.locator("button", { hasText: "搜索" }).click();
      await page.locator("a", { hasText: "移到 济南局集团公司团委 之下" }).click();
      await page.locator("button", { hasText: "确认移动" }).click();
      await page.locator("text=已将“第1团支部”（含 0 个下级组织）移到“济南局集团公司团委”之下").waitFor();
      await noOverflow(page, "moved");
      // A subtree too big for the name index to follow within the answer says so, at phone width too.
      await page.goto(`${base}/orgs/${branch.id}?moved=1&indexing=1`);
      await page.locator("text=搜索中按新的上级查找这些组织还需等待").waitFor();
      await noOverflow(page, "moved, index catching up");
    } finally {
      await closeContext(ctx);
      await server.shutdown();
    }
  });
}
