/**
 * Data access for the org tree: reads by parent and by path range, creation,
 * and the ancestor-chain update that keeps the roll-up counters exact.
 */
import { and, asc, count, eq, gte, inArray, lt, or, sql } from "drizzle-orm";
import { add, COUNTERS, type Counts, isZero, ownFlags, zero } from "../lib/counters.ts";
import { BRANCH } from "../lib/org_rules.ts";
import type { Db, Tx } from "./client.ts";
import { changedChildrenOf, changedOrg, changedOwnRow, changedRows } from "./changes.ts";
import { carryMembers, memberDelta } from "./members.ts";
import { fast, preparedQuery, rowsOf } from "./reader.ts";
import { type NewOrg, type Org, orgs } from "./schema.ts";

/** Either the database or an open transaction. */
export type Conn = Db | Tx;

/** The path of a child: parent path + id + "/". The root is "/1/". */
export const childPath = (parentPath: string, id: number): string => `${parentPath}${id}/`;

/** Upper bound of a path's subtree range: the trailing "/" bumped to "0". */
export const pathEnd = (path: string): string => path.slice(0, -1) + "0";

/** Ids on a path, root first: "/1/5/9/" → [1, 5, 9]. */
export const pathIds = (path: string): number[] => path.split("/").filter(Boolean).map(Number);

/** True when `path` lies in the subtree rooted at `rootPath` (itself included). */
export const inSubtree = (rootPath: string, path: string): boolean => path.startsWith(rootPath);

/** SQL condition: `orgs.path` within the subtree of `rootPath`. */
export const subtreeOf = (rootPath: string) =>
  and(gte(orgs.path, rootPath), lt(orgs.path, pathEnd(rootPath)));

const orgById = preparedQuery((db) =>
  db.select().from(orgs).where(eq(orgs.id, sql.placeholder("id"))).prepare()
);

/** One org by id (undefined for no such org, or an id that is not a whole number, as from a bad URL). */
export async function getOrg(db: Conn, id: number): Promise<Org | undefined> {
  if (!Number.isSafeInteger(id)) return undefined;
  const [row] = await orgById(fast(db)).all({ id });
  return row;
}

/** The root (团中央). */
export async function getRoot(db: Conn): Promise<Org | undefined> {
  const [row] = await db.select().from(orgs).where(
    sql`${orgs.parentId} IS NULL`,
  ).limit(1);
  return row;
}

/**
 * The columns a row of the child list shows. Only these are read: the local
 * client builds every value of every row as an object property (about 1 µs
 * each), so a page of 100 whole rows (35 columns) costs 2.6 ms and of these 8
 * 0.8 ms on the national tree.
 */
export const childListColumns = {
  id: orgs.id,
  shortName: orgs.shortName,
  fullName: orgs.fullName,
  category: orgs.category,
  sortOrder: orgs.sortOrder,
  adminCount: orgs.adminCount,
  infoComplete: orgs.infoComplete,
  confirmedAt: orgs.confirmedAt,
};

/** A child as the child list reads it. */
export type ChildListOrg = Pick<Org, keyof typeof childListColumns>;
const toChildList = rowsOf<ChildListOrg>(childListColumns);

/** One page of direct children in sibling order (`offset` rows skipped; the (parent, sort order) index). */
export function childrenPage(
  db: Conn,
  parentId: number,
  offset: number,
  limit: number,
): Promise<ChildListOrg[]> {
  return childListQuery(fast(db)).values({ parentId, offset, limit }).then(toChildList);
}

const childListQuery = preparedQuery((db) =>
  db.select(childListColumns).from(orgs).where(eq(orgs.parentId, sql.placeholder("parentId")))
    .orderBy(asc(orgs.sortOrder), asc(orgs.id)).limit(sql.placeholder("limit")).offset(
      sql.placeholder("offset"),
    )
    .prepare()
);

/** Every direct child's id, position and names, in sibling order (the code sheet lists them all). */
export function childNames(db: Conn, parentId: number) {
  return db.select({
    id: orgs.id,
    sortOrder: orgs.sortOrder,
    shortName: orgs.shortName,
    fullName: orgs.fullName,
  })
    .from(orgs).where(eq(orgs.parentId, parentId)).orderBy(asc(orgs.sortOrder), asc(orgs.id));
}

/** How many siblings come before `child` in sibling order (its 0-based position). */
export async function siblingsBefore(
  db: Conn,
  child: Pick<Org, "id" | "parentId" | "sortOrder">,
): Promise<number> {
  const [{ n }] = await fast(db).select({ n: count() }).from(orgs).where(
    and(
      eq(orgs.parentId, child.parentId!),
      or(
        lt(orgs.sortOrder, child.sortOrder),
        and(eq(orgs.sortOrder, child.sortOrder), lt(orgs.id, child.id)),
      ),
    ),
  );
  return n;
}

/** Direct children with just what a tree row shows, in sibling order (a page of them with `limit`). */
export function treeItems(db: Conn, parentId: number, offset = 0, limit = -1) {
  return treeQuery(fast(db)).all({ parentId, offset, limit });
}

const treeQuery = preparedQuery((db) =>
  db.select({
    id: orgs.id,
    shortName: orgs.shortName,
    category: orgs.category,
    level: orgs.level,
    childCount: orgs.childCount,
    subOrgs: orgs.subOrgs,
    subWithAdmin: orgs.subWithAdmin,
    subComplete: orgs.subComplete,
  }).from(orgs).where(eq(orgs.parentId, sql.placeholder("parentId"))).orderBy(
    asc(orgs.sortOrder),
    asc(orgs.id),
  )
    .limit(sql.placeholder("limit")).offset(sql.placeholder("offset")).prepare()
);

const namesByIds = preparedQuery((db) =>
  db.select({ id: orgs.id, shortName: orgs.shortName, path: orgs.path }).from(orgs)
    .where(sql`${orgs.id} IN (SELECT value FROM json_each(${sql.placeholder("ids")}))`).prepare()
);

/** Ids, names and paths of an org's ancestors, root first, the org itself excluded (breadcrumbs). */
export async function ancestorNames(
  db: Conn,
  org: Pick<Org, "path" | "id">,
): Promise<Pick<Org, "id" | "shortName" | "path">[]> {
  const ids = pathIds(org.path).filter((id) => id !== org.id);
  if (ids.length === 0) return [];
  const rows = await namesByIds(fast(db)).all({ ids: JSON.stringify(ids) });
  return rows.sort((a, b) => a.path.length - b.path.length);
}

/** Ancestors of an org, root first, the org itself excluded. */
export async function ancestorsOf(
  db: Conn,
  org: Pick<Org, "path" | "id">,
): Promise<Org[]> {
  const ids = pathIds(org.path).filter((id) => id !== org.id);
  if (ids.length === 0) return [];
  const rows = await db.select().from(orgs).where(inArray(orgs.id, ids));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)!).filter(Boolean);
}

/** The counters of a row as a vector. */
export function subCounts(o: Counts): Counts {
  return {
    subOrgs: o.subOrgs,
    subWithAdmin: o.subWithAdmin,
    subComplete: o.subComplete,
    subBranches: o.subBranches,
    subNoBranch: o.subNoBranch,
    subBadLeaf: o.subBadLeaf,
    subBadName: o.subBadName,
  };
}

/** The own flags and subtree counters, as columns to select. */
export const counterColumns = {
  adminCount: orgs.adminCount,
  infoComplete: orgs.infoComplete,
  badName: orgs.badName,
  childCount: orgs.childCount,
  subOrgs: orgs.subOrgs,
  subWithAdmin: orgs.subWithAdmin,
  subComplete: orgs.subComplete,
  subBranches: orgs.subBranches,
  subNoBranch: orgs.subNoBranch,
  subBadLeaf: orgs.subBadLeaf,
  subBadName: orgs.subBadName,
};

/**
 * An org's own columns that its ancestors' screens show in its row (progress,
 * problem and chase rows, db/progress.ts and db/chasing.ts), beside the
 * counters: a change to one of them reaches every ancestor's cached pages.
 */
export const listedColumns = {
  id: orgs.id,
  shortName: orgs.shortName,
  fullName: orgs.fullName,
  category: orgs.category,
  level: orgs.level,
  sortOrder: orgs.sortOrder,
  path: orgs.path,
  phone: orgs.phone,
};

/** Columns no screen shows: writing them alone changes no cached page. */
const UNSHOWN = new Set<string>(["updatedAt"]);

/** What the counter update of an ancestor chain reads per row. */
const chainColumns = {
  ...listedColumns,
  // The org's own member flags (db/members.ts memberDelta) depend on these.
  industry: orgs.industry,
  memberCount: orgs.memberCount,
  dueCount: orgs.dueCount,
  ...counterColumns,
};

type ChainRow = { [K in keyof typeof chainColumns]: Org[K] };
const toChain = rowsOf<ChainRow>(chainColumns);

/*
 * The chain update's reads and its ancestors' counter writes, built once
 * (db/reader.ts `preparedQuery`): drizzle took 0.36 ms of an info save's 1.9
 * to build the two selects of 30 columns anew in every transaction.
 */
const chainOrg = preparedQuery((db) =>
  db.select(chainColumns).from(orgs).where(eq(orgs.id, sql.placeholder("id"))).prepare()
);
const chainAbove = preparedQuery((db) =>
  db.select(chainColumns).from(orgs)
    .where(sql`${orgs.id} IN (SELECT value FROM json_each(${sql.placeholder("ids")}))`).prepare()
);
const setCounters = preparedQuery((db) =>
  db.update(orgs).set(Object.fromEntries(COUNTERS.map((k) => [k, sql.placeholder(k)])))
    .where(eq(orgs.id, sql.placeholder("id"))).prepare()
);

/**
 * Which of `changes` are new values of the org's row that some page shows:
 * `listed` when its ancestors' rows show them too. A column not read in the
 * chain (the rest of the info) counts as changed: callers pass only those
 * that changed (db/org_info.ts).
 */
function shownChanges(
  org: Record<string, unknown>,
  changes: Partial<NewOrg>,
): { shown: boolean; listed: boolean } {
  let shown = false;
  let listed = false;
  for (const [k, v] of Object.entries(changes)) {
    if (UNSHOWN.has(k)) continue;
    if (k in org) {
      if (org[k] === v) continue;
      if (k in listedColumns || k in counterColumns) listed = true;
    }
    shown = true;
  }
  return { shown, listed };
}

/**
 * Applies a change to an org's own row and carries the resulting counter
 * delta up its ancestor chain. `changes` are the org's new own values
 * (category, infoComplete, badName, adminCount…); `below` is a delta of the
 * subtree under the org (a child added or moved in/out), and `childDelta`
 * the change in its number of direct children.
 *
 * It records what cached pages the change reaches (db/changes.ts): each row
 * that moved and the parent that lists it, every ancestor when a listed
 * column changed, nothing when nothing shown changed.
 */
export async function applyChange(
  tx: Tx,
  orgId: number,
  changes: Partial<NewOrg> = {},
  below: Counts = zero(),
  childDelta = 0,
): Promise<void> {
  // The org and its ancestors with just their flags and counters (a third of the columns of a whole row).
  const [org] = toChain(await chainOrg(tx).values({ id: orgId }));
  if (!org) throw new Error(`org ${orgId} not found`);
  const { shown, listed } = shownChanges(org, changes);
  const above = pathIds(org.path).filter((id) => id !== org.id);
  const rows = above.length ? toChain(await chainAbove(tx).values({ ids: JSON.stringify(above) })) : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const chain = [org, ...above.reverse().map((id) => byId.get(id)!).filter(Boolean)];
  const moved = new Set<number>();
  const rowMoved = (i: number) => {
    moved.add(chain[i].id);
    if (chain[i + 1]) moved.add(chain[i + 1].id); // the parent lists it
  };
  if (listed) changedOrg(tx, org.path);
  else if (shown || childDelta) rowMoved(0);
  // Its info page and its parent's child list show its own values, its child list its children; counters
  // alone reach none of them.
  if (shown) changedOwnRow(tx, org.id, chain[1]?.id);
  if (childDelta) changedChildrenOf(tx, org.id);
  // A new 类别 or 行业类别 changes the org's own member flags (branch, wave): carried up in one statement.
  const members = memberDelta(org, { ...org, ...changes });
  let delta = below;
  for (let i = 0; i < chain.length; i++) {
    const node = chain[i];
    const before = ownFlags(node);
    const next = { ...node, ...(i === 0 ? changes : {}) } as typeof node;
    next.childCount = node.childCount + (i === 0 ? childDelta : 0);
    const ownBranch = (next.category === BRANCH ? 1 : 0) - (node.category === BRANCH ? 1 : 0);
    next.subBranches = node.subBranches + delta.subBranches + ownBranch;
    const after = ownFlags(next);
    delta = add(delta, add(after, before, -1));
    const set: Partial<NewOrg> = i === 0 ? { ...changes, childCount: next.childCount } : {};
    if (isZero(delta) && Object.keys(set).length === 0) break;
    if (!isZero(delta)) rowMoved(i);
    const counts = add(subCounts(node), delta);
    if (i === 0) await tx.update(orgs).set({ ...set, ...counts }).where(eq(orgs.id, node.id));
    else await setCounters(tx).run({ ...counts, id: node.id });
  }
  changedRows(tx, moved); // records nothing (a precise, empty change) when nothing shown moved
  await carryMembers(tx, org.path, members);
}

/**
 * Reserves `n` consecutive org ids and returns the first: one atomic
 * UPDATE … RETURNING on the sequence row, so concurrent writers (other
 * instances) never take the same ids, whatever transaction they are in.
 */
export async function reserveIds(db: Conn, n: number): Promise<number> {
  const rows = await db.all<{ first: number }>(
    sql`UPDATE id_sequences SET next = next + ${n} WHERE name = 'orgs' RETURNING next - ${n} AS first`,
  );
  if (!rows[0]) throw new Error("id_sequences has no 'orgs' row: run the migrations");
  return Number(rows[0].first);
}
