/**
 * Member figures for the progress views (SPEC §6 + §9): the subtree from an
 * org's own counters, the direct children from the grouped pass of
 * db/progress.ts `directSums` folded with the same flag rule as the
 * counters, and the per-wave deadlines.
 */
import type { MemberCounts } from "../lib/member_counters.ts";
import { directSums, keptSetting } from "./progress.ts";
import { defaultWaveSchedule, type WaveSchedule } from "../lib/waves.ts";
import type { Conn } from "./orgs.ts";
import { settings } from "./schema.ts";
import { everything } from "./changes.ts";

/** The direct children's own member flags, summed (one grouped pass, kept: db/progress.ts `directSums`). */
export async function directMemberCounts(db: Conn, orgId: number): Promise<MemberCounts> {
  return (await directSums(db, orgId)).members;
}

/** Direct children that are 团支部 (the 团支部 count the wave-less figures need). */
export async function directBranches(db: Conn, orgId: number): Promise<number> {
  return (await directSums(db, orgId)).branches;
}

const WAVES_KEY = "member_waves";

/** The per-wave deadlines (stored by 团中央, or the defaults for the current campaign). */
export async function getWaveSchedule(db: Conn, now: Date): Promise<WaveSchedule> {
  return (await keptSetting<WaveSchedule>(db, WAVES_KEY)) ?? defaultWaveSchedule(now);
}

/** Stores the per-wave deadlines. */
export async function setWaveSchedule(db: Conn, s: WaveSchedule): Promise<void> {
  everything(db); // every progress page shows the wave deadlines
  await db.insert(settings).values({ key: WAVES_KEY, value: s }).onConflictDoUpdate({
    target: settings.key,
    set: { value: s },
  });
}
