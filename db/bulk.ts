/**
 * Bulk loading for large trees (tests, benchmarks, the national generator):
 * multi-row inserts in one transaction, then one full recount of the counters.
 */
import { asc, eq, sql } from "drizzle-orm";
import { recount } from "../lib/counters.ts";
import { type Db, writeTx } from "./client.ts";
import { childPath, countsToColumns } from "./orgs.ts";
import { type NewOrg, orgs } from "./schema.ts";

/** A node to append: its parent must already exist or come earlier in the list. */
export interface BulkNode {
  parentId: number;
  shortName: string;
  category: number;
  fullName?: string | null;
  industry?: string | null;
  infoComplete?: number;
  badName?: number;
  adminCount?: number;
}

/**
 * Appends nodes (parents before children) with fresh ids, paths, levels and
 * sibling order, then recounts every counter. Returns the new ids in order.
 */
export async function bulkAppend(db: Db, nodes: BulkNode[], chunk = 100): Promise<number[]> {
  return await writeTx(db, async (tx) => {
    const [{ max }] = await tx.select({ max: sql<number>`coalesce(max(${orgs.id}), 0)` }).from(orgs);
    const known = new Map<number, { path: string; level: number; next: number }>();
    const place = async (id: number) => {
      let p = known.get(id);
      if (!p) {
        const [row] = await tx.select().from(orgs).where(eq(orgs.id, id));
        if (!row) throw new Error(`parent ${id} not found`);
        const [{ last }] = await tx.select({ last: sql<number>`coalesce(max(${orgs.sortOrder}), 0)` }).from(
          orgs,
        )
          .where(eq(orgs.parentId, id));
        p = { path: row.path, level: row.level, next: last + 1 };
        known.set(id, p);
      }
      return p;
    };
    const ids: number[] = [];
    let batch: NewOrg[] = [];
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i];
      const id = max + i + 1;
      const parent = await place(n.parentId);
      const path = childPath(parent.path, id);
      batch.push({
        id,
        parentId: n.parentId,
        level: parent.level + 1,
        path,
        sortOrder: parent.next++,
        shortName: n.shortName,
        fullName: n.fullName ?? null,
        category: n.category,
        industry: n.industry ?? null,
        infoComplete: n.infoComplete ?? 0,
        badName: n.badName ?? 0,
        adminCount: n.adminCount ?? 0,
      });
      known.set(id, { path, level: parent.level + 1, next: 1 });
      ids.push(id);
      if (batch.length === chunk) {
        await tx.insert(orgs).values(batch);
        batch = [];
      }
    }
    if (batch.length) await tx.insert(orgs).values(batch);
    await recountAllIn(tx);
    return ids;
  });
}

/** Recomputes every org's counters and writes the ones that changed. */
export function recountAll(db: Db): Promise<number> {
  return writeTx(db, (tx) => recountAllIn(tx));
}

async function recountAllIn(tx: Parameters<Parameters<typeof writeTx>[1]>[0]): Promise<number> {
  const rows = await tx.select().from(orgs).orderBy(asc(orgs.id));
  const fresh = recount(rows);
  let changed = 0;
  for (const r of rows) {
    const want = fresh.get(r.id)!;
    const cols = { ...countsToColumns(want.sub), childCount: want.childCount };
    if (Object.entries(cols).some(([k, v]) => r[k as keyof typeof r] !== v)) {
      await tx.update(orgs).set(cols).where(eq(orgs.id, r.id));
      changed++;
    }
  }
  return changed;
}
