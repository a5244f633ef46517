/**
 * Batch creation of direct children from Excel (SPEC §5), on the batch
 * screens of routes/batch.tsx: only the org's own admin, only for orgs that
 * may have children; rows checked against the children as they are.
 */
import { createMiddleware } from "hono/factory";
import { CHILD_WORDS } from "../components/Import.tsx";
import { checkImport, confirmImport } from "../db/imports.ts";
import { type CheckedRow, reasonText } from "../lib/import_rows.ts";
import { childTemplate } from "../lib/import_xlsx.ts";
import { mayHaveChildren } from "../lib/org_rules.ts";
import { ok } from "../lib/result.ts";
import type { OrgEnv } from "../middleware/env.ts";
import { guard } from "../middleware/guard.ts";
import { renderError, sendXlsx } from "../middleware/render.tsx";
import { batchRoutes } from "./batch.tsx";

export { uploadLimit } from "./batch.tsx";

/** Batch pages exist only for orgs that may have children (not for a 团支部). */
const mayCreate = createMiddleware<OrgEnv>(async (c, next) => {
  const { org } = c.var;
  if (!mayHaveChildren(org.category)) {
    return renderError(c, 403, "不能创建下级", `“${org.shortName}”是团支部，团支部不能有下级组织。`);
  }
  await next();
});

/** Routes /import… of the org app (every one is the org's own admin's). */
export const importRoutes = batchRoutes<CheckedRow>({
  kind: "children",
  words: CHILD_WORDS,
  title: "批量创建下级组织",
  heading: "批量创建直属下级组织",
  tab: "children",
  gate: [guard("self"), mayCreate],
  async template(c, failed = []) {
    const { org } = c.var;
    const rows = failed.map((r) => ({ ...r, reason: reasonText(r) }));
    const name = failed.length ? "批量创建失败原因" : "批量创建下级组织模板";
    return sendXlsx(c, await childTemplate(org, rows), `${org.shortName}-${name}.xlsx`);
  },
  async check(c, bytes) {
    const read = await c.var.sheets.readChildRows(bytes);
    if (!read.ok) return read;
    return ok(await checkImport(c.var.db, c.var.org, read.value));
  },
  confirm: (c, batch) => confirmImport(c.var.db, batch, c.var.session.accountId, c.var.now()),
});
