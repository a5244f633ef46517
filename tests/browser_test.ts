/** End-to-end in real Chromium: tree browsing, and registration from the root code down. */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { writeTx } from "../db/client.ts";
import { issueCodes } from "../db/codes.ts";
import { browserContext, browserTest, closeContext, serve, signIn } from "./browser.ts";
import { addBranches, makeAdmin, MINI, PASSWORD, PEOPLE, testDb } from "./helpers.ts";

const LIXIA = 15; // 团历下区委 in the mini tree

const opts = browserTest;

Deno.test({
  name: "browser: open the tree, expand a province and a city, at phone width",
  ...opts,
}, async () => {
  await using t = await testDb();
  await makeAdmin(t.db, MINI.root, PEOPLE[0]);
  await addBranches(t.db, LIXIA, 150);
  const { base, server } = serve(t.db);
  const ctx = await browserContext({ width: 375, height: 740 });
  try {
    const page = ctx.pages()[0] ?? await ctx.newPage();
    await signIn(page, base, PEOPLE[0].mobile);
    await page.goto(`${base}/tree/1`);
    await page.locator("summary", { hasText: "团山东省委" }).click();
    await page.locator("a", { hasText: "团济南市委" }).waitFor();
    await page.locator("summary", { hasText: "团济南市委" }).click();
    await page.locator("a", { hasText: "团天桥区委" }).waitFor();
    assert.ok(await page.locator("text=团天桥区委").isVisible());
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    assert.ok(
      overflow <= 0,
      `no horizontal scrolling at 375px (overflow ${overflow}px)`,
    );
    // Keyboard: the summary is focusable and toggles with Enter.
    await page.locator("summary", { hasText: "团北京市委" }).focus();
    await page.keyboard.press("Enter");
    await page.locator("a", { hasText: "团东城区委" }).waitFor();
    // A county with 150 branches shows 100, then the rest in place of the "more" link.
    await page.locator("summary", { hasText: "团历下区委" }).click();
    await page.locator("a", { hasText: "第100团支部" }).waitFor();
    assert.equal(await page.locator("a", { hasText: "第101团支部" }).count(), 0);
    await page.locator("li.more a").click();
    await page.locator("a", { hasText: "第150团支部" }).waitFor();
    assert.equal(await page.locator("li.more").count(), 0);
    assert.equal(await page.locator(`#kids-${LIXIA} li.leaf`).count(), 150);
  } finally {
    await closeContext(ctx);
    await server.shutdown();
  }
});

Deno.test({
  name: "browser: root code → 团中央 admin → code for 团山东省委 → its admin; sign in/out",
  ...opts,
}, async () => {
  await using t = await testDb();
  const [root] = await writeTx(
    t.db,
    (tx) => issueCodes(tx, [MINI.root], { accountId: null }, new Date()),
  );
  const { base, server } = serve(t.db);
  const a = await browserContext();
  const b = await browserContext({ width: 390, height: 800 });
  try {
    const page = a.pages()[0] ?? await a.newPage();
    const register = async (
      p: Page,
      orgName: string,
      code: string,
      person: { idNumber: string; mobile: string },
    ) => {
      await p.goto(`${base}/register`);
      await p.fill("#f-q", orgName);
      await p.click("button:has-text('搜索')");
      await p.locator(`a:has-text('${orgName}')`).first().click();
      await p.selectOption("#f-position", "书记");
      await p.click("button:has-text('下一步')");
      await p.fill("#f-code", code);
      await p.click("button:has-text('下一步')");
      await p.locator("#f-name").waitFor();
      await p.fill("#f-name", "李四");
      await p.fill("#f-idNumber", person.idNumber);
      await p.fill("#f-mobile", person.mobile);
      await p.fill("#f-joined", "2015-01");
      await p.fill("#f-password", PASSWORD);
      await p.fill("#f-password2", PASSWORD);
      await p.click("button:has-text('完成注册')");
      await p.waitForURL(/\/orgs\/\d+\/info/);
    };
    await register(page, "团中央", root.code, PEOPLE[0]);
    assert.match(page.url(), /\/orgs\/1\/info/);

    await page.goto(`${base}/orgs/1/children`);
    const row = page.locator("tr", { hasText: "团山东省委" });
    await row.locator("button", { hasText: "注册码" }).click();
    const code = (await row.locator("code.code").textContent())!.trim();
    assert.match(code, /^[A-Za-z2-9]{8}$/);

    const p2 = b.pages()[0] ?? await b.newPage();
    await register(p2, "团山东省委", code, PEOPLE[1]);
    assert.match(p2.url(), new RegExp(`/orgs/${MINI.shandong}/info`));
    await p2.click("button:has-text('退出')");
    await p2.waitForURL(/\/login/);
    await signIn(p2, base, PEOPLE[1].idNumber);
    assert.match(p2.url(), new RegExp(`/orgs/${MINI.shandong}`));
    assert.ok(await p2.locator("text=团山东省委").first().isVisible());
  } finally {
    await closeContext(a);
    await closeContext(b);
    await server.shutdown();
  }
});
