/** Search orgs by (part of) 简称 or 全称, optionally within a subtree. */
import { and, asc, like, or, type SQL } from "drizzle-orm";
import type { Conn } from "./orgs.ts";
import { subtreeOf } from "./orgs.ts";
import { orgs } from "./schema.ts";

/** Escapes LIKE wildcards in user input. */
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => "\\" + m);

/** Orgs whose names contain `q`, in path order. */
export function searchOrgs(
  db: Conn,
  q: string,
  opts: { rootPath?: string; limit?: number; offset?: number } = {},
) {
  const pattern = `%${escapeLike(q.trim())}%`;
  const match = or(
    like(orgs.shortName, pattern),
    like(orgs.fullName, pattern),
  ) as SQL;
  return db.select().from(orgs)
    .where(opts.rootPath ? and(subtreeOf(opts.rootPath), match) : match)
    .orderBy(asc(orgs.path)).limit(opts.limit ?? 20).offset(opts.offset ?? 0);
}
