/**
 * Real Chromium: a fresh org's admin signs in, is led to the info form, fills
 * and confirms it, creates two children one by one and ten from an uploaded
 * Excel file, then reorders the list in place.
 */
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { orgs } from "../db/schema.ts";
import { verifyCounters } from "../db/recount.ts";
import { browserContext, closeContext, haveChromium, serve } from "./browser.ts";
import { makeAdmin, PASSWORD, PEOPLE, testDb } from "./helpers.ts";
import { xlsxFile } from "./import_files.ts";

Deno.test({
  name: "browser: sign in → org info → confirm → two children singly → ten from Excel",
  ignore: !haveChromium,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using t = await testDb();
  const [tianqiao] = await t.db.select().from(orgs).where(eq(orgs.shortName, "团天桥区委"));
  await makeAdmin(t.db, tianqiao.id, PEOPLE[0]);
  const dir = await Deno.makeTempDir({ prefix: "zhtj-upload-" });
  const { base, server } = serve(t.db);
  const ctx = await browserContext({ width: 390, height: 844 });
  try {
    const page = ctx.pages()[0] ?? await ctx.newPage();
    const T = tianqiao.id;

    // Signing in with incomplete info leads to the info form.
    await page.goto(`${base}/login`);
    await page.fill("#f-login", PEOPLE[0].mobile);
    await page.fill("#f-password", PASSWORD);
    await page.click("button[type=submit].primary");
    await page.waitForURL(new RegExp(`/orgs/${T}/info$`));

    // The leading set, saved in place (htmx), then confirmed.
    const fill: [string, string][] = [
      ["#f-phone", "0531-85012345"],
      ["#f-email", "tqtw@example.cn"],
      ["#f-adminQuota", "5"],
      ["#f-adminActual", "6"],
      ["#f-instQuota", "2"],
      ["#f-instActual", "1"],
      ["#f-secretaryName", "王五"],
      ["#f-secretaryIdNumber", "440308199901101512"],
      ["#f-secretaryMobile", "13912345678"],
    ];
    for (const [sel, v] of fill) await page.fill(sel, v);
    await page.click("#info-form button[type=submit].primary");
    await page.locator("text=本组织信息已完整").waitFor();
    assert.ok(await page.locator("text=大于本级团组织行政编制数").isVisible(), "staffing warning shown");
    await page.click("button:has-text('确认信息')");
    await page.locator("text=本组织信息已确认").first().waitFor();

    // Two children, one by one; the 全称 proposal follows the 简称 and 类别.
    const create = async (shortName: string, category: string, proposal: string) => {
      await page.goto(`${base}/orgs/${T}/children/new`);
      await page.fill("#f-shortName", shortName);
      await page.selectOption("#f-category", category);
      await page.waitForFunction(
        (want) => (document.querySelector("#f-fullName") as HTMLInputElement | null)?.value === want,
        proposal,
      );
      await page.click("#child-form button[type=submit].primary");
      await page.locator(`text=已创建“${shortName}”`).waitFor();
    };
    await create("建国门街道团工委", "3", "中国共产主义青年团济南市天桥区建国门街道工作委员会");
    await create("机关团支部", "5", "中国共产主义青年团济南市天桥区机关支部委员会");

    // Ten from an uploaded template.
    await page.goto(`${base}/orgs/${T}/import`);
    const file = `${dir}/下级组织.xlsx`;
    const rows = Array.from({ length: 10 }, (_, i) => [`第${i + 1}车间团支部`, "团支部", "", ""]);
    await Deno.writeFile(file, await xlsxFile(rows));
    await page.setInputFiles("#f-file", file);
    await page.click("button:has-text('上传并检查')");
    await page.waitForURL(/\/import\/[A-Za-z0-9_-]{16}$/);
    await page.locator("text=可创建 10 行").waitFor();
    await page.click("button:has-text('确认创建 10 个组织')");
    await page.locator("text=导入完成：已创建 10 个组织").waitFor();

    // The list has all twelve; moving the first one down swaps the table in place.
    await page.goto(`${base}/orgs/${T}/children`);
    const names = () => page.locator("#children tbody tr td:nth-child(2) a").allTextContents();
    assert.equal((await names()).length, 12);
    assert.equal((await names())[0], "建国门街道团工委");
    const url = page.url();
    await page.locator("#children tbody tr").first().locator("button[title=下移]").click();
    await page.waitForFunction(() =>
      document.querySelector("#children tbody tr td:nth-child(2) a")?.textContent === "机关团支部"
    );
    assert.equal(page.url(), url, "no navigation");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling at 390px (overflow ${overflow}px)`);
    assert.deepEqual(await verifyCounters(t.db), []);
  } finally {
    await closeContext(ctx);
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
