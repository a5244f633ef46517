/**
 * The org app, mounted at `/orgs/:id`: `loadOrg` signs in, loads and admits
 * the org once (typed `OrgEnv`: `c.var.org` and `c.var.session` set), and the
 * `orgPages` renderer adds the org's header and tabs to every page
 * (`c.render(body, { title, tab })`; htmx gets the fragment alone).
 *
 * Every screen of one org is a sub-app below, mounted at "/" with paths
 * relative to the org ("/info", "/children/new"); a route narrows the scope
 * with `guard("self")` or `guard("self", "child")`. Adding a sub-app is one
 * `.route("/", sub)` line here. A sub-app mounted at "/" must not `.use()`
 * middleware without a path (it would run for every org route); one whose
 * routes all share a middleware is mounted at its own base instead, as the
 * Excel import is (`.route("/import", …)` with `.use(guard("self"))`).
 *
 * This file also holds the org's own page: the overview with its 待办清单
 * (lib/todo.ts) and its admins, and
 * one-time password reset codes for the same org's or a direct child's
 * admins (SPEC §4).
 */
import { Hono } from "hono";
import { adminsOf, isAdminOf, issueResetCode, orgsOutside } from "../db/accounts.ts";
import { writeTx } from "../db/client.ts";
import { Notice } from "../components/Form.tsx";
import { OrgOverview } from "../components/OrgOverview.tsx";
import { TodoList } from "../components/Todo.tsx";
import { getOrg } from "../db/orgs.ts";
import { getSchedule } from "../db/progress.ts";
import { todoInput } from "../db/todo.ts";
import { countdown, todoItems } from "../lib/todo.ts";
import { generateCode } from "../lib/codes.ts";
import { maskMobile } from "../lib/mobile.ts";
import { formatBeijing } from "../lib/time.ts";
import type { OrgEnv } from "../middleware/env.ts";
import { guard, loadOrg } from "../middleware/guard.ts";
import { orgPages, renderError } from "../middleware/render.tsx";
import { pageCache } from "../middleware/page_cache.ts";
import { info } from "./info.tsx";
import { children } from "./children.tsx";
import { corrections } from "./corrections.tsx";
import { codes } from "./codes.tsx";
import { progress } from "./progress.tsx";
import { problems } from "./problems.tsx";
import { report } from "./report.tsx";
import { importRoutes } from "./import.tsx";
import { search } from "./search.tsx";
import { auditRoutes } from "./audit.tsx";
import { move } from "./move.tsx";
import { exportRoutes } from "./export.tsx";
import { members } from "./members.tsx";
import { memberImport } from "./member_import.tsx";
import { memberDeadlines } from "./member_progress.tsx";

/** The org's overview and the admins' reset codes. */
const overview = new Hono<OrgEnv>()
  .get("/", guard("subtree"), async (c) => {
    const { org, session, db } = c.var;
    const admins = await adminsOf(db, org.id);
    const self = session.org.id === org.id;
    const now = c.var.now();
    const [todo, schedule, parent] = await Promise.all([
      todoInput(db, org),
      getSchedule(db, now),
      c.req.query("moved") === "1" && org.parentId ? getOrg(db, org.parentId) : undefined,
    ]);
    return c.render(
      <>
        {parent
          ? (
            <Notice id="result" focus>
              已将“{org.shortName}”（含 {org.subOrgs - 1} 个下级组织）移到“{parent.shortName}”之下。
              {c.req.query("indexing") === "1"
                ? "组织较多，搜索中按新的上级查找这些组织还需等待几十秒到几分钟；组织树、列表和统计已是新的。"
                : null}
            </Notice>
          )
          : null}
        <TodoList
          items={todoItems(todo, { self })}
          deadline={countdown(org.level, schedule, now)}
          level={org.level}
        />
        <OrgOverview
          org={org}
          csrf={c.var.csrf}
          admins={admins.map((a) => ({
            ...a,
            mobile: maskMobile(a.mobile),
            me: a.accountId === session.accountId,
          }))}
          canReset={self || org.parentId === session.org.id}
        />
        {self ? null : (
          <p>
            <a href={`/orgs/${session.org.id}/move?org=${org.id}`}>移动该组织到其他上级组织之下</a>
          </p>
        )}
      </>,
      { tab: "overview" },
    );
  })
  .post("/admins/:aid{[0-9]+}/reset", guard("self", "child"), async (c) => {
    const { org, session, db } = c.var;
    const accountId = Number(c.req.param("aid"));
    if (!(await isAdminOf(db, accountId, org.id))) {
      return renderError(c, 404, "管理员不存在", "该组织没有这名管理员。");
    }
    if (accountId === session.accountId) {
      return renderError(
        c,
        403,
        "无权操作",
        "不能为自己生成重置码，请联系本组织其他管理员或上级组织管理员。",
      );
    }
    // The reset rule (README "Security"): never a way into orgs outside the issuer's subtree.
    const outside = await orgsOutside(db, accountId, session.org.id);
    if (outside.length) {
      return renderError(
        c,
        403,
        "不能生成重置码",
        `该管理员还管理着“${
          outside.map((o) => o.shortName).join("、")
        }”，不在本组织管辖范围内。为保护这些组织，请由能管辖其所有组织的上级组织管理员生成重置码。`,
      );
    }
    const code = generateCode() + generateCode();
    const now = c.var.now();
    const expiresAt = await writeTx(
      db,
      (tx) =>
        issueResetCode(tx, {
          org,
          accountId,
          code,
          issuedBy: session.accountId,
          issuerOrgId: session.org.id,
          now,
        }),
    );
    return c.render(
      <section class="narrow">
        <Notice>
          密码重置码：<code class="code" translate="no">{code}</code>
          <br />
          有效期至{" "}
          {formatBeijing(expiresAt)}（北京时间），只能使用一次，本页关闭后不再显示。请将其告知该管理员，由其在
          <a href="/password/reset">重置密码</a>页面使用。
        </Notice>
        <p>
          <a href={`/orgs/${org.id}`}>返回</a>
        </p>
      </section>,
      { title: "密码重置码" },
    );
  });

/** The org app: mounted at `/orgs/:id{[0-9]+}` in app.ts. */
export const orgApp = new Hono<OrgEnv>()
  .use(loadOrg, pageCache, orgPages)
  .route("/", overview)
  .route("/", info)
  .route("/", children)
  .route("/", corrections)
  .route("/", codes)
  .route("/", progress)
  .route("/", problems)
  .route("/", report)
  .route("/import", importRoutes)
  .route("/", search)
  .route("/", auditRoutes)
  .route("/", move)
  .route("/", exportRoutes)
  .route("/", members)
  .route("/members/import", memberImport)
  .route("/", memberDeadlines);
