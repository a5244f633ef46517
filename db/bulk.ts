/**
 * Bulk loading for large trees (tests, benchmarks, the national generator):
 * multi-row inserts in one transaction, then one full recount of the counters.
 */
import { asc, inArray, sql } from "drizzle-orm";
import { COUNTERS, recount } from "../lib/counters.ts";
import { type Db, type Tx, writeTx } from "./client.ts";
import { childPath, reserveIds } from "./orgs.ts";
import { indexNames } from "./search.ts";
import { recountMembersIn } from "./members.ts";
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
    const first = await reserveIds(tx, nodes.length);
    const known = new Map<number, { path: string; level: number; next: number }>();
    // Existing parents, loaded in chunks with their current last sort position.
    const existing = [...new Set(nodes.map((n) => n.parentId))].filter((id) => id < first);
    for (let i = 0; i < existing.length; i += 500) {
      const chunk = existing.slice(i, i + 500);
      const rows = await tx.select({ id: orgs.id, path: orgs.path, level: orgs.level }).from(orgs).where(
        inArray(orgs.id, chunk),
      );
      const last = await tx.select({ parentId: orgs.parentId, last: sql<number>`max(${orgs.sortOrder})` })
        .from(orgs)
        .where(inArray(orgs.parentId, chunk)).groupBy(orgs.parentId);
      const lastOf = new Map(last.map((r) => [r.parentId, r.last]));
      for (const r of rows) {
        known.set(r.id, { path: r.path, level: r.level, next: (lastOf.get(r.id) ?? 0) + 1 });
      }
    }
    const place = (id: number) => {
      const p = known.get(id);
      if (!p) throw new Error(`parent ${id} not found`);
      return p;
    };
    const ids: number[] = [];
    let batch: NewOrg[] = [];
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i];
      const id = first + i;
      const parent = place(n.parentId);
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
    const all = await tx.select({ id: orgs.id, path: orgs.path, shortName: orgs.shortName }).from(orgs).where(
      sql`${orgs.id} >= ${first}`,
    );
    await indexNames(tx, all);
    await recountAllIn(tx);
    await recountMembersIn(tx);
    return ids;
  });
}

/** Recomputes every org's counters and writes the ones that changed. */
async function recountAllIn(tx: Tx): Promise<number> {
  const rows = await tx.select().from(orgs).orderBy(asc(orgs.id));
  const fresh = recount(rows);
  const changed: { id: number; cols: Record<string, number> }[] = [];
  for (const r of rows) {
    const want = fresh.get(r.id)!;
    const cols: Record<string, number> = { ...want.sub, childCount: want.childCount };
    if (Object.entries(cols).some(([k, v]) => r[k as keyof typeof r] !== v)) changed.push({ id: r.id, cols });
  }
  // 200 rows per statement: UPDATE … FROM (VALUES …).
  const keys = [...COUNTERS, "childCount"];
  const columns = keys.map((k) => k.replace(/[A-Z]/g, (m) => "_" + m.toLowerCase()));
  for (let i = 0; i < changed.length; i += 200) {
    const values = sql.join(
      changed.slice(i, i + 200).map((c) =>
        sql`(${sql.join([c.id, ...keys.map((k) => c.cols[k])], sql`, `)})`
      ),
      sql`, `,
    );
    const sets = sql.raw(columns.map((col, j) => `${col} = v.column${j + 2}`).join(", "));
    await tx.run(sql`UPDATE orgs SET ${sets} FROM (VALUES ${values}) AS v WHERE orgs.id = v.column1`);
  }
  return changed.length;
}
