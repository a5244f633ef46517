/**
 * The rows a staged long write (db/staging.ts) copies into place: new
 * direct children with their counter delta, their name-index rows, and
 * their audit rows, built in memory from what the write's first step read.
 */
import { add, type Counts, ownFlags, zero } from "../lib/counters.ts";
import { BRANCH, checkShortName } from "../lib/org_rules.ts";
import type { ChildToCreate } from "./children.ts";
import { childPath } from "./orgs.ts";
import type { NewOrg, Org } from "./schema.ts";
import { bigrams } from "./search.ts";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The name index's table (created by migration 0002 by hand, WITHOUT ROWID, so it is not in db/schema.ts
 * and db/search.ts writes it in SQL): declared here only to stage its rows.
 */
export const orgNameGrams = sqliteTable("org_name_grams", {
  gram: text("gram").notNull(),
  path: text("path").notNull(),
  orgId: integer("org_id").notNull(),
});

/**
 * New direct children of `parent` with ids from `firstId` on, appended after
 * sort position `lastSort`, and the counter delta they carry up the parent's
 * ancestors (their own flags).
 */
export function childRows(
  parent: Pick<Org, "path" | "level" | "id">,
  children: ChildToCreate[],
  firstId: number,
  lastSort: number,
  now: Date,
): { rows: NewOrg[]; delta: Counts } {
  let delta = zero();
  const rows = children.map((c, i): NewOrg => {
    const id = firstId + i;
    const own = ownFlags({
      category: c.category,
      infoComplete: 0,
      badName: 0,
      adminCount: 0,
      childCount: 0,
      subBranches: c.category === BRANCH ? 1 : 0,
    });
    delta = add(delta, own);
    return {
      id,
      parentId: parent.id,
      level: parent.level + 1,
      path: childPath(parent.path, id),
      sortOrder: lastSort + i + 1,
      shortName: c.shortName,
      fullName: c.fullName,
      category: c.category,
      badName: checkShortName(c.shortName, c.category).ok ? 0 : 1,
      createdAt: now,
      ...own,
    };
  });
  return { rows, delta };
}

/** The name-index rows of new orgs (db/search.ts `indexNames`, for orgs that had none). */
export function gramRows(rows: Pick<NewOrg, "id" | "path" | "shortName">[]) {
  return rows.flatMap((r) => bigrams(r.shortName).map((gram) => ({ gram, path: r.path, orgId: r.id! })));
}
