/** The figures of an org's 待办清单 (lib/todo.ts): one aggregate over its direct children, no tree walk. */
import { sql } from "drizzle-orm";
import type { Org } from "./schema.ts";
import type { Conn } from "./orgs.ts";
import { infoOf } from "./org_info.ts";
import { requiredFields, validateOrgInfo } from "../lib/org_info.ts";
import { flagSql } from "../lib/structure.ts";
import type { TodoInput } from "../lib/todo.ts";

const NO_BRANCH = sql.raw(flagSql("noBranch"));

/**
 * What the list needs: the org's own row, and over its children (the parent
 * index) how many lack a 团支部, how many have an admin, and how many were
 * given a code (an indexed lookup per child in reg_codes).
 */
export async function todoInput(db: Conn, org: Org): Promise<TodoInput> {
  const required = requiredFields(org.category);
  const { errors } = validateOrgInfo(infoOf(org));
  const [row] = await db.all<{ count: number; noBranch: number; withAdmin: number; withCode: number }>(sql`
    SELECT count(*) AS count,
      coalesce(sum(${NO_BRANCH}), 0) AS noBranch,
      coalesce(sum(admin_count > 0), 0) AS withAdmin,
      coalesce(sum(admin_count > 0 OR EXISTS (SELECT 1 FROM reg_codes r WHERE r.org_id = orgs.id)), 0) AS withCode
    FROM orgs WHERE parent_id = ${org.id}`);
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
