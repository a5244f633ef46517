/** The audit log of an org, for its own and its ancestors' admins (SPEC §7). */
import { Hono } from "hono";
import { and, desc, eq, lt } from "drizzle-orm";
import { AuditLog, AuditRows } from "../components/Audit.tsx";
import { OrgNav } from "../components/OrgNav.tsx";
import { accounts, auditLog } from "../db/schema.ts";
import type { AppEnv } from "../middleware/env.ts";
import { guard } from "../middleware/guard.ts";
import { render, wantsFragment } from "../middleware/render.tsx";

const PAGE = 50;

/** Routes under /orgs/:id/audit. */
export const auditRoutes = new Hono<AppEnv>()
  .get("/:id{[0-9]+}/audit", guard("subtree"), async (c) => {
    const org = c.get("org");
    const n = Number(c.req.query("before"));
    const before = Number.isSafeInteger(n) && n > 0 ? n : undefined; // 1e309, -1, 1.5: the first page
    const rows = await c.get("db").select({ entry: auditLog, actor: accounts.name }).from(auditLog)
      .leftJoin(accounts, eq(accounts.id, auditLog.actorId))
      .where(before ? and(eq(auditLog.orgId, org.id), lt(auditLog.id, before)) : eq(auditLog.orgId, org.id))
      .orderBy(desc(auditLog.id)).limit(PAGE + 1);
    const items = rows.slice(0, PAGE).map(({ entry, actor }) => ({
      id: entry.id,
      at: entry.createdAt,
      actor,
      action: entry.action,
      detail: entry.detail ?? null,
      reason: entry.reason,
    }));
    const next = rows.length > PAGE ? items.at(-1)!.id : null;
    if (before && wantsFragment(c)) {
      return render(c, "操作记录", <AuditRows orgId={org.id} items={items} next={next} />);
    }
    return render(
      c,
      `${org.shortName} · 操作记录`,
      <>
        <OrgNav org={org} current="audit" self={c.get("session")!.org.id === org.id} />
        <AuditLog orgId={org.id} items={items} next={next} />
      </>,
    );
  });
