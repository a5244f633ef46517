/** The org tree browser: /tree/:id is a full page, or the children fragment for htmx. */
import { Hono } from "hono";
import { ancestorsOf, childrenOf } from "../db/orgs.ts";
import { TreeChildren, TreePage } from "../components/Tree.tsx";
import { guard } from "../middleware/guard.ts";
import type { AppEnv } from "../middleware/env.ts";
import { render, wantsFragment } from "../middleware/render.tsx";

/** Routes under /tree. */
export const tree = new Hono<AppEnv>()
  .get("/", (c) => c.redirect(`/tree/${c.get("session")?.org.id ?? 1}`))
  .get("/:id{[0-9]+}", guard("subtree"), async (c) => {
    const db = c.get("db");
    const org = c.get("org");
    const items = await childrenOf(db, org.id);
    if (wantsFragment(c)) {
      return render(c, org.shortName, <TreeChildren items={items} />);
    }
    const top = c.get("session")!.org;
    const trail = [...(await ancestorsOf(db, org)), org].filter((o) => o.path.startsWith(top.path));
    return render(
      c,
      org.shortName,
      <TreePage trail={trail} item={org} items={items} />,
    );
  });
