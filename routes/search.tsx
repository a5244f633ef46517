/** Search by name within one's own subtree (SPEC §7), paged by path. */
import { Hono } from "hono";
import { inArray } from "drizzle-orm";
import { type SearchHit, SearchPage, SearchResults } from "../components/Search.tsx";
import { OrgNav } from "../components/OrgNav.tsx";
import { pathIds } from "../db/orgs.ts";
import { searchOrgs, tooShort } from "../db/search.ts";
import { type Org, orgs } from "../db/schema.ts";
import type { Db } from "../db/client.ts";
import type { AppEnv } from "../middleware/env.ts";
import { guard } from "../middleware/guard.ts";
import { render, wantsFragment } from "../middleware/render.tsx";

const PAGE = 20;

/** Results with their trail below `root` (one query for all ancestors). */
export async function withTrails(db: Db, root: Pick<Org, "path">, rows: Org[]): Promise<SearchHit[]> {
  const depth = pathIds(root.path).length;
  const ids = [...new Set(rows.flatMap((r) => pathIds(r.path).slice(depth - 1, -1)))];
  const names = new Map<number, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const part = await db.select({ id: orgs.id, shortName: orgs.shortName }).from(orgs).where(
      inArray(orgs.id, ids.slice(i, i + 500)),
    );
    for (const r of part) names.set(r.id, r.shortName);
  }
  return rows.map((r) => ({
    id: r.id,
    shortName: r.shortName,
    fullName: r.fullName,
    category: r.category,
    level: r.level,
    path: r.path,
    trail: pathIds(r.path).slice(depth - 1, -1).map((id) => names.get(id)).join(" / "),
  }));
}

/** Routes under /orgs/:id/search. */
export const search = new Hono<AppEnv>()
  .get("/:id{[0-9]+}/search", guard("subtree"), async (c) => {
    const org = c.get("org");
    const db = c.get("db");
    const q = (c.req.query("q") ?? "").trim().slice(0, 30);
    const after = c.req.query("after");
    let hits: SearchHit[] = [];
    let message: string | undefined;
    if (q && tooShort(q, org.subOrgs)) message = "本组织下级较多，请至少输入两个字再搜索。";
    else if (q) {
      hits = await withTrails(
        db,
        org,
        await searchOrgs(db, q, { rootPath: org.path, limit: PAGE + 1, after }),
      );
    }
    const next = hits.length > PAGE ? hits[PAGE - 1].path : null;
    hits = hits.slice(0, PAGE);
    if (after && wantsFragment(c)) {
      return render(c, "搜索", <SearchResults orgId={org.id} q={q} hits={hits} next={next} />);
    }
    return render(
      c,
      `${org.shortName} · 搜索`,
      <>
        <OrgNav org={org} current="search" self={c.get("session")!.org.id === org.id} />
        <SearchPage orgId={org.id} q={q} hits={hits} next={next} message={message} />
      </>,
    );
  });
