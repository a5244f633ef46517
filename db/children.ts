/** Writing an org's direct children: bulk creation, reordering, corrections. */
import { and, asc, desc, eq, gt, gte, lt, sql } from "drizzle-orm";
import type { Category } from "../lib/org_rules.ts";
import { type Db, pace, runAll, type Tx, writeTx } from "./client.ts";
import { auditMany } from "./audit.ts";
import { changedChildrenOf, createdOrgs, nothing } from "./changes.ts";
import { applyChange, getOrg, reserveIds } from "./orgs.ts";
import { type Org, orgs } from "./schema.ts";
import { indexNames } from "./search.ts";
import { preparedQuery } from "./reader.ts";
import { childRows } from "./staging_rows.ts";

/** A checked child ready to insert. */
export interface ChildToCreate {
  shortName: string;
  category: Category;
  fullName: string;
  sortOrder?: number | null;
}

/*
 * The reads of a creation, built once (db/reader.ts `preparedQuery`): drizzle
 * builds a select's SQL anew each time it runs, 0.05–0.1 ms apiece here.
 */
const siblingsNamed = preparedQuery((db) =>
  db.select({ shortName: orgs.shortName, category: orgs.category, initialised: orgs.initialised }).from(orgs)
    .where(and(
      eq(orgs.parentId, sql.placeholder("parentId")),
      sql`${orgs.shortName} IN (SELECT value FROM json_each(${sql.placeholder("names")}))`,
    )).prepare()
);
const lastSortOrder = preparedQuery((db) =>
  db.select({ maxSort: sql<number>`coalesce(max(${orgs.sortOrder}), 0)` }).from(orgs)
    .where(eq(orgs.parentId, sql.placeholder("parentId"))).prepare()
);
const createdSince = preparedQuery((db) =>
  db.select({ id: orgs.id, shortName: orgs.shortName, path: orgs.path, sortOrder: orgs.sortOrder }).from(orgs)
    .where(and(eq(orgs.parentId, sql.placeholder("parentId")), gte(orgs.id, sql.placeholder("firstId"))))
    .orderBy(asc(orgs.sortOrder)).prepare()
);

/**
 * Which of `names` an org's direct children already use, with their
 * category and whether the system initialised them: one index lookup per
 * name rather than reading every child (a school can have thousands).
 */
export async function siblingNames(
  tx: Tx | Parameters<typeof getOrg>[0],
  parentId: number,
  names: string[],
): Promise<Map<string, { category: number; initialised: boolean }>> {
  const wanted = names.filter(Boolean);
  if (wanted.length === 0) return new Map();
  const rows = await siblingsNamed(tx).all({ parentId, names: JSON.stringify(wanted) });
  return new Map(rows.map((r) => [r.shortName, { category: r.category, initialised: r.initialised }]));
}

/**
 * Creates many direct children in one go: explicit ids and paths, 100-row
 * inserts, and one counter delta carried up the parent's ancestors. Children
 * with a sort position are placed there (later siblings shift); the rest are
 * appended in order. Audits each creation.
 */
export async function createChildren(
  tx: Tx,
  parentId: number,
  children: ChildToCreate[],
  actorId: number,
  now: Date,
): Promise<Pick<Org, "id" | "shortName" | "path" | "sortOrder">[]> {
  const parent = await getOrg(tx, parentId);
  if (!parent) throw new Error(`org ${parentId} not found`);
  const firstId = await reserveIds(tx, children.length);
  const [{ maxSort }] = await lastSortOrder(tx).all({ parentId });
  await pace();
  const { rows, delta } = childRows(parent, children, firstId, maxSort, now);
  // 25 rows (about 500 values) a statement: drizzle takes ~10 ms to build one of that size, which runAll
  // runs between breaths (one of 100 rows held the event loop for 50 ms and more on a busy machine).
  const inserts = [];
  for (let i = 0; i < rows.length; i += 25) inserts.push(tx.insert(orgs).values(rows.slice(i, i + 25)));
  await runAll(tx, inserts);
  await indexNames(tx, rows.map((r) => ({ id: r.id!, path: r.path, shortName: r.shortName })));
  createdOrgs(tx, rows.map((r) => r.id!));
  // Requested positions: move each such child into place.
  for (const [i, c] of children.entries()) {
    if (c.sortOrder && c.sortOrder < rows[i].sortOrder!) {
      await placeAt(tx, parentId, rows[i].id!, c.sortOrder);
    }
  }
  await applyChange(tx, parentId, {}, delta, rows.length);
  await pace();
  await auditMany(
    tx,
    rows.map((r) => ({
      org: { id: r.id!, path: r.path },
      actorId,
      action: "org.created" as const,
      detail: { shortName: r.shortName, category: r.category, fullName: r.fullName },
      at: now,
    })),
  );
  return await createdSince(tx).all({ parentId, firstId });
}

/** Moves a child to sort position `pos` among its siblings, shifting the others. */
export async function placeAt(tx: Tx, parentId: number, childId: number, pos: number): Promise<void> {
  const child = (await getOrg(tx, childId))!;
  changedChildrenOf(tx, parentId);
  const from = child.sortOrder;
  if (pos === from) return;
  if (pos < from) {
    await tx.update(orgs).set({ sortOrder: sql`${orgs.sortOrder} + 1` }).where(
      and(eq(orgs.parentId, parentId), gte(orgs.sortOrder, pos), lt(orgs.sortOrder, from)),
    );
  } else {
    await tx.update(orgs).set({ sortOrder: sql`${orgs.sortOrder} - 1` }).where(
      and(eq(orgs.parentId, parentId), gt(orgs.sortOrder, from), sql`${orgs.sortOrder} <= ${pos}`),
    );
  }
  await tx.update(orgs).set({ sortOrder: pos }).where(eq(orgs.id, childId));
}

/** Swaps a child with its previous (-1) or next (+1) sibling. Returns false at either end. */
export async function moveSibling(tx: Tx, child: Org, direction: -1 | 1): Promise<boolean> {
  changedChildrenOf(tx, child.parentId!);
  const [neighbour] = await tx.select().from(orgs).where(
    and(
      eq(orgs.parentId, child.parentId!),
      direction < 0 ? lt(orgs.sortOrder, child.sortOrder) : gt(orgs.sortOrder, child.sortOrder),
    ),
  ).orderBy(direction < 0 ? desc(orgs.sortOrder) : asc(orgs.sortOrder)).limit(1);
  if (!neighbour) return false;
  await tx.update(orgs).set({ sortOrder: neighbour.sortOrder }).where(eq(orgs.id, child.id));
  await tx.update(orgs).set({ sortOrder: child.sortOrder }).where(eq(orgs.id, neighbour.id));
  return true;
}

/** True when `e` (or its cause) is SQLite's unique-constraint error for a sibling 简称. */
function isDuplicateName(e: unknown): boolean {
  for (let x = e; x; x = (x as { cause?: unknown }).cause) {
    if (/UNIQUE constraint failed: orgs\.parent_id, orgs\.short_name/.test(String((x as Error).message))) {
      return true;
    }
  }
  return false;
}

/**
 * Creates one child unless a sibling has its 简称, checked inside the write
 * (the unique index on (parent_id, short_name) backs it up across instances).
 * Returns false when the name is taken.
 */
export async function createChildOnce(
  db: Db,
  parentId: number,
  child: ChildToCreate,
  actorId: number,
  now: Date,
): Promise<boolean> {
  try {
    return await writeTx(db, async (tx) => {
      if ((await siblingNames(tx, parentId, [child.shortName])).has(child.shortName)) {
        nothing(tx);
        return false;
      }
      await createChildren(tx, parentId, [child], actorId, now);
      return true;
    });
  } catch (e) {
    if (isDuplicateName(e)) return false;
    throw e;
  }
}
