/** Full recount of the roll-up counters, for checks, tests and bulk loads. */
import { BRANCH } from "../lib/org_rules.ts";
import { hasFlag } from "../lib/structure.ts";
import { asc, gt, sql } from "drizzle-orm";
import { recount } from "../lib/counters.ts";
import type { Conn } from "./orgs.ts";
import { counterColumns, subCounts } from "./orgs.ts";
import { orgs } from "./schema.ts";

/**
 * Recomputes every org's counters from its own flags and compares them with
 * the stored ones. Returns one line per mismatch (empty when exact).
 */
export async function verifyCounters(db: Conn): Promise<string[]> {
  const rows = await db.select().from(orgs).orderBy(asc(orgs.id));
  const fresh = recount(rows);
  const problems: string[] = [];
  for (const r of rows) {
    const want = fresh.get(r.id)!;
    const have = subCounts(r);
    const bad = Object.entries(want.sub).filter(([k, v]) => r[k as keyof typeof r] !== v);
    if (bad.length || r.childCount !== want.childCount) {
      problems.push(
        `org ${r.id} ${r.shortName}: stored ${JSON.stringify(have)} child ${r.childCount}, recount ${
          JSON.stringify(want.sub)
        } child ${want.childCount}`,
      );
    }
  }
  return problems;
}

/**
 * The same check for trees too large to hold as row objects: reads the few
 * columns it needs page by page into typed arrays, aggregates deepest level
 * first, and compares. Returns up to 20 mismatch lines.
 */
export async function checkCountersStreaming(db: Conn, pageSize = 50_000): Promise<string[]> {
  const [{ max }] = await db.select({ max: sql<number>`coalesce(max(${orgs.id}), 0)` }).from(orgs);
  const F = 7;
  const parent = new Int32Array(max + 1), level = new Uint8Array(max + 1), cat = new Uint8Array(max + 1);
  const kids = new Int32Array(max + 1), storedKids = new Int32Array(max + 1);
  const own = new Uint8Array((max + 1) * 3); // admin, complete, bad name
  const stored = new Int32Array((max + 1) * F), fresh = new Int32Array((max + 1) * F);
  const present = new Uint8Array(max + 1);
  let after = 0;
  for (;;) {
    const page = await db.select({
      id: orgs.id,
      parentId: orgs.parentId,
      level: orgs.level,
      category: orgs.category,
      ...counterColumns,
    }).from(orgs).where(gt(orgs.id, after)).orderBy(asc(orgs.id)).limit(pageSize);
    for (const r of page) {
      present[r.id] = 1;
      parent[r.id] = r.parentId ?? 0;
      level[r.id] = r.level;
      cat[r.id] = r.category;
      own.set([r.adminCount > 0 ? 1 : 0, r.infoComplete ? 1 : 0, r.badName ? 1 : 0], r.id * 3);
      storedKids[r.id] = r.childCount;
      stored.set(
        [r.subOrgs, r.subWithAdmin, r.subComplete, r.subBranches, r.subNoBranch, r.subBadLeaf, r.subBadName],
        r.id * F,
      );
      if (r.parentId) kids[r.parentId]++;
    }
    if (page.length < pageSize) break;
    after = page.at(-1)!.id;
  }
  const byLevel: number[][] = [];
  for (let id = 1; id <= max; id++) if (present[id]) (byLevel[level[id]] ??= []).push(id);
  const problems: string[] = [];
  for (let l = byLevel.length - 1; l >= 1; l--) {
    for (const id of byLevel[l] ?? []) {
      const o = id * F, category = cat[id];
      fresh[o] += 1;
      fresh[o + 1] += own[id * 3];
      fresh[o + 2] += own[id * 3 + 1];
      fresh[o + 3] += category === BRANCH ? 1 : 0;
      const flags = { category, subBranches: fresh[o + 3], childCount: kids[id] };
      fresh[o + 4] += hasFlag("noBranch", flags) ? 1 : 0;
      fresh[o + 5] += hasFlag("badLeaf", flags) ? 1 : 0;
      fresh[o + 6] += own[id * 3 + 2];
      for (let k = 0; k < F; k++) {
        if (fresh[o + k] !== stored[o + k] && problems.length < 20) {
          problems.push(`org ${id}: counter ${k} ${stored[o + k]} ≠ ${fresh[o + k]}`);
        }
        if (parent[id]) fresh[parent[id] * F + k] += fresh[o + k];
      }
      if (kids[id] !== storedKids[id] && problems.length < 20) {
        problems.push(`org ${id}: child_count ${storedKids[id]} ≠ ${kids[id]}`);
      }
    }
  }
  return problems;
}
