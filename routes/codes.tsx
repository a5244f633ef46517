/**
 * Registration codes for an org's direct children (SPEC §3): the current code
 * of one child (the popup, or a page without JavaScript) and the batch of
 * codes for every child as .xlsx.
 */
import { Hono } from "hono";
import { CodeBox } from "../components/Codes.tsx";
import { Csrf } from "../components/Form.tsx";
import { mapPaced, pace, writeTx } from "../db/client.ts";
import { issueCodes, issueManyCodes, validCodes } from "../db/codes.ts";
import { childNames } from "../db/orgs.ts";
import type { Org } from "../db/schema.ts";
import { beijingDate, formatBeijing } from "../lib/time.ts";
import type { OrgEnv } from "../middleware/env.ts";
import { guard, loadChild } from "../middleware/guard.ts";
import { redirectAfterPost, renderError, sendXlsx, siteOrigin } from "../middleware/render.tsx";
import { pasteText } from "../lib/codes.ts";

const CODE = "/children/:cid{[0-9]+}/code";

/** The code of `child` as the popup shows it, with its ready-to-paste text for the 微信群. */
const codeBox = (child: Org, current: { code: string; expiresAt: Date }, site: string) => (
  <CodeBox
    orgId={child.id}
    orgName={child.shortName}
    code={current.code}
    expiresAt={current.expiresAt}
    paste={pasteText({ orgName: child.shortName, ...current, site })}
  />
);

/** Routes /children/:cid/code and /codes.xlsx of the org app. */
export const codes = new Hono<OrgEnv>()
  .get(CODE, guard("self"), loadChild, async (c) => {
    const { org, child } = c.var;
    const current = (await validCodes(c.var.db, [child.id], c.var.now())).get(child.id);
    return c.render(
      <section class="narrow">
        <h1>{child.shortName}</h1>
        {current
          ? codeBox(child, current, siteOrigin(c))
          : (
            <form method="post" action={`/orgs/${org.id}/children/${child.id}/code`}>
              <Csrf token={c.var.csrf} />
              <p>当前没有有效的注册码。</p>
              <button type="submit" class="primary">生成注册码</button>
            </form>
          )}
        <p>
          <a href={`/orgs/${org.id}/children`}>返回下级组织列表</a>
        </p>
      </section>,
      { title: "注册码" },
    );
  })
  .post(CODE, guard("self"), loadChild, async (c) => {
    const { org, child } = c.var;
    const now = c.var.now();
    // A child's valid unused code is shown again without a write transaction (the popup is opened often;
    // issueCodes would draw nothing either); only a child without one gets a code drawn.
    const issued = (await validCodes(c.var.db, [child.id], now)).get(child.id) ??
      (await writeTx(
        c.var.db,
        (tx) => issueCodes(tx, [child.id], { accountId: c.var.session.accountId }, now),
      ))[0];
    return redirectAfterPost(
      c,
      `/orgs/${org.id}/children/${child.id}/code`,
      () => c.render(codeBox(child, issued, siteOrigin(c)), { title: "注册码" }),
    );
  })
  .post("/codes.xlsx", guard("self"), async (c) => {
    const { org, db } = c.var;
    const now = c.var.now();
    const children = await childNames(db, org.id);
    await pace();
    if (children.length === 0) {
      return renderError(c, 409, "没有下级组织", "请先创建直属下级组织，再生成注册码。");
    }
    const site = siteOrigin(c);
    const issued = await issueManyCodes(
      db,
      children.map((o) => o.id),
      { accountId: c.var.session.accountId },
      now,
    );
    // 5,000 rows take tens of ms to build: paced, so other requests run meanwhile.
    const rows = await mapPaced(children, (o, i) => [
      o.sortOrder,
      o.shortName,
      o.fullName,
      issued[i].code,
      formatBeijing(issued[i].expiresAt),
      pasteText({ orgName: o.shortName, code: issued[i].code, expiresAt: issued[i].expiresAt, site }),
    ]);
    const bytes = await c.var.sheets.tableToXlsx(
      "管理员注册码",
      ["序号", "组织简称", "组织全称", "管理员注册码", "有效期至（北京时间）", "发到微信群的文字"],
      rows,
    );
    return sendXlsx(c, bytes, `${org.shortName}-下级组织管理员注册码-${beijingDate(now)}.xlsx`);
  });
