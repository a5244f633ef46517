/**
 * Search orgs by part of their 简称 or 全称, optionally within a subtree.
 *
 * Every 简称 is indexed by its character bigrams in `org_name_grams`, keyed by
 * (gram, path): a query of two or more characters is one index range scan of
 * its rarest bigram within the subtree's path range, each candidate checked
 * against the whole query. One-character queries, and 全称-only matches in
 * small subtrees, scan the subtree's path range directly.
 *
 * A move does not rewrite the index in its own transaction (a subtree of
 * 50,000 orgs carries about 450,000 index rows: seconds of the primary's
 * lock, past the ~5 s a libSQL server allows while others wait). It queues
 * the subtree (`queueReindex`), and `catchUpNames` rewrites the rows in short
 * transactions right after. Meanwhile a search checks each candidate's
 * current path, so a moved org is never shown under its old parent; it is
 * found under its new one once the catch-up has passed it (seconds).
 */
import { and, asc, eq, gt, inArray, type SQL, sql } from "drizzle-orm";
import { breathe, databaseOf, type Db, repeatInBackground, runAll, writeTx } from "./client.ts";
import type { Conn } from "./orgs.ts";
import { getOrg, pathEnd, pathIds, subtreeOf } from "./orgs.ts";
import { nameIndexDue, type Org, orgs } from "./schema.ts";

/** Distinct lower-cased character bigrams of a name. */
export function bigrams(name: string): string[] {
  const chars = [...name.toLowerCase()];
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1]);
  return [...out];
}

/**
 * Adds (or, after a rename or move, replaces) the index entries of some orgs:
 * a delete and 150-row inserts per 500 orgs (small enough to build between breaths), sent together in a write
 * transaction (`runAll`).
 */
export async function indexNames(
  db: Conn,
  rows: { id: number; path: string; shortName: string }[],
): Promise<void> {
  const statements: SQL[] = [];
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    statements.push(
      sql`DELETE FROM org_name_grams WHERE org_id IN (${sql.join(chunk.map((r) => sql`${r.id}`), sql`, `)})`,
    );
    const values = chunk.flatMap((r) => bigrams(r.shortName).map((g) => sql`(${g}, ${r.path}, ${r.id})`));
    for (let j = 0; j < values.length; j += 150) {
      statements.push(
        sql`INSERT OR IGNORE INTO org_name_grams (gram, path, org_id) VALUES ${
          sql.join(values.slice(j, j + 150), sql`, `)
        }`,
      );
    }
  }
  await runAll(db, statements);
}

/** Queues the moved subtree of `orgId` for `catchUpNames` (in the move's transaction). */
export async function queueReindex(tx: Conn, orgId: number, now: Date): Promise<void> {
  await tx.insert(nameIndexDue).values({ orgId, queuedAt: now }).onConflictDoUpdate({
    target: nameIndexDue.orgId,
    set: { generation: sql`${nameIndexDue.generation} + 1`, queuedAt: now },
  });
}

/**
 * Orgs per catch-up transaction (about 9 index rows each): a short hold of
 * a server's lock, and in a local file the longest event-loop stall of a
 * 50,001-org catch-up was 27–35 ms (40 ms with 500; the budget is 50 ms).
 */
export const REINDEX_BATCH = 250;

/**
 * The same over a libSQL server (or a replica's writer), where each
 * transaction costs round trips: 1,000 orgs hold the primary's lock about
 * 0.1 s (a 50,001-org catch-up took 5.1 s at 500 a transaction on loopback).
 */
export const REMOTE_REINDEX_BATCH = 1_000;

/**
 * Rewrites the name-index rows of every queued moved subtree to the orgs'
 * current paths, `REINDEX_BATCH` orgs per short write transaction (over a
 * server `REMOTE_REINDEX_BATCH`), and removes each queue row when its subtree is done (unless it moved again
 * meanwhile). Idempotent: any instance may run it, at any time, again after
 * a crash. Returns the number of orgs whose rows were checked.
 */
export async function catchUpNames(db: Db): Promise<number> {
  const size = databaseOf(db).mode === "file" ? REINDEX_BATCH : REMOTE_REINDEX_BATCH;
  let checked = 0;
  const busy = new Set<number>();
  for (;;) {
    const [due] = await writeTx(db, (tx) =>
      tx.select().from(nameIndexDue).where(
        busy.size
          ? sql`${nameIndexDue.orgId} NOT IN (${sql.join([...busy].map((id) => sql`${id}`), sql`, `)})`
          : undefined,
      ).orderBy(asc(nameIndexDue.queuedAt)).limit(1));
    if (!due) return checked;
    busy.add(due.orgId);
    // The cursor is the path below the subtree's root, so it stays valid if the root moves again meanwhile.
    let after = "", first = true;
    for (;;) {
      const n = await writeTx(db, async (tx) => {
        const root = await getOrg(tx, due.orgId);
        const batch = root
          ? await tx.all<{ id: number; path: string }>(sql`SELECT id, path FROM orgs
              WHERE path > ${root.path + after} AND path < ${pathEnd(root.path)} ORDER BY path LIMIT ${size}`)
          : [];
        if (first && root) batch.unshift({ id: root.id, path: root.path });
        if (!batch.length) {
          await tx.delete(nameIndexDue).where(
            and(eq(nameIndexDue.orgId, due.orgId), eq(nameIndexDue.generation, due.generation)),
          );
          return 0;
        }
        await tx.run(
          sql`UPDATE org_name_grams SET path = (SELECT o.path FROM orgs o WHERE o.id = org_name_grams.org_id)
          WHERE org_id IN (SELECT value FROM json_each(${JSON.stringify(batch.map((b) => b.id))}))
            AND path <> (SELECT o.path FROM orgs o WHERE o.id = org_name_grams.org_id)`,
        );
        after = batch.at(-1)!.path.slice(root!.path.length);
        first = false;
        return batch.length;
      });
      if (!n) break;
      checked += n;
      await breathe();
    }
  }
}

/**
 * Runs `catchUpNames` now and every `everyMs` (a move's own catch-up may have
 * been cut short by a restart); returns a stopper.
 */
export function startNameCatchUp(db: Db, everyMs = 10 * 60_000): () => void {
  return repeatInBackground("name index catch-up", () => catchUpNames(db), everyMs);
}

/** Escapes LIKE wildcards in user input. */
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => "\\" + m);

/** Subtrees up to this size may be scanned (全称-only matches, one-character queries). */
export const SCAN_LIMIT = 50_000;

/** True when a query is too short to search a subtree of this size (one character over a large subtree). */
export const tooShort = (q: string, subtreeSize: number): boolean =>
  [...q.trim()].length < 2 && subtreeSize > SCAN_LIMIT;

/** Search options: subtree, page size and the keyset cursor (path of the last result shown). */
export interface SearchOptions {
  rootPath?: string;
  limit?: number;
  after?: string;
}

/** Orgs whose 简称 or 全称 contains `q`, in path order. */
export async function searchOrgs(db: Conn, q: string, opts: SearchOptions = {}): Promise<Org[]> {
  const query = q.trim().toLowerCase();
  if (!query) return [];
  const limit = opts.limit ?? 20;
  const from = opts.rootPath ?? "/";
  const to = opts.rootPath ? pathEnd(opts.rootPath) : "0";
  const pattern = `%${escapeLike(query)}%`;
  const matches =
    sql`(lower(${orgs.shortName}) LIKE ${pattern} ESCAPE '\\' OR lower(${orgs.fullName}) LIKE ${pattern} ESCAPE '\\')`;
  const scan = () =>
    db.select().from(orgs).where(
      and(
        opts.rootPath ? subtreeOf(opts.rootPath) : undefined,
        opts.after ? gt(orgs.path, opts.after) : undefined,
        matches,
      ),
    ).orderBy(asc(orgs.path)).limit(limit);
  const grams = bigrams(query);
  if (grams.length === 0) return await scan(); // callers check tooShort() first

  // The rarest bigram within the range (probes are bounded).
  let best = grams[0], bestCount = Infinity;
  for (const g of grams) {
    const [{ n }] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM (SELECT 1 FROM org_name_grams
      WHERE gram = ${g} AND path >= ${from} AND path < ${to} LIMIT 5000)`);
    if (n < bestCount) [best, bestCount] = [g, n];
    if (n === 0) break;
  }
  const lower = opts.after && opts.after >= from ? sql`g.path > ${opts.after}` : sql`g.path >= ${from}`;
  const found = await db.all<{ id: number }>(
    sql`SELECT g.org_id AS id FROM org_name_grams g JOIN orgs o ON o.id = g.org_id
    WHERE g.gram = ${best} AND ${lower} AND g.path < ${to} AND o.path >= ${from} AND o.path < ${to}
      AND (lower(o.short_name) LIKE ${pattern} ESCAPE '\\' OR lower(o.full_name) LIKE ${pattern} ESCAPE '\\')
    ORDER BY g.path LIMIT ${limit}`,
  );
  const rows = found.length
    ? await db.select().from(orgs).where(
      sql`${orgs.id} IN (${sql.join(found.map((f) => sql`${f.id}`), sql`, `)})`,
    )
      .orderBy(asc(orgs.path))
    : [];
  if (rows.length < limit) {
    // Names whose 全称 alone matches: only where the subtree is small enough to scan.
    const [root] = opts.rootPath
      ? await db.select({ n: orgs.subOrgs }).from(orgs).where(sql`${orgs.path} = ${opts.rootPath}`)
      : [{ n: Infinity }];
    if (root && root.n <= SCAN_LIMIT) return await scan();
  }
  return rows;
}

/** A found org with the names of its ancestors from a given level down ("团山东省委 / 团济南市委"). */
export type WithTrail<T> = T & { trail: string };

/**
 * Adds to each org its trail: the 简称 of its ancestors from level `fromLevel`
 * down to its parent, read in one query (500 ids a statement) for all of them.
 */
export async function withTrails<T extends Pick<Org, "path">>(
  db: Conn,
  rows: T[],
  fromLevel: number,
): Promise<WithTrail<T>[]> {
  const trailIds = (path: string) => pathIds(path).slice(fromLevel - 1, -1);
  const ids = [...new Set(rows.flatMap((r) => trailIds(r.path)))];
  const names = new Map<number, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const part = await db.select({ id: orgs.id, shortName: orgs.shortName }).from(orgs).where(
      inArray(orgs.id, ids.slice(i, i + 500)),
    );
    for (const r of part) names.set(r.id, r.shortName);
  }
  return rows.map((r) => ({ ...r, trail: trailIds(r.path).map((id) => names.get(id)).join(" / ") }));
}
