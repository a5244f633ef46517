/** The org tree browser: /tree/:id is a full page, or the children fragment for htmx. */
import { Hono } from "hono";
import { ancestorNames, treeItems } from "../db/orgs.ts";
import { TREE_PER_PAGE, TreeChildren, TreeItems, TreePage } from "../components/Tree.tsx";
import { listPage } from "../components/Pager.tsx";
import { loadOrg } from "../middleware/guard.ts";
import type { AppEnv } from "../middleware/env.ts";
import { render, wantsFragment } from "../middleware/render.tsx";
import { cachedResponse, pageCache } from "../middleware/page_cache.ts";

/** Routes under /tree. */
export const tree = new Hono<AppEnv>()
  .get("/", (c) => c.redirect(`/tree/${c.var.session?.org.id ?? 1}`))
  .get("/:id{[0-9]+}", loadOrg, pageCache, async (c) => {
    const db = c.get("db");
    const org = c.get("org");
    const at = listPage(c.req.query("page"), org.childCount, TREE_PER_PAGE);
    const pageItems = () => treeItems(db, org.id, at.offset, at.perPage);
    if (wantsFragment(c)) {
      // An expand (or its "more" link) is the same for every viewer: kept finished (raw or gzipped) until a
      // write at or below the org, and sent as a copy (middleware/page_cache.ts).
      const rest = c.req.query("more") === "1";
      return cachedResponse(c, `tree:${org.id}:${at.page}:${rest}`, () => [`org:${org.id}`], async () => {
        const more = { href: `/tree/${org.id}`, at };
        const items = await pageItems();
        const html = rest
          ? <TreeItems items={items} more={more} />
          : <TreeChildren items={items} more={more} />;
        return c.html(html, 200, { Vary: "HX-Request" });
      });
    }
    const items = await pageItems();
    const top = c.var.session.org;
    const trail = [...(await ancestorNames(db, org)), org].filter((o) => o.path.startsWith(top.path));
    return render(
      c,
      org.shortName,
      <TreePage trail={trail} item={org} items={items} at={at} />,
    );
  });
