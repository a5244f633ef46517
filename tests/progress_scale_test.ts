/**
 * Progress at scale: a tree of more than 50,000 orgs (depth 7), every figure
 * on the progress page of several nodes checked against an independent
 * full recount, and the stored counters against lib/counters' recount.
 */
import assert from "node:assert/strict";
import { bulkAppend, type BulkNode } from "../db/bulk.ts";
import { verifyCounters } from "../db/recount.ts";
import { orgs } from "../db/schema.ts";
import { MINI, setup } from "./helpers.ts";

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("progress at scale: 50,000+ orgs, every figure equals a full recount", async () => {
  await using t = await setup();
  const rand = prng(7);
  const counties = (await t.db.select().from(orgs)).filter((o) => o.shortName.endsWith("区委")).map((o) =>
    o.id
  );
  const flags = () => ({
    infoComplete: rand() < 0.4 ? 1 : 0,
    adminCount: rand() < 0.3 ? 1 : 0,
    badName: rand() < 0.02 ? 1 : 0,
  });
  const started = performance.now();
  const towns: BulkNode[] = counties.flatMap((p) =>
    Array.from(
      { length: 12 },
      (_, i) => ({ parentId: p, shortName: `第${i + 1}街道团工委`, category: 3, ...flags() }),
    )
  );
  const townIds = await bulkAppend(t.db, towns);
  const communities: BulkNode[] = townIds.flatMap((p) =>
    Array.from(
      { length: 12 },
      (_, i) => ({ parentId: p, shortName: `第${i + 1}社区团总支`, category: 4, ...flags() }),
    )
  );
  const communityIds = await bulkAppend(t.db, communities);
  const branches: BulkNode[] = communityIds.flatMap((p, k) =>
    k % 20 === 0 ? [] : Array.from(
      { length: 53 },
      (_, i) => ({ parentId: p, shortName: `第${i + 1}团支部`, category: 5, ...flags() }),
    )
  );
  await bulkAppend(t.db, branches);
  const built = performance.now() - started;

  const rows = await t.db.select().from(orgs);
  assert.ok(rows.length >= 50_000, `${rows.length} orgs`);
  const depth = Math.max(...rows.map((r) => r.level));
  assert.ok(depth >= 7, `depth ${depth}`);

  // Independent recount: walk each node's subtree through a children map.
  const kids = new Map<number, typeof rows>();
  for (const r of rows) if (r.parentId !== null) kids.set(r.parentId, [...(kids.get(r.parentId) ?? []), r]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const subtree = (id: number) => {
    const out = [byId.get(id)!];
    for (let i = 0; i < out.length; i++) for (const k of kids.get(out[i].id) ?? []) out.push(k);
    return out;
  };
  const hasBranchBelow = new Map<number, boolean>();
  const branchBelow = (id: number): boolean => {
    if (hasBranchBelow.has(id)) return hasBranchBelow.get(id)!;
    const v = (kids.get(id) ?? []).some((k) => k.category === 5 || branchBelow(k.id));
    hasBranchBelow.set(id, v);
    return v;
  };
  const figures = (id: number) => {
    const all = subtree(id);
    const below = all.slice(1);
    const pct = (n: number, d: number) => (d === 0 ? 0 : Math.round((n / d) * 1000) / 10).toFixed(1);
    return {
      created: below.length,
      withAdmin: below.filter((o) => o.adminCount > 0).length,
      complete: below.filter((o) => o.infoComplete).length,
      rate: pct(below.filter((o) => o.infoComplete).length, below.length),
      noBranch: all.filter((o) => o.category !== 5 && !branchBelow(o.id)).length,
      badLeaf: all.filter((o) => o.category !== 5 && !(kids.get(o.id)?.length)).length,
      badName: all.filter((o) => o.badName).length,
      noAdmin: all.filter((o) => o.adminCount === 0).length,
    };
  };

  const admin = await t.adminOf(MINI.root, 0);
  const jinan = rows.find((r) => r.shortName === "团济南市委")!;
  const county = rows.find((r) => r.shortName === "团天桥区委")!;
  for (const node of [MINI.root, MINI.shandong, jinan.id, county.id]) {
    const f = figures(node);
    const html = await (await admin.get(`/orgs/${node}/progress`)).text();
    const block = html.slice(html.indexOf("全部下级（不含本级）"));
    // The admin created by adminOf (at the root) counts in the root's own figures only.
    assert.match(
      block,
      new RegExp(
        `<dt>已创建</dt><dd>${f.created}</dd></div><div><dt>有管理员</dt><dd>${f.withAdmin}</dd></div><div><dt>信息完整</dt><dd>${f.complete}</dd></div><div><dt>完成率</dt><dd>${f.rate}%`,
      ),
      `figures of ${node}`,
    );
    assert.match(html, new RegExp(`团总支下没有团支部：${f.noBranch}<`), `noBranch of ${node}`);
    assert.match(html, new RegExp(`最下层不是团支部：${f.badLeaf}<`), `badLeaf of ${node}`);
    assert.match(html, new RegExp(`名称不符合命名规则：${f.badName}<`), `badName of ${node}`);
    assert.match(
      html,
      new RegExp(`没有管理员：${f.noAdmin - (node === MINI.root ? 1 : 0)}<`),
      `noAdmin of ${node}`,
    );
  }
  assert.deepEqual(await verifyCounters(t.db), []);
  console.log(`built ${rows.length} orgs in ${built.toFixed(0)} ms`);
});
