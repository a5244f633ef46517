/**
 * Export of one's whole subtree to .xlsx (SPEC §7). Personal data is masked
 * unless the admin ticks the explicit option, which is audited.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { Csrf } from "../components/Form.tsx";
import { OrgNav } from "../components/OrgNav.tsx";
import { formatTime } from "../components/Codes.tsx";
import { audit } from "../db/audit.ts";
import { writeTx } from "../db/client.ts";
import { exportSubtree } from "../db/export.ts";
import { attachment, XLSX_TYPE } from "../lib/xlsx.ts";
import type { AppEnv } from "../middleware/env.ts";
import { guard } from "../middleware/guard.ts";
import { render } from "../middleware/render.tsx";

function download(c: Context<AppEnv>, unmasked: boolean) {
  const org = c.get("org");
  return c.body(exportSubtree(c.get("db"), org, unmasked), 200, {
    "Content-Type": XLSX_TYPE,
    "Content-Disposition": attachment(
      `${org.shortName}-组织树-${formatTime(c.get("now")()).slice(0, 10)}.xlsx`,
    ),
    "Cache-Control": "no-store",
  });
}

/** Routes under /orgs/:id/export. */
export const exportRoutes = new Hono<AppEnv>()
  .get("/:id{[0-9]+}/export", guard("subtree"), (c) => {
    const org = c.get("org");
    return render(
      c,
      `${org.shortName} · 导出`,
      <>
        <OrgNav org={org} current="export" self={c.get("session")!.org.id === org.id} />
        <section class="narrow">
          <h2>导出组织树（Excel）</h2>
          <p>导出本组织及全部 {org.subOrgs - 1} 个下级组织。身份证号码和手机号码默认脱敏。</p>
          <p>
            <a class="button" href={`/orgs/${org.id}/export.xlsx`} hx-boost="false">导出（脱敏）</a>
          </p>
          <form method="post" action={`/orgs/${org.id}/export.xlsx`} hx-boost="false">
            <Csrf token={c.get("csrf")} />
            <label class="choice">
              <input type="checkbox" name="unmasked" value="1" required />{" "}
              我确认需要导出完整的身份证号码和手机号码，并对数据安全负责（此操作将记入操作记录）
            </label>
            <button type="submit">导出（不脱敏）</button>
          </form>
        </section>
      </>,
    );
  })
  .get("/:id{[0-9]+}/export.xlsx", guard("subtree"), (c) => download(c, false))
  .post("/:id{[0-9]+}/export.xlsx", guard("subtree"), async (c) => {
    const unmasked = (await c.req.parseBody()).unmasked === "1";
    if (unmasked) {
      await writeTx(c.get("db"), (tx) =>
        audit(tx, {
          org: c.get("org"),
          actorId: c.get("session")!.accountId,
          action: "export.unmasked",
          detail: { orgs: c.get("org").subOrgs },
          at: c.get("now")(),
        }));
    }
    return download(c, unmasked);
  });
