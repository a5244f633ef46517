/** The audit log of an org, for its own and its ancestors' admins (SPEC §7). */
import { Hono } from "hono";
import { AuditLog, AuditRows } from "../components/Audit.tsx";
import { auditPage } from "../db/audit.ts";
import type { OrgEnv } from "../middleware/env.ts";
import { wantsFragment } from "../middleware/render.tsx";

const PAGE = 50;

/** Route /audit of the org app. */
export const auditRoutes = new Hono<OrgEnv>()
  .get("/audit", async (c) => {
    const { org } = c.var;
    const n = Number(c.req.query("before"));
    const before = Number.isSafeInteger(n) && n > 0 ? n : undefined; // 1e309, -1, 1.5: the first page
    const { items, next } = await auditPage(c.var.db, org.id, before, PAGE);
    // "加载更多" appends the rows in place.
    if (before && wantsFragment(c)) {
      return c.render(<AuditRows orgId={org.id} items={items} next={next} />, {});
    }
    return c.render(<AuditLog orgId={org.id} items={items} next={next} />, {
      title: "操作记录",
      tab: "audit",
    });
  });
