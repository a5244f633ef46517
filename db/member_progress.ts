/**
 * Member figures for the progress views (SPEC §6 + §9): the subtree from an
 * org's own counters, the direct children from one grouped query folded with
 * the same flag rule as the counters, and the per-wave deadlines.
 */
import { count, eq, sql } from "drizzle-orm";
import { MEMBER_COUNTERS, type MemberCounts, memberFlags, mzero } from "../lib/member_counters.ts";
import { kept } from "./cache.ts";
import { fast } from "./reader.ts";
import { defaultWaveSchedule, type WaveSchedule } from "../lib/waves.ts";
import type { Conn } from "./orgs.ts";
import { orgs, settings } from "./schema.ts";

/**
 * The direct children's own member flags, summed: the children grouped by
 * everything a flag depends on (a few dozen groups even for 5,000 children).
 */
export function directMemberCounts(db: Conn, orgId: number): Promise<MemberCounts> {
  // Kept until a write names the org (any change to a child's row does: db/changes.ts).
  return kept(db, `members:${orgId}`, [`org:${orgId}`], () => sumMembers(db, orgId));
}

async function sumMembers(db: Conn, orgId: number): Promise<MemberCounts> {
  const groups = await fast(db).select({
    category: orgs.category,
    industry: orgs.industry,
    memberCount: orgs.memberCount,
    dueCount: orgs.dueCount,
    n: count(),
  }).from(orgs).where(eq(orgs.parentId, orgId)).groupBy(
    orgs.category,
    orgs.industry,
    orgs.memberCount,
    orgs.dueCount,
  );
  const sum = mzero();
  for (const g of groups) {
    const f = memberFlags(g);
    for (const k of MEMBER_COUNTERS) sum[k] += g.n * f[k];
  }
  return sum;
}

/** Direct children that are 团支部 (the 团支部 count the wave-less figures need). */
export function directBranches(db: Conn, orgId: number): Promise<number> {
  return kept(db, `branches:${orgId}`, [`org:${orgId}`], () => countBranches(db, orgId));
}

async function countBranches(db: Conn, orgId: number): Promise<number> {
  const [{ n }] = await fast(db).select({ n: sql<number>`count(*)` }).from(orgs).where(
    sql`${orgs.parentId} = ${orgId} AND ${orgs.category} = 5`,
  );
  return n;
}

const WAVES_KEY = "member_waves";

/** The per-wave deadlines (stored by 团中央, or the defaults for the current campaign). */
export async function getWaveSchedule(db: Conn, now: Date): Promise<WaveSchedule> {
  const [row] = await fast(db).select().from(settings).where(eq(settings.key, WAVES_KEY));
  return (row?.value as WaveSchedule | undefined) ?? defaultWaveSchedule(now);
}

/** Stores the per-wave deadlines. */
export async function setWaveSchedule(db: Conn, s: WaveSchedule): Promise<void> {
  await db.insert(settings).values({ key: WAVES_KEY, value: s }).onConflictDoUpdate({
    target: settings.key,
    set: { value: s },
  });
}
