/**
 * Real Chromium at 375 px, with and without JavaScript: the child, progress
 * and 通报 tables become cards (no horizontal scrolling, every cell
 * readable); the code's paste text and copy button; the screenshots in
 * docs/screenshots/ are taken here (the 通报 on a desktop, a phone card view).
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { writeTx } from "../db/client.ts";
import { applyChange } from "../db/orgs.ts";
import { orgs } from "../db/schema.ts";
import { eq } from "drizzle-orm";
import { takeOrgSnapshot } from "../db/snapshots.ts";
import { browserContext, browserTest, closeContext, serve, signIn } from "./browser.ts";
import { addBranches, makeAdmin, PEOPLE, testDb } from "./helpers.ts";
import { exclusive } from "./exclusive.ts";

const JINAN = 11, LIXIA = 15, SHIZHONG = 16, HUAIYIN = 17, TIANQIAO = 18;
/** `SCREENSHOTS=1 deno test -A tests/browser_chasing_test.ts` rewrites docs/screenshots/; else a temp dir. */
const SHOTS = Deno.env.get("SCREENSHOTS")
  ? new URL("../docs/screenshots/", import.meta.url).pathname
  : `${await Deno.makeTempDir({ prefix: "zhtj-shots-" })}/`;

const opts = browserTest;

/** 团济南市委 with an admin, county admins, branches and three reports over a week. */
async function scenario() {
  const t = await testDb();
  await makeAdmin(t.db, JINAN, { name: "张三", ...PEOPLE[0] });
  await makeAdmin(t.db, LIXIA, { name: "王五", ...PEOPLE[1] });
  await t.db.update(orgs).set({ phone: "0531-86012345" }).where(eq(orgs.id, LIXIA));
  const lixia = await addBranches(t.db, LIXIA, 6);
  const tianqiao = await addBranches(t.db, TIANQIAO, 4);
  const shizhong = await addBranches(t.db, SHIZHONG, 3);
  const complete = (ids: number[]) =>
    writeTx(t.db, async (tx) => {
      for (const id of ids) await applyChange(tx, id, { infoComplete: 1 });
    });
  await complete([SHIZHONG, ...shizhong.slice(0, 1)]);
  await takeOrgSnapshot(t.db, { id: JINAN }, new Date("2026-12-08T02:00:00Z"));
  await complete([LIXIA, ...lixia.slice(0, 2), ...shizhong.slice(1)]);
  await takeOrgSnapshot(t.db, { id: JINAN }, new Date("2026-12-11T02:00:00Z"));
  await complete([TIANQIAO, ...tianqiao, ...lixia.slice(2, 4)]);
  await takeOrgSnapshot(t.db, { id: JINAN }, new Date("2026-12-15T02:00:00Z"));
  return t;
}

/** Card checks at phone width: no horizontal scroll, the header row hidden, rows as blocks, cells wide. */
async function assertCards(page: Page, table: string) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at 375px (${table}: ${overflow}px)`);
  const look = await page.evaluate((sel) => {
    const t = document.querySelector(sel)!;
    const row = t.querySelector("tbody tr")!;
    const cells = [...row.querySelectorAll("td")].filter((td) => td.getBoundingClientRect().height > 0);
    return {
      head: t.querySelector("thead")!.getBoundingClientRect().right,
      display: getComputedStyle(row).display,
      narrowest: Math.min(...cells.map((td) => td.getBoundingClientRect().width)),
      label: getComputedStyle(cells.at(-1)!, "::before").content,
      scroll: t.parentElement!.scrollWidth - t.parentElement!.clientWidth,
    };
  }, table);
  assert.equal(look.display, "block", `${table}: a row is a card`);
  assert.ok(look.head <= 0, `${table}: the header row is off screen`);
  assert.ok(look.narrowest > 300, `${table}: every cell is full width (${look.narrowest}px)`);
  assert.notEqual(look.label, "none", `${table}: cells are labelled`);
  assert.ok(look.scroll <= 0, `${table}: the table does not scroll sideways`);
}

for (const javaScript of [true, false]) {
  Deno.test({
    name: `browser: at 375px the child, progress and 通报 tables are cards (JavaScript ${
      javaScript ? "on" : "off"
    })`,
    ...opts,
  }, () =>
    exclusive(async () => {
      await using t = await scenario();
      const { base, server } = serve(t.db);
      const ctx = await browserContext({ width: 375, height: 800, javaScript });
      try {
        const page = ctx.pages()[0] ?? await ctx.newPage();
        await signIn(page, base, PEOPLE[0].mobile);
        await page.goto(`${base}/orgs/${JINAN}/progress`);
        await assertCards(page, "table.progress");
        const lixia = page.locator("table.progress tbody tr", { hasText: "团历下区委" }).first();
        assert.match(await lixia.innerText(), /王五 138\*\*\*\*0002/);
        assert.equal(
          await lixia.locator("td").nth(3).evaluate((td) => getComputedStyle(td, "::before").content),
          '"管理员"',
          "the admin cell is labelled",
        );
        if (!javaScript) {
          // The cards from the table's heading down, one phone screen high.
          const top = await page.locator("h2", { hasText: "直属下级进度" }).evaluate((e) =>
            e.getBoundingClientRect().top + scrollY
          );
          await page.screenshot({
            path: `${SHOTS}phone-progress-cards.png`,
            fullPage: true,
            clip: { x: 0, y: top - 8, width: 375, height: 740 },
          });
        }
        // The problem list with its trails and contacts fits too.
        await page.goto(`${base}/orgs/${JINAN}/problems?kind=noAdmin`);
        assert.match(await page.locator("ol.problem-list").innerText(), /团历下区委\s*第1团支部/);
        assert.ok(
          await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth),
          "problems fit",
        );
        await page.goto(`${base}/orgs/${JINAN}/children`);
        await assertCards(page, "table.children");
        await page.goto(`${base}/orgs/${JINAN}/report`);
        await assertCards(page, "table.report");
        assert.ok(await page.locator("figure.history svg").isVisible(), "the chart without script");
        const svgWidth = await page.locator("figure.history svg").evaluate((e) =>
          e.getBoundingClientRect().width
        );
        assert.ok(svgWidth <= 375 && svgWidth > 300, `the chart fits the phone (${svgWidth}px)`);

        // A code for the 微信群: selectable text; the copy button only with JavaScript.
        await page.goto(`${base}/orgs/${JINAN}/children/${HUAIYIN}/code`);
        await page.click("button:has-text('生成注册码')");
        await page.locator("textarea.paste").waitFor();
        const text = await page.locator("textarea.paste").inputValue();
        assert.match(
          text,
          /^团槐荫区委管理员注册码：[A-Za-z2-9]{8}，有效期至.+（北京时间）.+注册网址：http:\/\/127\.0\.0\.1:\d+\/register$/,
        );
        const copy = page.locator("button.copy");
        if (!javaScript) assert.equal(await copy.isVisible(), false, "the copy button needs JavaScript");
        if (javaScript) {
          await copy.waitFor({ state: "visible", timeout: 5000 });
          await copy.click();
          await page.locator("button.copy", { hasText: /已复制|已选中/ }).waitFor();
        }
      } finally {
        await closeContext(ctx);
        await server.shutdown();
      }
    }));
}

Deno.test(
  { name: "browser: the 通报 on a desktop (screenshot), colour-coded bars", ...opts },
  () =>
    exclusive(async () => {
      await using t = await scenario();
      const { base, server } = serve(t.db);
      const ctx = await browserContext({ width: 1100, height: 900, javaScript: false });
      try {
        const page = ctx.pages()[0] ?? await ctx.newPage();
        await signIn(page, base, PEOPLE[0].mobile);
        await page.goto(`${base}/orgs/${JINAN}/report`);
        assert.match(
          await page.locator("h2").first().innerText(),
          /团济南市委录入进度通报（2026-12-15，对比 2026-12-11）/,
        );
        const fills = await page.locator("table.report .meter").evaluateAll((els) =>
          els.map((e) => ({
            band: e.className,
            fill: e.querySelector(".fill")
              ? getComputedStyle(e.querySelector(".fill")!).backgroundColor
              : null,
          }))
        );
        assert.ok(
          fills.some((f) => f.band.includes("high") && f.fill === "rgb(27, 127, 59)"),
          "green from 80%",
        );
        assert.ok(fills.some((f) => f.band.includes("low") && f.fill === null), "0% is an empty bar");
        await page.screenshot({ path: `${SHOTS}report.png`, fullPage: true });
      } finally {
        await closeContext(ctx);
        await server.shutdown();
      }
    }),
);
