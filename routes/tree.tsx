/** The org tree browser: /tree/:id is a full page, or the children fragment for htmx. */
import { Hono } from "hono";
import { ancestorsOf, treeItems } from "../db/orgs.ts";
import { TreeChildren, TreePage } from "../components/Tree.tsx";
import { guard } from "../middleware/guard.ts";
import type { AppEnv } from "../middleware/env.ts";
import { acceptsGzip, render, wantsFragment } from "../middleware/render.tsx";
import { gzipSync } from "node:zlib";

/** Routes under /tree. */
export const tree = new Hono<AppEnv>()
  .get("/", (c) => c.redirect(`/tree/${c.get("session")?.org.id ?? 1}`))
  .get("/:id{[0-9]+}", guard("subtree"), async (c) => {
    const db = c.get("db");
    const org = c.get("org");
    if (wantsFragment(c)) {
      // The expand fragment is the same for every viewer: cached, raw and gzipped, until the data changes.
      const { version, store } = c.get("cache");
      const cached = await store.get(version, `tree:${org.id}`, async () => {
        const html = String(<TreeChildren items={await treeItems(db, org.id)} />);
        return { html, gz: gzipSync(html) };
      });
      c.header("Vary", "HX-Request, Accept-Encoding");
      if (!acceptsGzip(c.req.header("Accept-Encoding"))) return c.html(cached.html);
      return c.body(new Uint8Array(cached.gz), 200, {
        "Content-Type": "text/html; charset=UTF-8",
        "Content-Encoding": "gzip",
      });
    }
    const items = await treeItems(db, org.id);
    const top = c.get("session")!.org;
    const trail = [...(await ancestorsOf(db, org)), org].filter((o) => o.path.startsWith(top.path));
    return render(
      c,
      org.shortName,
      <TreePage trail={trail} item={org} items={items} />,
    );
  });
