/**
 * Progress figures (SPEC §6), all from the stored counters: the org's own
 * row for its subtree, its direct children's rows for the per-child table,
 * and partial indexes for the problem lists. Nothing walks the tree.
 */
import { and, asc, eq, gt, type SQL, sql } from "drizzle-orm";
import { defaultSchedule, type Schedule } from "../lib/deadlines.ts";
import type { Conn } from "./orgs.ts";
import { counterColumns, subtreeOf } from "./orgs.ts";
import { type Org, orgs, settings } from "./schema.ts";

/** The figures of a set of orgs. */
export interface Figures {
  created: number;
  withAdmin: number;
  complete: number;
  noBranch: number;
  badLeaf: number;
  badName: number;
}

/** Completion rate in percent (one decimal), 0 for an empty set. */
export const rate = (f: Pick<Figures, "created" | "complete">): number =>
  f.created === 0 ? 0 : Math.round((f.complete / f.created) * 1000) / 10;

/** The subtree below an org (the org itself excluded), from its counters. */
export function belowFigures(o: ProgressOrg): Figures {
  const own = {
    withAdmin: o.adminCount > 0 ? 1 : 0,
    complete: o.infoComplete,
    noBranch: o.category !== 5 && o.subBranches === 0 ? 1 : 0,
    badLeaf: o.category !== 5 && o.childCount === 0 ? 1 : 0,
    badName: o.badName,
  };
  return {
    created: o.subOrgs - 1,
    withAdmin: o.subWithAdmin - own.withAdmin,
    complete: o.subComplete - own.complete,
    noBranch: o.subNoBranch - own.noBranch,
    badLeaf: o.subBadLeaf - own.badLeaf,
    badName: o.subBadName - own.badName,
  };
}

/** The whole subtree, the org itself included. */
export function subtreeFigures(o: ProgressOrg): Figures {
  return {
    created: o.subOrgs,
    withAdmin: o.subWithAdmin,
    complete: o.subComplete,
    noBranch: o.subNoBranch,
    badLeaf: o.subBadLeaf,
    badName: o.subBadName,
  };
}

/** The direct children themselves (their own flags), summed. */
export function directFigures(children: ProgressOrg[]): Figures {
  const f: Figures = { created: 0, withAdmin: 0, complete: 0, noBranch: 0, badLeaf: 0, badName: 0 };
  for (const c of children) {
    f.created++;
    f.withAdmin += c.adminCount > 0 ? 1 : 0;
    f.complete += c.infoComplete;
    f.noBranch += c.category !== 5 && c.subBranches === 0 ? 1 : 0;
    f.badLeaf += c.category !== 5 && c.childCount === 0 ? 1 : 0;
    f.badName += c.badName;
  }
  return f;
}

/** The columns a progress row needs. */
const PROGRESS_COLUMNS = {
  id: orgs.id,
  shortName: orgs.shortName,
  category: orgs.category,
  level: orgs.level,
  sortOrder: orgs.sortOrder,
  ...counterColumns,
};

/** A child as the progress views read it. */
export type ProgressOrg = Pick<Org, keyof typeof PROGRESS_COLUMNS>;

/** Sort orders of the child table. */
export type ChildSort = "order" | "rate" | "name";

/** Direct children, sorted for the table (ranking by subtree completion rate). */
export async function progressChildren(db: Conn, orgId: number, sort: ChildSort): Promise<ProgressOrg[]> {
  const rows = await db.select(PROGRESS_COLUMNS).from(orgs).where(eq(orgs.parentId, orgId))
    .orderBy(asc(orgs.sortOrder), asc(orgs.id));
  if (sort === "rate") {
    rows.sort((a, b) => rate(subtreeFigures(b)) - rate(subtreeFigures(a)) || a.sortOrder - b.sortOrder);
  } else if (sort === "name") rows.sort((a, b) => a.shortName.localeCompare(b.shortName, "zh-CN"));
  return rows;
}

/** Kinds of structural problem, with their label and the SQL that finds them (matching a partial index). */
export const PROBLEMS = {
  noBranch: {
    label: "团委/团工委/团总支下没有团支部",
    where: sql`${orgs.category} <> 5 AND ${orgs.subBranches} = 0`,
  },
  badLeaf: { label: "最下层不是团支部", where: sql`${orgs.category} <> 5 AND ${orgs.childCount} = 0` },
  badName: { label: "名称不符合命名规则", where: sql`${orgs.badName} = 1` },
  noAdmin: { label: "没有管理员", where: sql`${orgs.adminCount} = 0` },
} as const satisfies Record<string, { label: string; where: SQL }>;

/** A problem kind. */
export type ProblemKind = keyof typeof PROBLEMS;

/** One page of problem orgs in a subtree (the root itself included), keyset-paged by path. */
export function problemPage(db: Conn, rootPath: string, kind: ProblemKind, after?: string, limit = 50) {
  return db.select().from(orgs).where(
    and(subtreeOf(rootPath), PROBLEMS[kind].where, after ? gt(orgs.path, after) : undefined),
  ).orderBy(asc(orgs.path)).limit(limit);
}

const SCHEDULE_KEY = "deadlines";

/** The campaign schedule (stored, or the notice's dates for the current campaign). */
export async function getSchedule(db: Conn, now: Date): Promise<Schedule> {
  const [row] = await db.select().from(settings).where(eq(settings.key, SCHEDULE_KEY));
  return (row?.value as Schedule | undefined) ?? defaultSchedule(now);
}

/** Stores the schedule. */
export async function setSchedule(db: Conn, s: Schedule): Promise<void> {
  await db.insert(settings).values({ key: SCHEDULE_KEY, value: s }).onConflictDoUpdate({
    target: settings.key,
    set: { value: s },
  });
}
