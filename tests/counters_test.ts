/** Roll-up counters: every write keeps them equal to a full recount. */
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { applyChange, getOrg } from "../db/orgs.ts";
import { createChildren } from "../db/children.ts";
import { bulkAppend } from "../db/bulk.ts";
import { verifyCounters } from "../db/recount.ts";
import { orgs } from "../db/schema.ts";
import { type Db, writeTx } from "../db/client.ts";
import { MINI, testDb } from "./helpers.ts";

/** Creates one child in its own write transaction, as the single-create form does. */
async function createOne(db: Db, parentId: number, child: Parameters<typeof createChildren>[2][number]) {
  const [created] = await writeTx(db, (tx) => createChildren(tx, parentId, [child], 1, new Date()));
  return created;
}

Deno.test("counters: creating children, branches and flags keeps every ancestor exact", async () => {
  await using t = await testDb();
  const [jinan] = await t.db.select().from(orgs).where(eq(orgs.shortName, "团济南市委"));
  const before = (await getOrg(t.db, MINI.root))!;
  const school = await createOne(t.db, jinan.id, { shortName: "济南一中团委", category: 2, fullName: "x" });
  assert.equal((await getOrg(t.db, school.id))!.level, 4);
  assert.equal(school.path, `${jinan.path}${school.id}/`);
  assert.deepEqual(await verifyCounters(t.db), []);
  const branch = await createOne(t.db, school.id, {
    shortName: "2017级1班团支部",
    category: 5,
    fullName: "x",
  });
  assert.deepEqual(await verifyCounters(t.db), []);
  const root = (await getOrg(t.db, MINI.root))!;
  assert.equal(root.subOrgs, before.subOrgs + 2);
  assert.equal(root.subBranches, 1);
  // 团济南市委 and its ancestors now have a 团支部 beneath: the no-branch problems drop by 3 (school, 济南, 山东, 团中央 … minus the new school).
  assert.equal(root.subNoBranch, before.subNoBranch - 3);
  await writeTx(t.db, (tx) => applyChange(tx, branch.id, { infoComplete: 1, adminCount: 1 }));
  await writeTx(t.db, (tx) => applyChange(tx, branch.id, { category: 4 }));
  assert.deepEqual(await verifyCounters(t.db), []);
  // Inserting at a position shifts later siblings.
  const first = await createOne(t.db, jinan.id, {
    shortName: "历城二中团委",
    category: 2,
    fullName: "x",
    sortOrder: 1,
  });
  assert.equal(first.sortOrder, 1);
  const kids = await t.db.select().from(orgs).where(eq(orgs.parentId, jinan.id)).orderBy(orgs.sortOrder);
  assert.deepEqual(kids.map((k) => k.sortOrder), kids.map((_, i) => i + 1));
  assert.deepEqual(await verifyCounters(t.db), []);
});

Deno.test("counters: bulk append then recount", async () => {
  await using t = await testDb();
  const nodes = [];
  for (let i = 0; i < 50; i++) {
    nodes.push({ parentId: MINI.shandong, shortName: `测试${i}团委`, category: 2 });
  }
  const ids = await bulkAppend(t.db, nodes);
  const more = ids.flatMap((
    p,
    i,
  ) => [{ parentId: p, shortName: `一${i}团支部`, category: 5, infoComplete: i % 2 }]);
  await bulkAppend(t.db, more);
  assert.deepEqual(await verifyCounters(t.db), []);
  const sd = (await getOrg(t.db, MINI.shandong))!;
  assert.equal(sd.childCount, 2 + 50);
  assert.equal(sd.subComplete, 25);
});
