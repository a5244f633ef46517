/**
 * Every screen an admin or a visitor opens, in real Chromium at 375 px, with and without JavaScript: none
 * scrolls sideways, no table is cut off in a sideways-scrolling box, none is an error, and axe-core finds no
 * accessibility fault (JavaScript on). (A notice of kind "info" once took the org-info grid's layout and
 * ran off the screen on every page that showed one.)
 */
import assert from "node:assert/strict";
import axe from "axe-core";
import type { Page } from "playwright-core";
import { eq } from "drizzle-orm";
import { bulkAppend } from "../db/bulk.ts";
import { orgs } from "../db/schema.ts";
import { browserContext, browserTest, closeContext, serve, signIn } from "./browser.ts";
import { addBranches, makeAdmin, MINI, PEOPLE, testDb } from "./helpers.ts";
import { addOneMember } from "./member_helpers.ts";
import { memberRows } from "./member_files.ts";
import { branchRows, xlsxFile } from "./import_files.ts";
import { MEMBER_SHEET } from "../lib/member_import.ts";

/**
 * What axe-core finds wrong on the page (WCAG 2 A and AA rules and best practices), one line per rule. One rule
 * is left out: "nested-interactive", which the tree's and the registration chooser's <summary> break on
 * purpose, holding the org's link so that its name opens it and its row expands; both stay keyboard reachable
 * (the summary and the link are each a tab stop).
 */
async function axeFaults(page: Page): Promise<string[]> {
  await page.evaluate(axe.source);
  return await page.evaluate(async () => {
    const { violations } = await (globalThis as unknown as { axe: typeof axe }).axe.run(document, {
      rules: { "nested-interactive": { enabled: false } },
    });
    return violations.map((v) =>
      `${v.id} at ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ")}`
    );
  });
}

/**
 * The screens one person opens (a login, or null for a visitor): a path, or an upload page and a file to check
 * there (the check's result is the screen).
 */
type Visit = { who: string | null; paths: (string | { upload: string; file: string })[] };

Deno.test(
  { name: "browser: every screen fits 375 px, with and without JavaScript", ...browserTest },
  async () => {
    await using t = await testDb();
    const [county] = await t.db.select().from(orgs).where(eq(orgs.shortName, "团历下区委"));
    const [child, ...rest] = await addBranches(t.db, county.id, 6);
    // A county with many children: its lists come a page at a time, with numbered pages.
    const [big] = await t.db.select().from(orgs).where(eq(orgs.shortName, "团天桥区委"));
    await addBranches(t.db, big.id, 1_250);
    const g = `/orgs/${big.id}`;
    const [branch] = await bulkAppend(t.db, [
      { parentId: county.id, shortName: "机关团支部", category: 5, industry: "党政机关" },
    ]);
    await addOneMember(t.db, branch);
    await makeAdmin(t.db, MINI.root, PEOPLE[0]);
    await makeAdmin(t.db, county.id, PEOPLE[1]);
    await makeAdmin(t.db, branch, PEOPLE[2]);
    const c = `/orgs/${county.id}`, b = `/orgs/${branch}`;
    // Uploads whose check finds errors: long names without a break, a wrong category, a bad ID number.
    const dir = await Deno.makeTempDir({ prefix: "zhtj-phone-" });
    const children = `${dir}/下级组织.xlsx`, members = `${dir}/团员.xlsx`;
    await Deno.writeFile(
      children,
      await xlsxFile([
        ["第一".repeat(40) + "团支部", "团支部", "中国共产主义青年团" + "某".repeat(150), ""],
        ["第2车间团支部", "团小组", "", "abc"],
        ...branchRows(3, "新"),
      ]),
    );
    const memberFile = memberRows(3);
    memberFile[1][1] = "11010119900307867X";
    memberFile[2][0] = "长".repeat(40);
    await Deno.writeFile(members, await xlsxFile(memberFile, { headers: [...MEMBER_SHEET.headers] }));
    const visits: Visit[] = [
      { who: null, paths: ["/login", "/register", `/register/start?org=${county.id}`, "/guide"] },
      {
        who: PEOPLE[1].mobile,
        paths: [
          "/",
          "/tree",
          c,
          `${c}/info`,
          `${c}/info?welcome=1`,
          `${c}/children`,
          `${c}/children/new`,
          `${c}/children/propose?shortName=${encodeURIComponent("第9车间团支部")}&category=5`,
          `${c}/children/${child}/code`,
          `${c}/import`,
          `${c}/progress`,
          `${c}/progress?welcome=1`,
          `${c}/problems?kind=noAdmin`,
          `${c}/report`,
          `${c}/search?q=${encodeURIComponent("车间")}`,
          `${c}/audit`,
          `${c}/move?org=${rest[0]}`,
          `${c}/export`,
          `${b}/members`,
          "/guide",
          { upload: `${c}/import`, file: children },
        ],
      },
      {
        who: PEOPLE[2].mobile,
        paths: [
          b,
          `${b}/info`,
          `${b}/members`,
          `${b}/members/new`,
          `${b}/members/import`,
          { upload: `${b}/members/import`, file: members },
        ],
      },
      {
        who: PEOPLE[0].mobile,
        paths: [
          "/orgs/1",
          "/orgs/1/progress",
          "/orgs/1/deadlines",
          "/orgs/1/member-deadlines",
          `${g}/children?page=7`,
          `${g}/progress?page=7`,
          `${g}/problems?kind=noAdmin`,
          `/tree/${big.id}?page=7`,
        ],
      },
    ];
    const { base, server } = serve(t.db, t.sheets);
    const wrong: string[] = [];
    try {
      for (const javaScript of [true, false]) {
        // Without JavaScript the same CSS lays out the same markup: the visitor's and the county's screens suffice.
        for (const { who, paths } of javaScript ? visits : visits.slice(0, 2)) {
          const ctx = await browserContext({ width: 375, height: 800, javaScript });
          try {
            const page = ctx.pages()[0] ?? await ctx.newPage();
            if (who) await signIn(page, base, who);
            for (const step of paths) {
              let status: number, path: string;
              if (typeof step === "string") {
                path = step;
                status = (await page.goto(base + path))?.status() ?? 0;
              } else {
                path = `${step.upload} (${step.file.split("/").at(-1)})`;
                await page.goto(base + step.upload);
                await page.setInputFiles("#f-file", step.file);
                await page.click("button:has-text('上传并检查')");
                await page.waitForURL(/\/import\/[A-Za-z0-9_-]{16}$/);
                status = await page.locator("text=检查完成：").count() ? 200 : 0;
              }
              const { overflow, hidden, labels } = await page.evaluate(() => ({
                overflow: document.documentElement.scrollWidth - innerWidth,
                // A table in a sideways-scrolling box hides columns on a phone: tables there are cards.
                hidden: [...document.querySelectorAll(".scroll")].filter((e) => e.scrollWidth > e.clientWidth)
                  .map((e) => e.querySelector("table")?.className ?? e.className),
                // A card's cell labels come from the stylesheet: each must be its column's heading, or its start.
                labels: [...document.querySelectorAll("table.cards")].flatMap((t) => {
                  const heads = [...t.querySelectorAll("thead th")].map((th) => th.textContent!.trim());
                  const cells = [...(t.querySelector("tbody tr")?.children ?? [])];
                  return cells.flatMap((td, i) => {
                    const label = getComputedStyle(td, "::before").content.replace(/^"|"$/g, "");
                    return label === "none" || label === "normal" || heads[i]?.startsWith(label)
                      ? []
                      : [`${t.className} column ${i + 1}: "${label}" under "${heads[i]}"`];
                  });
                }),
              }));
              const faults = javaScript ? await axeFaults(page) : [];
              if (
                status >= 400 || status === 0 || overflow > 0 || hidden.length || faults.length ||
                labels.length
              ) {
                wrong.push(
                  `${path} (JavaScript ${javaScript ? "on" : "off"}): ${status}, ${overflow}px too wide` +
                    (hidden.length ? `, cut off: ${hidden.join(", ")}` : "") +
                    (faults.length ? `, axe: ${faults.join(", ")}` : "") +
                    (labels.length ? `, labels: ${labels.join(", ")}` : ""),
                );
              }
            }
          } finally {
            await closeContext(ctx);
          }
        }
      }
    } finally {
      await server.shutdown();
    }
    assert.deepEqual(wrong, []);
  },
);
