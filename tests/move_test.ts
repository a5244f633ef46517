/** Moving subtrees (SPEC §7): refusals, the HTTP flow, and exact counters after many moves. */
import assert from "node:assert/strict";
import { eq, sql } from "drizzle-orm";
import { bulkAppend, type BulkNode } from "../db/bulk.ts";
import SyncConnection from "libsql";
import { databaseOf, writeTx } from "../db/client.ts";
import { moveSubtree } from "../db/move.ts";
import { getOrg } from "../db/orgs.ts";
import { verifyCounters } from "../db/recount.ts";
import { catchUpNames, REINDEX_BATCH, searchOrgs } from "../db/search.ts";
import { auditLog, nameIndexDue, orgs } from "../db/schema.ts";
import { MINI, setup, textOf } from "./helpers.ts";

const JINAN = 11, QINGDAO = 12, LIXIA = 15, SHINAN = 19;

Deno.test("move: the HTTP flow by a common ancestor's admin, audited", async () => {
  await using t = await setup();
  const [branch] = await bulkAppend(t.db, [{ parentId: LIXIA, shortName: "机关团支部", category: 5 }]);
  const sd = await t.adminOf(MINI.shandong, 0);
  const page = await (await sd.get(`/orgs/3/move?org=${branch}&q=${encodeURIComponent("市南")}`)).text();
  assert.match(page, new RegExp(`href="/orgs/3/move\\?org=${branch}&amp;target=${SHINAN}"`));
  const confirm = await (await sd.get(`/orgs/3/move?org=${branch}&target=${SHINAN}`)).text();
  assert.match(confirm, /确认将“机关团支部”移到“团市南区委”之下/);
  const res = await sd.post("/orgs/3/move", {
    org: String(branch),
    target: String(SHINAN),
    reason: "隶属关系调整",
  });
  assert.equal(res.status, 303);
  const moved = (await getOrg(t.db, branch))!;
  assert.equal(moved.parentId, SHINAN);
  assert.equal(moved.path, `/1/3/12/${SHINAN}/${branch}/`);
  assert.equal(moved.level, 5);
  const [log] = await t.db.select().from(auditLog).where(eq(auditLog.action, "org.moved"));
  assert.equal(log.reason, "隶属关系调整");
  assert.deepEqual(await verifyCounters(t.db), []);
  assert.equal(
    (await searchOrgs(t.db, "机关团支部", { rootPath: `/1/3/12/` })).length,
    1,
    "search follows the move",
  );
  // 济南's admin is not an ancestor of 青岛's county: refused.
  const jn = await t.adminOf(JINAN, 1);
  const refused = await jn.post(`/orgs/${JINAN}/move`, { org: String(LIXIA), target: String(SHINAN) });
  assert.equal(refused.status, 409);
  assert.match(await refused.text(), /只能移动到本组织或其下级组织之下/);
  assert.equal((await jn.get(`/orgs/${JINAN}/move?org=${QINGDAO}`)).status, 403);
  assert.equal((await jn.get(`/orgs/${QINGDAO}/move?org=${SHINAN}`)).status, 403);
  // Bad addresses get a page that says what to do, never a server error.
  const none = await jn.get(`/orgs/${JINAN}/move`);
  assert.equal(none.status, 400);
  assert.match(await none.text(), /请选择要移动的组织/);
  for (const bad of ["abc", "1.5", "99999999999999999999"]) {
    assert.equal((await jn.get(`/orgs/${JINAN}/move?org=${bad}`)).status, 403, bad);
    assert.equal((await jn.get(`/orgs/${JINAN}/move?org=${LIXIA}&target=${bad}`)).status, 200, bad);
    const post = await jn.post(`/orgs/${JINAN}/move`, { org: bad, target: String(LIXIA) });
    assert.equal(post.status, 409, bad);
  }
});

Deno.test("move: every refusal has its reason", async () => {
  await using t = await setup();
  const [branch] = await bulkAppend(t.db, [{ parentId: LIXIA, shortName: "机关团支部", category: 5 }]);
  await bulkAppend(t.db, [{ parentId: SHINAN, shortName: "团历下区委", category: 1 }]);
  const root = (await getOrg(t.db, 1))!;
  const refuse = (moved: number, target: number, acting = root) =>
    writeTx(t.db, (tx) => moveSubtree(tx, acting, moved, target, 1, new Date(), null));
  assert.match((await refuse(1, 3))!, /团中央不能移动/);
  assert.match((await refuse(MINI.shandong, JINAN))!, /自身或其下级/);
  assert.match((await refuse(JINAN, JINAN))!, /自身或其下级/);
  assert.match((await refuse(16, branch))!, /不能移动到团支部之下/);
  assert.match((await refuse(LIXIA, SHINAN))!, /已有名为“团历下区委”/);
  assert.match((await refuse(LIXIA, JINAN))!, /已在所选上级组织之下/);
  const jinan = (await getOrg(t.db, JINAN))!;
  assert.match((await refuse(JINAN, QINGDAO, jinan))!, /本组织自身不能移动/);
  assert.deepEqual(await verifyCounters(t.db), []);
});

Deno.test("move: 10,000-org tree, many random moves, counters, paths and levels stay exact", async () => {
  await using t = await setup();
  let seed = 11;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const counties = [13, 14, 15, 16, 17, 18, 19];
  const towns: BulkNode[] = counties.flatMap((p) =>
    Array.from(
      { length: 20 },
      (_, i) => ({ parentId: p, shortName: `第${i + 1}街道团工委`, category: 3, infoComplete: i % 2 }),
    )
  );
  const townIds = await bulkAppend(t.db, towns);
  const units: BulkNode[] = townIds.flatMap((p) =>
    Array.from(
      { length: 8 },
      (_, i) => ({ parentId: p, shortName: `第${i + 1}团总支`, category: 4, adminCount: i % 3 ? 1 : 0 }),
    )
  );
  const unitIds = await bulkAppend(t.db, units);
  const branches: BulkNode[] = unitIds.flatMap((p, k) =>
    k % 7 === 0
      ? []
      : Array.from({ length: 10 }, (_, i) => ({ parentId: p, shortName: `第${i + 1}团支部`, category: 5 }))
  );
  await bulkAppend(t.db, branches);
  const total = (await getOrg(t.db, 1))!.subOrgs;
  assert.ok(total >= 10_000, `${total} orgs`);

  const root = (await getOrg(t.db, 1))!;
  const movable = [...townIds, ...unitIds];
  const targets = [...counties, ...townIds, ...unitIds];
  let done = 0;
  for (let i = 0; i < 300; i++) {
    const moved = movable[Math.floor(rand() * movable.length)];
    const target = targets[Math.floor(rand() * targets.length)];
    const refusal = await writeTx(t.db, (tx) => moveSubtree(tx, root, moved, target, 1, new Date(), null));
    if (!refusal) done++;
  }
  assert.ok(done > 100, `${done} moves done`);
  assert.deepEqual(await verifyCounters(t.db), []);
  const all = await t.db.select().from(orgs);
  const byId = new Map(all.map((o) => [o.id, o]));
  for (const o of all) {
    if (o.parentId === null) continue;
    const p = byId.get(o.parentId)!;
    assert.equal(o.path, `${p.path}${o.id}/`, `path of ${o.id}`);
    assert.equal(o.level, p.level + 1, `level of ${o.id}`);
  }
  // Sibling orders stay 1..n without gaps.
  const byParent = new Map<number, number[]>();
  for (const o of all) {
    if (o.parentId) byParent.set(o.parentId, [...(byParent.get(o.parentId) ?? []), o.sortOrder]);
  }
  for (const [p, orders] of byParent) {
    assert.deepEqual(orders.sort((a, b) => a - b), orders.map((_, i) => i + 1), `order under ${p}`);
  }
  // The name index is behind until its catch-up; search never shows an org outside the subtree meanwhile.
  for (const county of counties) {
    const path = byId.get(county)!.path;
    for (const o of await searchOrgs(t.db, "团支部", { rootPath: path, limit: 200 })) {
      assert.ok(o.path.startsWith(path), `${o.id} found under ${county}`);
    }
  }
  assert.ok(await catchUpNames(t.db) > 0);
  assert.deepEqual(await t.db.select().from(nameIndexDue), []);
  assert.deepEqual(
    await t.db.all(sql`SELECT g.org_id FROM org_name_grams g JOIN orgs o ON o.id = g.org_id
      WHERE g.path <> o.path LIMIT 5`),
    [],
    "every index row carries its org's current path",
  );
});

Deno.test("move: the name index catches up in short transactions, after a restart too", async () => {
  await using t = await setup();
  const ids = await bulkAppend(
    t.db,
    Array.from(
      { length: 1_200 },
      (_, i) => ({ parentId: LIXIA, shortName: `第${i + 1}机关团支部`, category: 5 }),
    ),
  );
  const root = (await getOrg(t.db, 1))!;
  const move = (moved: number, target: number) =>
    writeTx(t.db, (tx) => moveSubtree(tx, root, moved, target, 1, new Date(), null));
  // Moved twice (济南 → 青岛 → back under 山东's other city) with no catch-up in between: a process that stopped.
  assert.equal(await move(LIXIA, QINGDAO), null);
  assert.equal(await move(LIXIA, SHINAN), null);
  const [due] = await t.db.select().from(nameIndexDue);
  assert.equal(due.orgId, LIXIA);
  assert.equal(due.generation, 1, "the second move of the same subtree re-queued it");
  const qingdao = (await getOrg(t.db, QINGDAO))!.path, jinan = (await getOrg(t.db, JINAN))!.path;
  assert.deepEqual(
    await searchOrgs(t.db, "第7机关团支部", { rootPath: jinan }),
    [],
    "not shown where it was",
  );
  // What a restarted instance runs: the whole subtree (1,201 orgs) in batches of REINDEX_BATCH.
  assert.equal(await catchUpNames(t.db), 1_201);
  assert.deepEqual(await t.db.select().from(nameIndexDue), []);
  const found = await searchOrgs(t.db, "第7机关团支部", { rootPath: qingdao });
  assert.deepEqual(found.map((o) => o.id), [ids[6]]);
  assert.equal(found[0].path, `${qingdao}${SHINAN}/${LIXIA}/${ids[6]}/`);
  assert.equal(await catchUpNames(t.db), 0, "nothing left to do");
  assert.ok(REINDEX_BATCH < 1_201);
});

Deno.test("move: through the page, the moved subtree is found under its new parent at once", async () => {
  await using t = await setup();
  await bulkAppend(t.db, [{ parentId: LIXIA, shortName: "机关团支部", category: 5 }]);
  const sd = await t.adminOf(MINI.shandong, 0);
  const res = await sd.post("/orgs/3/move", { org: String(LIXIA), target: String(QINGDAO) });
  assert.equal(res.status, 303);
  assert.equal(
    res.headers.get("Location"),
    `/orgs/${LIXIA}?moved=1#result`,
    "the index caught up before the answer",
  );
  assert.deepEqual(await t.db.select().from(nameIndexDue), []);
  // A subtree too big to catch up within the answer's wait says so on the result.
  const big = textOf(await (await sd.get(`/orgs/${LIXIA}?moved=1&indexing=1`)).text());
  assert.match(big, /已将“团历下区委”（含 \d+ 个下级组织）移到“团青岛市委”之下/);
  assert.match(big, /搜索中按新的上级查找这些组织还需等待/);
  const qingdao = (await getOrg(t.db, QINGDAO))!.path;
  assert.equal((await searchOrgs(t.db, "机关团支部", { rootPath: qingdao })).length, 1);
  const page = textOf(await (await sd.get(`/orgs/3/search?q=${encodeURIComponent("机关团支部")}`)).text());
  assert.match(page, /团青岛市委 \/ 团历下区委/);
});

Deno.test("move: a database kept busy past the wait says the move was not made, and why, nothing changed", async () => {
  await using t = await setup();
  const sd = await t.adminOf(MINI.shandong, 0);
  // The day's first org request writes (the 应离团 roll): made before the lock is taken.
  await (await sd.get("/orgs/3")).body?.cancel();
  // Another writer holds the lock past the busy wait (on a server: other regions writing during a big move).
  const other = new SyncConnection(databaseOf(t.db).file!);
  other.exec("BEGIN IMMEDIATE");
  try {
    const res = await sd.post("/orgs/3/move", { org: String(LIXIA), target: String(QINGDAO) });
    assert.equal(res.status, 503);
    assert.equal(res.headers.get("Retry-After"), "60");
    const text = textOf(await res.text());
    assert.match(text, /移动“团历下区委”（含 \d+ 个下级组织）需要较长时间/);
    assert.match(text, /本次没有移动，也没有做任何修改/);
  } finally {
    other.exec("ROLLBACK");
    other.close();
  }
  assert.equal((await getOrg(t.db, LIXIA))!.parentId, JINAN);
  assert.deepEqual(await verifyCounters(t.db), []);
});
