/**
 * Progress figures (SPEC §6), all from the stored counters: the org's own
 * row for its subtree, its direct children's rows for the per-child table,
 * and partial indexes for the problem lists. Nothing walks the tree.
 */
import { and, asc, eq, gt, gte, inArray, lt, type SQL, sql } from "drizzle-orm";
import { pace } from "./client.ts";
import { defaultSchedule, type Schedule } from "../lib/deadlines.ts";
import { flagSql, hasFlag, STRUCTURAL_FLAGS } from "../lib/structure.ts";
import { BRANCH } from "../lib/org_rules.ts";
import type { Conn } from "./orgs.ts";
import { counterColumns, listedColumns, pathEnd } from "./orgs.ts";
import { type Org, orgs, settings } from "./schema.ts";
import { everything } from "./changes.ts";
import { fast, preparedQuery, rowsOf } from "./reader.ts";
import { kept } from "./cache.ts";
import { MEMBER_COUNTERS, type MemberCounts, memberFlags, mzero } from "../lib/member_counters.ts";

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
    noBranch: hasFlag("noBranch", o) ? 1 : 0,
    badLeaf: hasFlag("badLeaf", o) ? 1 : 0,
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

const NO_BRANCH = sql.raw(flagSql("noBranch"));
const BAD_LEAF = sql.raw(flagSql("badLeaf"));

/** What the progress page sums over an org's direct children. */
export interface DirectSums {
  /** Their own figures, and how many would be overdue once their deadline passes. */
  figures: Figures & { unfinished: number };
  /** Their own member flags, summed (lib/member_counters.ts `memberFlags`). */
  members: MemberCounts;
  /** How many are 团支部. */
  branches: number;
}

/**
 * The direct children's own figures, member flags and 团支部 count, from one
 * grouped pass over the children (a prepared statement; grouped by what the
 * member flags depend on, a few dozen groups even for 5,000 children), kept
 * until a write names the org (db/cache.ts `kept`; a change to a child's row
 * names its parent, db/changes.ts).
 */
export function directSums(db: Conn, orgId: number): Promise<DirectSums> {
  return kept(db, `direct:${orgId}`, [`org:${orgId}`], () => sumDirect(db, orgId));
}

/** The direct children's own figures (see {@link directSums}). */
export async function directFigures(db: Conn, orgId: number): Promise<Figures & { unfinished: number }> {
  return (await directSums(db, orgId)).figures;
}

const directGroups = preparedQuery((db) =>
  db.select({
    category: orgs.category,
    industry: orgs.industry,
    memberCount: orgs.memberCount,
    dueCount: orgs.dueCount,
    created: sql<number>`count(*)`,
    withAdmin: sql<number>`sum(${orgs.adminCount} > 0)`,
    complete: sql<number>`sum(${orgs.infoComplete})`,
    noBranch: sql<number>`sum(${NO_BRANCH})`,
    badLeaf: sql<number>`sum(${BAD_LEAF})`,
    badName: sql<number>`sum(${orgs.badName})`,
    // What makes an org overdue once its level's deadline has passed (lib/deadlines.ts isOverdue).
    unfinished: sql<number>`sum(${orgs.infoComplete} = 0 OR (${BAD_LEAF}))`,
  }).from(orgs).where(eq(orgs.parentId, sql.placeholder("orgId")))
    .groupBy(orgs.category, orgs.industry, orgs.memberCount, orgs.dueCount).prepare()
);

async function sumDirect(db: Conn, orgId: number): Promise<DirectSums> {
  const figures = {
    created: 0,
    withAdmin: 0,
    complete: 0,
    noBranch: 0,
    badLeaf: 0,
    badName: 0,
    unfinished: 0,
  };
  const members = mzero();
  let branches = 0;
  for (const g of await directGroups(fast(db)).all({ orgId })) {
    for (const k of Object.keys(figures) as (keyof typeof figures)[]) figures[k] += g[k];
    const f = memberFlags(g);
    for (const k of MEMBER_COUNTERS) members[k] += g.created * f[k];
    if (g.category === BRANCH) branches += g.created;
  }
  return { figures, members, branches };
}

/** The columns a progress row needs. */
const PROGRESS_COLUMNS = {
  ...listedColumns, // a change to one of them reaches the ancestors' cached pages (db/orgs.ts applyChange)
  ...counterColumns,
  subMembers: orgs.subMembers,
  subFilled: orgs.subFilled,
};

/** A child as the progress views read it. */
export type ProgressOrg = Pick<Org, keyof typeof PROGRESS_COLUMNS>;
const toProgress = rowsOf<ProgressOrg>(PROGRESS_COLUMNS);

/** Sort orders of the child table. */
export type ChildSort = "order" | "rate" | "name";

/** Children per page of the progress table. */
export const PROGRESS_PER_PAGE = 100;

const byName = new Intl.Collator("zh-CN");

/** Ids of all direct children in pinyin order of their names (SQLite has no Chinese collation). */
async function idsByName(db: Conn, orgId: number): Promise<number[]> {
  const names = await fast(db).select({ id: orgs.id, shortName: orgs.shortName }).from(orgs)
    .where(eq(orgs.parentId, orgId));
  await pace();
  return names.sort((a, b) => byName.compare(a.shortName, b.shortName)).map((r) => r.id);
}

/** The progress rows of `ids`, in that order. */
async function rowsInOrder(db: Conn, ids: number[]): Promise<ProgressOrg[]> {
  if (ids.length === 0) return [];
  const rows = toProgress(
    await fast(db).select(PROGRESS_COLUMNS).from(orgs).where(inArray(orgs.id, ids)).values(),
  );
  const at = new Map(ids.map((id, i) => [id, i]));
  return rows.sort((a, b) => at.get(a.id)! - at.get(b.id)!);
}

/**
 * One page of direct children, sorted for the table: sibling order, ranking
 * by subtree completion rate (as `rate` rounds it, ties in sibling order), or
 * by name in pinyin order (only the ids and names of all children are read
 * and sorted here, then the page's rows).
 */
export async function progressChildren(
  db: Conn,
  orgId: number,
  sort: ChildSort,
  page = 1,
  perPage = PROGRESS_PER_PAGE,
): Promise<ProgressOrg[]> {
  const offset = (page - 1) * perPage;
  if (sort === "name") return rowsInOrder(db, (await idsByName(db, orgId)).slice(offset, offset + perPage));
  const query = sort === "rate" ? byRate : inOrder;
  return toProgress(await query(fast(db)).values({ orgId, limit: perPage, offset }));
}

const progressQuery = (db: Conn, order: SQL[]) =>
  db.select(PROGRESS_COLUMNS).from(orgs).where(eq(orgs.parentId, sql.placeholder("orgId"))).orderBy(...order)
    .limit(sql.placeholder("limit")).offset(sql.placeholder("offset")).prepare();
const inOrder = preparedQuery((db) => progressQuery(db, [asc(orgs.sortOrder), asc(orgs.id)]));
const byRate = preparedQuery((db) =>
  progressQuery(db, [
    sql`round(${orgs.subComplete} * 1000.0 / ${orgs.subOrgs}) DESC`,
    asc(orgs.sortOrder),
    asc(orgs.id),
  ])
);

/** Every direct child, sorted as {@link progressChildren}, read 1,000 at a time (for the spreadsheet). */
export async function allProgressChildren(db: Conn, orgId: number, sort: ChildSort): Promise<ProgressOrg[]> {
  const out: ProgressOrg[] = [];
  const ids = sort === "name" ? await idsByName(db, orgId) : undefined;
  for (let page = 1;; page++) {
    const rows = ids
      ? await rowsInOrder(db, ids.slice((page - 1) * 1000, page * 1000))
      : await progressChildren(db, orgId, sort, page, 1000);
    out.push(...rows);
    await pace();
    if (rows.length < 1000) return out;
  }
}

/** Kinds of structural problem, with their label and the SQL that finds them (matching a partial index). */
export const PROBLEMS = {
  noBranch: { label: STRUCTURAL_FLAGS.noBranch.label, where: NO_BRANCH },
  badLeaf: { label: STRUCTURAL_FLAGS.badLeaf.label, where: BAD_LEAF },
  badName: { label: "名称不符合命名规则", where: sql`${orgs.badName} = 1` },
  noAdmin: { label: "没有管理员", where: sql`${orgs.adminCount} = 0` },
  // Branch-size problems (members, SPEC §9); counted by db/member_progress.ts.
  // (the category as a literal, so SQLite matches the partial indexes of db/schema.ts)
  emptyBranch: {
    label: "空心团支部（尚未录入团员）",
    where: sql.raw(`category = ${BRANCH} AND member_count = 0`),
  },
  smallBranch: {
    label: "团员少于 3 人的团支部",
    where: sql.raw(`category = ${BRANCH} AND member_count BETWEEN 1 AND 2`),
  },
  largeBranch: {
    label: "团员超过 50 人的团支部",
    where: sql.raw(`category = ${BRANCH} AND member_count > 50`),
  },
  dueLeave: { label: "有应办理离团团员的团支部", where: sql`${orgs.dueCount} > 0` },
} as const satisfies Record<string, { label: string; where: SQL }>;

/** The member problem kinds (shown with the member figures, not with the structural problems). */
export const MEMBER_PROBLEMS = ["emptyBranch", "smallBranch", "largeBranch", "dueLeave"] as const;

/** A problem kind. */
export type ProblemKind = keyof typeof PROBLEMS;

/** The structural problem kinds (the rest are the member ones). */
export type StructuralKind = Exclude<ProblemKind, (typeof MEMBER_PROBLEMS)[number]>;

/** How many orgs of the subtree (the org itself included) have each structural problem, from its counters. */
export function problemCounts(o: ProgressOrg): Record<StructuralKind, { label: string; n: number }> {
  const subtree = subtreeFigures(o);
  const n = (k: StructuralKind) => k === "noAdmin" ? o.subOrgs - o.subWithAdmin : subtree[k];
  const kinds = (Object.keys(PROBLEMS) as ProblemKind[]).filter((k): k is StructuralKind =>
    !(MEMBER_PROBLEMS as readonly string[]).includes(k)
  );
  return Object.fromEntries(kinds.map((k) => [k, { label: PROBLEMS[k].label, n: n(k) }])) as Record<
    StructuralKind,
    { label: string; n: number }
  >;
}

/** One page of problem orgs in a subtree (the root itself included), keyset-paged by path; what the lists show. */
export function problemPage(db: Conn, rootPath: string, kind: ProblemKind, after?: string, limit = 50) {
  // One lower bound per statement, so SQLite seeks the partial index there (with two it may pick the other).
  return problemQuery[kind][after === undefined ? 0 : 1](fast(db)).all({
    from: after ?? rootPath,
    to: pathEnd(rootPath),
    limit,
  });
}

/**
 * The problem list of one kind, a prepared statement: from the root's path
 * (the first page) or after the last path shown (the next ones).
 */
const problemQueryOf = (kind: ProblemKind, next: boolean) =>
  preparedQuery((db) =>
    db.select({
      ...listedColumns, // a change to one of them reaches the ancestors' cached pages (db/orgs.ts applyChange)
      // For the chasing columns (lib/chasing.ts): whom to call.
      adminCount: orgs.adminCount,
    }).from(orgs).where(
      and(
        (next ? gt : gte)(orgs.path, sql.placeholder("from")),
        lt(orgs.path, sql.placeholder("to")),
        PROBLEMS[kind].where,
      ),
    ).orderBy(asc(orgs.path)).limit(sql.placeholder("limit")).prepare()
  );
const problemQuery = Object.fromEntries(
  (Object.keys(PROBLEMS) as ProblemKind[]).map((
    kind,
  ) => [kind, [problemQueryOf(kind, false), problemQueryOf(kind, true)]]),
) as Record<ProblemKind, ReturnType<typeof problemQueryOf>[]>;

const SCHEDULE_KEY = "deadlines";
const settingQuery = preparedQuery((db) =>
  db.select({ value: settings.value }).from(settings).where(eq(settings.key, sql.placeholder("key")))
    .prepare()
);

/**
 * A stored setting's value, or null: kept until a write names everything, as
 * storing a setting does (every progress page reads the deadline settings).
 */
export function keptSetting<T>(db: Conn, key: string): Promise<T | null> {
  return kept(
    db,
    `setting:${key}`,
    [],
    async () => ((await settingQuery(fast(db)).all({ key }))[0]?.value ?? null) as T | null,
  );
}

/** The campaign schedule (stored, or the notice's dates for the current campaign). */
export async function getSchedule(db: Conn, now: Date): Promise<Schedule> {
  return (await keptSetting<Schedule>(db, SCHEDULE_KEY)) ?? defaultSchedule(now);
}

/** Stores the schedule. */
export async function setSchedule(db: Conn, s: Schedule): Promise<void> {
  everything(db); // every progress page shows the deadlines
  await db.insert(settings).values({ key: SCHEDULE_KEY, value: s }).onConflictDoUpdate({
    target: settings.key,
    set: { value: s },
  });
}
