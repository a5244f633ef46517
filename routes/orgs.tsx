/**
 * An org's own pages: the overview with its admins, the child list with
 * registration codes (single popup and batch .xlsx), and reset codes.
 */
import { Hono } from "hono";
import { adminsOf } from "../db/accounts.ts";
import { audit } from "../db/audit.ts";
import { writeTx } from "../db/client.ts";
import { issueCodes, validCodes } from "../db/codes.ts";
import { childrenOf, getOrg } from "../db/orgs.ts";
import { resetCodes } from "../db/schema.ts";
import { orgAdmins } from "../db/schema.ts";
import { and, eq } from "drizzle-orm";
import { type ChildRow, ChildTable } from "../components/Children.tsx";
import { CodeBox, formatTime } from "../components/Codes.tsx";
import { Csrf, Notice } from "../components/Form.tsx";
import { OrgNav } from "../components/OrgNav.tsx";
import { OrgOverview } from "../components/OrgOverview.tsx";
import { generateCode } from "../lib/codes.ts";
import { maskMobile } from "../lib/mobile.ts";
import { sha256 } from "../db/accounts.ts";
import { attachment, tableToXlsx, XLSX_TYPE } from "../lib/xlsx.ts";
import type { Org } from "../db/schema.ts";
import type { AppEnv } from "../middleware/env.ts";
import { guard } from "../middleware/guard.ts";
import { redirectAfterPost, render, renderError } from "../middleware/render.tsx";

/** A child as a list row. */
export const childRow = (o: Org): ChildRow => ({
  id: o.id,
  shortName: o.shortName,
  fullName: o.fullName,
  category: o.category,
  sortOrder: o.sortOrder,
  adminCount: o.adminCount,
  infoComplete: o.infoComplete,
  confirmed: o.confirmedAt !== null,
  childCount: o.childCount,
  subOrgs: o.subOrgs,
});

/** Reset codes are valid for 3 days. */
const RESET_TTL_MS = 3 * 86400_000;

/** Routes under /orgs. */
export const orgsRoutes = new Hono<AppEnv>()
  .get("/:id{[0-9]+}", guard("subtree"), async (c) => {
    const org = c.get("org");
    const session = c.get("session")!;
    const admins = await adminsOf(c.get("db"), org.id);
    const self = session.org.id === org.id;
    const canReset = self || org.parentId === session.org.id;
    return render(
      c,
      org.shortName,
      <>
        <OrgNav org={org} current="overview" self={self} />
        <OrgOverview
          org={org}
          csrf={c.get("csrf")}
          admins={admins.map((a) => ({
            ...a,
            mobile: maskMobile(a.mobile),
            me: a.accountId === session.accountId,
          }))}
          canReset={canReset}
        />
      </>,
    );
  })
  .get("/:id{[0-9]+}/children", guard("subtree"), async (c) => {
    const org = c.get("org");
    const self = c.get("session")!.org.id === org.id;
    const rows = (await childrenOf(c.get("db"), org.id)).map(childRow);
    return render(
      c,
      `${org.shortName} · 下级组织`,
      <>
        <OrgNav org={org} current="children" self={self} />
        {self
          ? (
            <p class="toolbar">
              <a class="button" href={`/orgs/${org.id}/children/new`}>
                单个创建
              </a>
              <a class="button" href={`/orgs/${org.id}/import`}>
                批量创建（Excel）
              </a>
              <form
                method="post"
                action={`/orgs/${org.id}/codes.xlsx`}
                hx-boost="false"
                class="inline"
              >
                <Csrf token={c.get("csrf")} />
                <button type="submit">批量生成注册码并下载</button>
              </form>
            </p>
          )
          : null}
        <ChildTable
          rows={rows}
          parentId={org.id}
          csrf={c.get("csrf")}
          manage={self}
        />
      </>,
    );
  })
  .post("/:id{[0-9]+}/children/:cid{[0-9]+}/code", guard("self"), async (c) => {
    const org = c.get("org");
    const child = await getOrg(c.get("db"), Number(c.req.param("cid")));
    if (!child || child.parentId !== org.id) {
      return renderError(
        c,
        403,
        "无权操作",
        "只能为本组织的直属下级组织生成注册码。",
      );
    }
    const now = c.get("now")();
    const [issued] = await writeTx(
      c.get("db"),
      (tx) =>
        issueCodes(
          tx,
          [child.id],
          { accountId: c.get("session")!.accountId },
          now,
        ),
    );
    if (
      c.req.header("HX-Request") === "true" &&
      c.req.header("HX-Boosted") !== "true"
    ) {
      return render(
        c,
        "注册码",
        <CodeBox
          orgId={child.id}
          orgName={child.shortName}
          code={issued.code}
          expiresAt={issued.expiresAt}
        />,
      );
    }
    return redirectAfterPost(c, `/orgs/${org.id}/children/${child.id}/code`);
  })
  .get("/:id{[0-9]+}/children/:cid{[0-9]+}/code", guard("self"), async (c) => {
    const org = c.get("org");
    const child = await getOrg(c.get("db"), Number(c.req.param("cid")));
    if (!child || child.parentId !== org.id) {
      return renderError(
        c,
        403,
        "无权操作",
        "只能查看本组织直属下级组织的注册码。",
      );
    }
    const current = (await validCodes(c.get("db"), [child.id], c.get("now")()))
      .get(child.id);
    return render(
      c,
      "注册码",
      <section class="narrow">
        <h1>{child.shortName}</h1>
        {current
          ? (
            <CodeBox
              orgId={child.id}
              orgName={child.shortName}
              code={current.code}
              expiresAt={current.expiresAt}
            />
          )
          : (
            <form
              method="post"
              action={`/orgs/${org.id}/children/${child.id}/code`}
            >
              <Csrf token={c.get("csrf")} />
              <p>当前没有有效的注册码。</p>
              <button type="submit" class="primary">生成注册码</button>
            </form>
          )}
        <p>
          <a href={`/orgs/${org.id}/children`}>返回下级组织列表</a>
        </p>
      </section>,
    );
  })
  .post("/:id{[0-9]+}/codes.xlsx", guard("self"), async (c) => {
    const org = c.get("org");
    const db = c.get("db");
    const now = c.get("now")();
    const children = await childrenOf(db, org.id);
    if (children.length === 0) {
      return renderError(
        c,
        409,
        "没有下级组织",
        "请先创建直属下级组织，再生成注册码。",
      );
    }
    const issued = await writeTx(
      db,
      (tx) =>
        issueCodes(tx, children.map((o) => o.id), {
          accountId: c.get("session")!.accountId,
        }, now),
    );
    const bytes = await tableToXlsx(
      "管理员注册码",
      ["序号", "组织简称", "组织全称", "管理员注册码", "有效期至（北京时间）"],
      children.map((
        o,
        i,
      ) => [
        o.sortOrder,
        o.shortName,
        o.fullName,
        issued[i].code,
        formatTime(issued[i].expiresAt),
      ]),
    );
    return c.body(bytes, 200, {
      "Content-Type": XLSX_TYPE,
      "Content-Disposition": attachment(
        `${org.shortName}-下级组织管理员注册码-${formatTime(now).slice(0, 10)}.xlsx`,
      ),
      "Cache-Control": "no-store",
    });
  })
  .post(
    "/:id{[0-9]+}/admins/:aid{[0-9]+}/reset",
    guard("self", "child"),
    async (c) => {
      const org = c.get("org");
      const db = c.get("db");
      const session = c.get("session")!;
      const accountId = Number(c.req.param("aid"));
      const [admin] = await db.select().from(orgAdmins).where(
        and(eq(orgAdmins.orgId, org.id), eq(orgAdmins.accountId, accountId)),
      );
      if (!admin) {
        return renderError(
          c,
          404,
          "管理员不存在",
          "该组织没有这名管理员。",
        );
      }
      if (accountId === session.accountId) {
        return renderError(
          c,
          403,
          "无权操作",
          "不能为自己生成重置码，请联系本组织其他管理员或上级组织管理员。",
        );
      }
      const now = c.get("now")();
      const code = generateCode() + generateCode();
      const expiresAt = new Date(now.getTime() + RESET_TTL_MS);
      await writeTx(db, async (tx) => {
        await tx.insert(resetCodes).values({
          accountId,
          codeHash: sha256(code),
          issuedBy: session.accountId,
          createdAt: now,
          expiresAt,
        });
        await audit(tx, {
          org,
          actorId: session.accountId,
          action: "password.reset_issued",
          detail: { accountId },
          at: now,
        });
      });
      return render(
        c,
        "密码重置码",
        <section class="narrow">
          <Notice>
            密码重置码：<code class="code" translate="no">{code}</code>
            <br />
            有效期至 {formatTime(
              expiresAt,
            )}（北京时间），只能使用一次，本页关闭后不再显示。请将其告知该管理员，由其在
            <a href="/password/reset">重置密码</a>页面使用。
          </Notice>
          <p>
            <a href={`/orgs/${org.id}`}>返回</a>
          </p>
        </section>,
      );
    },
  );
