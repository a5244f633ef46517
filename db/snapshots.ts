/**
 * 进度快照 (progress snapshots) for the 通报: every org of levels 1–4 once
 * per Beijing date, taken from the counters (each row already holds its
 * subtree's figures: ~3,400 rows a day), and an org with its direct children
 * on demand. The daily snapshot is idempotent per date and safe with several
 * instances: `INSERT … ON CONFLICT DO NOTHING` on (org, date).
 */
import { and, asc, desc, eq, sql } from "drizzle-orm";
import { beijingDate } from "../lib/time.ts";
import { type Db, repeatInBackground, writeTx } from "./client.ts";
import type { Conn } from "./orgs.ts";
import { type Org, progressSnapshots } from "./schema.ts";

/** The deepest level the daily snapshot covers. */
export const SNAPSHOT_LEVELS = 4;

/** A snapshot row. */
export type Snapshot = typeof progressSnapshots.$inferSelect;

const COLUMNS = sql.raw(
  "day, org_id, parent_id, level, sort_order, short_name, admin_count, info_complete, sub_orgs, " +
    "sub_with_admin, sub_complete, sub_no_branch, sub_bad_leaf, taken_at",
);
const VALUES = sql.raw(
  "o.parent_id, o.level, o.sort_order, o.short_name, o.admin_count, o.info_complete, o.sub_orgs, " +
    "o.sub_with_admin, o.sub_complete, o.sub_no_branch, o.sub_bad_leaf",
);

/**
 * Takes today's (Beijing date) snapshot of every org of levels 1–4 unless
 * it is there already; returns the rows added (0 when another instance, or
 * an earlier run, took it). The levels are reached through the parent index
 * (a recursive walk of four levels, ~3,400 rows), not a scan of all orgs.
 */
export async function takeDailySnapshot(db: Db, now: Date): Promise<number> {
  const day = beijingDate(now);
  if (await hasDailySnapshot(db, day)) return 0;
  return await writeTx(db, async (tx) => {
    const res = await tx.run(sql`
      WITH RECURSIVE top(id) AS (
        SELECT id FROM orgs WHERE parent_id IS NULL
        UNION ALL
        SELECT o.id FROM orgs o JOIN top ON o.parent_id = top.id WHERE o.level <= ${SNAPSHOT_LEVELS}
      )
      INSERT INTO progress_snapshots (${COLUMNS})
      SELECT ${day}, o.id, ${VALUES}, ${now.getTime()} FROM top JOIN orgs o ON o.id = top.id WHERE true
      ON CONFLICT (org_id, day) DO NOTHING`);
    return res.rowsAffected;
  });
}

/** True when the daily snapshot of `day` was taken (its level-1 row is there). */
export async function hasDailySnapshot(db: Conn, day: string): Promise<boolean> {
  const [row] = await db.select({ one: sql`1` }).from(progressSnapshots)
    .where(and(eq(progressSnapshots.day, day), eq(progressSnapshots.level, 1))).limit(1);
  return row !== undefined;
}

/**
 * Takes (or refreshes) today's snapshot of `org` and its direct children,
 * at any level: what its admin's 通报 compares. Returns the Beijing date.
 */
export async function takeOrgSnapshot(db: Db, org: Pick<Org, "id">, now: Date): Promise<string> {
  const day = beijingDate(now);
  await writeTx(db, async (tx) => {
    await tx.run(sql`
      INSERT INTO progress_snapshots (${COLUMNS})
      SELECT ${day}, o.id, ${VALUES}, ${now.getTime()} FROM orgs o
      WHERE o.id = ${org.id} OR o.parent_id = ${org.id}
      ON CONFLICT (org_id, day) DO UPDATE SET
        parent_id = excluded.parent_id, level = excluded.level, sort_order = excluded.sort_order,
        short_name = excluded.short_name, admin_count = excluded.admin_count,
        info_complete = excluded.info_complete, sub_orgs = excluded.sub_orgs,
        sub_with_admin = excluded.sub_with_admin, sub_complete = excluded.sub_complete,
        sub_no_branch = excluded.sub_no_branch, sub_bad_leaf = excluded.sub_bad_leaf,
        taken_at = excluded.taken_at`);
  });
  return day;
}

/** The dates (newest first, at most `limit`) with a snapshot of `orgId`: the org's reports. */
export async function snapshotsOf(db: Conn, orgId: number, limit = 120): Promise<Snapshot[]> {
  return await db.select().from(progressSnapshots).where(eq(progressSnapshots.orgId, orgId))
    .orderBy(desc(progressSnapshots.day)).limit(limit);
}

/** The snapshots of `orgId`'s direct children on `day` (by the parent index), in sibling order. */
export async function childSnapshots(db: Conn, orgId: number, day: string): Promise<Snapshot[]> {
  return await db.select().from(progressSnapshots)
    .where(and(eq(progressSnapshots.parentId, orgId), eq(progressSnapshots.day, day)))
    .orderBy(asc(progressSnapshots.sortOrder), asc(progressSnapshots.orgId));
}

/**
 * Takes the daily snapshot now if missing, then checks again every
 * `everyMs` (it is taken once per Beijing date; the timer does not keep the
 * process alive). Returns a stopper.
 */
export function startDailySnapshots(db: Db, now: () => Date = () => new Date(), everyMs = 10 * 60_000) {
  return repeatInBackground("daily progress snapshot", () => takeDailySnapshot(db, now()), everyMs);
}
