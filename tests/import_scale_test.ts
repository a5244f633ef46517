/** 5,000 valid rows: upload, check, preview and confirm in seconds, counters exact. */
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { orgs } from "../db/schema.ts";
import { bulkAppend } from "../db/bulk.ts";
import { existingChildren } from "../db/imports.ts";
import { getOrg } from "../db/orgs.ts";
import { verifyCounters } from "../db/recount.ts";
import { branchRows, uploadForm, xlsxFile } from "./import_files.ts";
import { setup } from "./helpers.ts";
import { exclusive } from "./exclusive.ts";

// The speed target (≤ 3 s) is checked by `deno task bench` (CONVENTIONS rule 9: no timed tests); the time is
// printed here, and the test asserts what the user sees and the counters.
Deno.test("import scale: 5,000 rows upload, preview and confirm, counters exact", () =>
  exclusive(async () => {
    await using t = await setup();
    const [tianqiao] = await t.db.select().from(orgs).where(eq(orgs.shortName, "团天桥区委"));
    const c = await t.adminOf(tianqiao.id, 0);
    const bytes = await xlsxFile(branchRows(5000));
    const rootBefore = (await getOrg(t.db, 1))!;

    const t0 = performance.now();
    const up = await c.post(`/orgs/${tianqiao.id}/import`, uploadForm(bytes));
    assert.equal(up.status, 303);
    const url = up.headers.get("Location")!;
    const t1 = performance.now();
    const preview = await c.get(url);
    const html = await preview.text();
    assert.match(html, /共 5000 行，可创建 5000 行/);
    assert.match(html, /第 1 \/ 10 页/, "the preview is paged (500 rows a page)");
    const t2 = performance.now();
    const confirm = await c.post(`${url}/confirm`);
    assert.equal(confirm.status, 303);
    const t3 = performance.now();

    const total = (t3 - t0) / 1000;
    console.log(
      `5,000-row import: upload+check ${((t1 - t0) / 1000).toFixed(2)} s, preview ${
        ((t2 - t1) / 1000).toFixed(2)
      } s, confirm ${((t3 - t2) / 1000).toFixed(2)} s, total ${total.toFixed(2)} s (file ${
        (bytes.length / 1024).toFixed(0)
      } KB)`,
    );

    const after = (await getOrg(t.db, tianqiao.id))!;
    assert.equal(after.childCount, 5000);
    assert.equal(after.subBranches, 5000);
    const root = (await getOrg(t.db, 1))!;
    assert.equal(root.subOrgs, rootBefore.subOrgs + 5000);
    const t4 = performance.now();
    assert.deepEqual(await verifyCounters(t.db), []);
    console.log(
      `verifyCounters over ${root.subOrgs} orgs: ${((performance.now() - t4) / 1000).toFixed(2)} s`,
    );
  }));

Deno.test("import scale: a parent's existing children are read a page at a time, all of them", async () => {
  await using t = await setup();
  const [tianqiao] = await t.db.select().from(orgs).where(eq(orgs.shortName, "团天桥区委"));
  // More than one page (CHILDREN_PAGE, 10,000): a libSQL server refuses one response that large.
  await bulkAppend(
    t.db,
    Array.from(
      { length: 10_050 },
      (_, i) => ({ parentId: tianqiao.id, shortName: `第${i + 1}团支部`, category: 5 }),
    ),
  );
  const existing = await existingChildren(t.db, tianqiao.id);
  assert.equal(existing.size, 10_050);
  assert.ok(existing.has("第1团支部") && existing.has("第10050团支部"));
  assert.equal(existing.get("第10050团支部")!.category, 5);
});
