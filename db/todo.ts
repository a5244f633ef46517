/** The figures of an org's 待办清单 (lib/todo.ts): one aggregate over its direct children, no tree walk. */
import { eq, sql } from "drizzle-orm";
import { type Org, orgs } from "./schema.ts";
import { kept } from "./cache.ts";
import { fast, preparedQuery } from "./reader.ts";
import type { Conn } from "./orgs.ts";
import { infoOf } from "./org_info.ts";
import { requiredFields, validateOrgInfo } from "../lib/org_info.ts";
import { flagSql } from "../lib/structure.ts";
import type { TodoInput } from "../lib/todo.ts";

const NO_BRANCH = sql.raw(flagSql("noBranch"));
const WITH_CODE = sql.raw(
  "orgs.admin_count > 0 OR EXISTS (SELECT 1 FROM reg_codes r WHERE r.org_id = orgs.id)",
);

const childSums = preparedQuery((db) =>
  db.select({
    count: sql<number>`count(*)`,
    noBranch: sql<number>`coalesce(sum(${NO_BRANCH}), 0)`,
    withAdmin: sql<number>`coalesce(sum(${orgs.adminCount} > 0), 0)`,
    // Qualified by hand: drizzle writes a lone table's columns unqualified, and reg_codes has an id too.
    withCode: sql<number>`coalesce(sum(${WITH_CODE}), 0)`,
  }).from(orgs).where(eq(orgs.parentId, sql.placeholder("orgId"))).prepare()
);

/**
 * What the list needs: the org's own row, and over its children (the parent
 * index) how many lack a 团支部, how many have an admin, and how many were
 * given a code (an indexed lookup per child in reg_codes).
 */
export async function todoInput(db: Conn, org: Org): Promise<TodoInput> {
  const required = requiredFields(org.category);
  const { errors } = validateOrgInfo(infoOf(org));
  // Kept until a write names the org (a child's row, a code for a child: db/changes.ts).
  const row = await kept(db, `todo:${org.id}`, [`org:${org.id}`], async () => {
    const [r] = await childSums(fast(db)).all({ orgId: org.id });
    return r;
  });
  return {
    org: {
      id: org.id,
      level: org.level,
      category: org.category,
      confirmed: org.confirmedAt !== null,
      adminCount: org.adminCount,
    },
    info: { filled: required.filter((k) => !errors[k]).length, required: required.length },
    members: { members: org.subMembers, filled: org.subFilled, branches: org.subBranches },
    children: {
      count: Number(row?.count ?? 0),
      noBranch: Number(row?.noBranch ?? 0),
      withAdmin: Number(row?.withAdmin ?? 0),
      withCode: Number(row?.withCode ?? 0),
    },
  };
}
