/** In real Chromium (SPEC §9): a branch admin adds members singly and by Excel; a duplicate ID is refused; the county sees it. */
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { bulkAppend } from "../db/bulk.ts";
import { orgs } from "../db/schema.ts";
import { browserContext, browserTest, closeContext, serve, signIn } from "./browser.ts";
import { makeAdmin, PEOPLE, testDb } from "./helpers.ts";
import { addOneMember, idFor } from "./member_helpers.ts";
import { memberFile } from "./member_files.ts";

const opts = browserTest;

async function fillMember(page: Page, v: { name: string; idNumber: string; mobile: string }) {
  await page.fill("#f-name", v.name);
  await page.fill("#f-idNumber", v.idNumber);
  await page.selectOption("#f-ethnicity", "回族");
  await page.selectOption("#f-political", "共青团员");
  await page.fill("#f-joinedYm", "2019-05");
  await page.selectOption("#f-eduFull", "大学本科");
  await page.fill("#f-mobile", v.mobile);
  await page.fill("#f-hukou", "山东省济南市");
}

Deno.test({
  name: "browser: members singly and by Excel, a duplicate refused, the county's progress",
  ...opts,
}, async () => {
  await using t = await testDb();
  const [county] = await t.db.select().from(orgs).where(eq(orgs.shortName, "团天桥区委"));
  const [a, b] = await bulkAppend(t.db, [
    { parentId: county.id, shortName: "机关团支部", category: 5, industry: "党政机关" },
    { parentId: county.id, shortName: "第2车间团支部", category: 5, industry: "国有企业" },
  ]);
  await makeAdmin(t.db, a, PEOPLE[0]);
  await makeAdmin(t.db, county.id, PEOPLE[1]);
  await addOneMember(t.db, b);
  const dir = await Deno.makeTempDir({ prefix: "zhtj-members-" });
  const xlsx = `${dir}/团员.xlsx`;
  await Deno.writeFile(xlsx, await memberFile(3));
  const { base, server } = serve(t.db);
  const ctx = await browserContext({ width: 390, height: 844 });
  try {
    const page = ctx.pages()[0] ?? await ctx.newPage();
    await signIn(page, base, PEOPLE[0].mobile);
    await page.goto(`${base}/orgs/${a}/members`);
    assert.ok(await page.locator("text=团员 0 人已录入").isVisible());
    await page.click("a:has-text('录入团员')");
    await page.waitForURL(/\/members\/new$/);
    await fillMember(page, { name: "王小明", idNumber: idFor(2005, 6, 15, 1), mobile: "13800001111" });
    await page.click("#member-form button.primary");
    await page.waitForURL(/\/members\?saved=/);
    assert.ok(await page.locator("text=已保存“王小明”").isVisible());
    assert.ok(await page.locator("text=团员 1 人已录入").isVisible());
    // The list masks the ID number (SPEC §9); the branch admin's own edit form shows it in full.
    const id = idFor(2005, 6, 15, 1);
    assert.ok(
      await page.locator(`text=${id.slice(0, 4)}**********${id.slice(-4)}`).isVisible(),
      "masked in the list",
    );
    assert.equal(await page.locator(`text=${id}`).count(), 0);
    await page.click("a:has-text('修改')");
    assert.equal(await page.inputValue("#f-idNumber"), id, "in full in the branch admin's form");
    await page.goto(`${base}/orgs/${a}/members`);

    // A duplicate from another branch: the form stays, with the holder's name and what to do.
    await page.goto(`${base}/orgs/${a}/members/new`);
    await fillMember(page, { name: "李四", idNumber: idFor(2003, 3, 3, 33), mobile: "13800002222" });
    await page.click("#member-form button.primary");
    const message = page.locator("#member-form .err", { hasText: "已是“第2车间团支部”的团员" });
    await message.waitFor();
    assert.match((await message.textContent())!, /组织关系转接/);
    assert.match(page.url(), /\/members\/new$/);

    // By Excel.
    await page.goto(`${base}/orgs/${a}/members/import`);
    const download = page.waitForEvent("download");
    await page.click("a:has-text('下载导入模板')");
    assert.match((await download).suggestedFilename(), /批量录入团员模板\.xlsx$/);
    await page.setInputFiles("#f-file", xlsx);
    await page.click("button:has-text('上传并检查')");
    await page.waitForURL(/\/members\/import\/[A-Za-z0-9_-]{16}$/);
    await page.locator("text=可录入 3 行").waitFor();
    await page.click("button:has-text('确认录入 3 名团员')");
    await page.locator("text=导入完成：已录入 3 名团员").waitFor();
    await page.click("a:has-text('查看团员')");
    await page.locator("text=团员 4 人已录入").waitFor();

    // The county's progress.
    await page.click("button:has-text('退出')");
    await page.waitForURL(/\/login/);
    await signIn(page, base, PEOPLE[1].mobile);
    await page.goto(`${base}/orgs/${county.id}/progress`);
    await page.locator("#member-progress").waitFor();
    assert.match((await page.locator("#member-progress .figures-line").textContent())!, /团员 5 人已录入/);
    const total = await page.locator("#member-progress table").first().locator("tr", { hasText: "合计" })
      .textContent();
    assert.match(total!, /合计（含未分批）2205/, "2 branches, 2 entered, 0 空心, 5 members");
  } finally {
    await closeContext(ctx);
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
