/**
 * Export of one's whole subtree to .xlsx (SPEC §7). Personal data is masked
 * unless the admin ticks the explicit option, which is audited.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import { Csrf } from "../components/Form.tsx";
import { audit } from "../db/audit.ts";
import { writeTx } from "../db/client.ts";
import { exportSubtree } from "../db/export.ts";
import { beijingDate } from "../lib/time.ts";
import type { OrgEnv } from "../middleware/env.ts";
import { sendXlsx } from "../middleware/render.tsx";
import { form } from "../middleware/validate.ts";

/** The unmasked export's confirmation. */
const unmaskedForm = z.object({ unmasked: z.string().optional() });

/** The subtree as a streamed spreadsheet. */
function download(c: Context<OrgEnv>, unmasked: boolean) {
  const { org } = c.var;
  return sendXlsx(
    c,
    exportSubtree(c.var.db, org, unmasked),
    `${org.shortName}-组织树-${beijingDate(c.var.now())}.xlsx`,
  );
}

/** Routes /export and /export.xlsx of the org app. */
export const exportRoutes = new Hono<OrgEnv>()
  .get("/export", (c) => {
    const { org } = c.var;
    return c.render(
      <section class="narrow">
        <h2>导出组织树（Excel）</h2>
        <p>导出本组织及全部 {org.subOrgs - 1} 个下级组织。身份证号码和手机号码默认脱敏。</p>
        <p>
          <a class="button" href={`/orgs/${org.id}/export.xlsx`} hx-boost="false">导出（脱敏）</a>
        </p>
        <form method="post" action={`/orgs/${org.id}/export.xlsx`} hx-boost="false">
          <Csrf token={c.var.csrf} />
          <label class="choice">
            <input type="checkbox" name="unmasked" value="1" required />{" "}
            我确认需要导出完整的身份证号码和手机号码，并对数据安全负责（此操作将记入操作记录）
          </label>
          <button type="submit">导出（不脱敏）</button>
        </form>
      </section>,
      { title: "导出", tab: "export" },
    );
  })
  .get("/export.xlsx", (c) => download(c, false))
  .post("/export.xlsx", form(unmaskedForm), async (c) => {
    const unmasked = c.req.valid("form").unmasked === "1";
    if (unmasked) {
      await writeTx(c.var.db, (tx) =>
        audit(tx, {
          org: c.var.org,
          actorId: c.var.session.accountId,
          action: "export.unmasked",
          detail: { orgs: c.var.org.subOrgs },
          at: c.var.now(),
        }));
    }
    return download(c, unmasked);
  });
