/** Search by name within one's own subtree (SPEC §7), paged by path. */
import { Hono } from "hono";
import { z } from "zod";
import { SearchPage, SearchResults } from "../components/Search.tsx";
import { searchOrgs, tooShort, withTrails } from "../db/search.ts";
import type { OrgEnv } from "../middleware/env.ts";
import { wantsFragment } from "../middleware/render.tsx";
import { query, trimmed } from "../middleware/validate.ts";

const PAGE = 20;

/** The search query: the words (up to 30 characters) and where the page starts. */
export const searchQuery = z.object({
  q: trimmed(30).catch(""),
  after: z.string().optional().catch(undefined),
});

/** Route /search of the org app. */
export const search = new Hono<OrgEnv>()
  .get("/search", query(searchQuery), async (c) => {
    const { org, db } = c.var;
    const { q, after } = c.req.valid("query");
    const short = q !== "" && tooShort(q, org.subOrgs);
    const found = q && !short ? await searchOrgs(db, q, { rootPath: org.path, limit: PAGE + 1, after }) : [];
    const hits = await withTrails(db, found.slice(0, PAGE), org.level);
    const next = found.length > PAGE ? hits[PAGE - 1].path : null;
    // "更多" appends the next page in place.
    if (after && wantsFragment(c)) {
      return c.render(<SearchResults orgId={org.id} q={q} hits={hits} next={next} />, {});
    }
    const message = short ? "本组织下级较多，请至少输入两个字再搜索。" : undefined;
    return c.render(<SearchPage orgId={org.id} q={q} hits={hits} next={next} message={message} />, {
      title: "搜索",
      tab: "search",
    });
  });
