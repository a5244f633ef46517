/**
 * An org's direct children (下级组织管理): the list, single create, the
 * parent's corrections, sibling order, and registration codes (single popup
 * and batch .xlsx). SPEC §2.5, §3, §5.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import { CHILDREN_PER_PAGE, type ChildRow, ChildTable } from "../components/Children.tsx";
import { listPage } from "../components/Pager.tsx";
import { type ChildValues, CorrectChildForm, FullNameField, NewChildForm } from "../components/ChildForm.tsx";
import { CodeBox, formatTime } from "../components/Codes.tsx";
import { Csrf, Notice } from "../components/Form.tsx";
import { OrgNav } from "../components/OrgNav.tsx";
import { audit } from "../db/audit.ts";
import { createChildren, moveSibling, siblingNames } from "../db/children.ts";
import { pace, writeTx } from "../db/client.ts";
import { issueCodes, validCodes } from "../db/codes.ts";
import { infoOf, writeInfo } from "../db/org_info.ts";
import { type ChildListOrg, childNames, childrenPage, getOrg, siblingsBefore } from "../db/orgs.ts";
import type { Org } from "../db/schema.ts";
import { checkNewChild } from "../lib/new_child.ts";
import { type Category, categoryOf, INDUSTRIES } from "../lib/org_rules.ts";
import { attachment, XLSX_TYPE } from "../lib/xlsx.ts";
import { tableToXlsxOffThread } from "../lib/sheet_thread.ts";
import type { AppEnv } from "../middleware/env.ts";
import { guard } from "../middleware/guard.ts";
import { redirectAfterPost, render, renderError, wantsFragment } from "../middleware/render.tsx";

/** A child as a list row. */
export const childRow = (o: ChildListOrg): ChildRow => ({
  id: o.id,
  shortName: o.shortName,
  fullName: o.fullName,
  category: o.category,
  sortOrder: o.sortOrder,
  adminCount: o.adminCount,
  infoComplete: o.infoComplete,
  confirmed: o.confirmedAt !== null,
});

/**
 * A text field cut to `max` characters: far beyond any valid value, so the
 * domain rules (lib/new_child.ts) still say what is wrong with an over-long
 * one, in Chinese, next to the field.
 */
const text = (max: number) => z.string().transform((s) => s.slice(0, max));

/** The single-create form's fields. */
export const newChildSchema = z.object({
  shortName: text(100).default(""),
  category: text(20).default(""),
  fullName: text(120).default(""),
  sortOrder: text(12).default(""),
  useSuggestion: text(100).optional(),
});

/** The correction form's fields. */
export const correctChildSchema = newChildSchema.omit({ sortOrder: true }).extend({
  industry: text(40).default(""),
  reason: text(200).default(""),
});

/** A form that is not text at all (a file in a name field): not something our pages send. */
const notOurForm = (c: Context<AppEnv>) => renderError(c, 400, "提交的内容有误", "请刷新页面后重新填写。");

/** Loads `:cid` and checks it is a direct child of the org in the URL. */
async function directChild(c: Context<AppEnv>): Promise<Org | undefined> {
  const child = await getOrg(c.get("db"), Number(c.req.param("cid")));
  return child && child.parentId === c.get("org").id ? child : undefined;
}

const notChild = (c: Context<AppEnv>) => renderError(c, 403, "无权操作", "只能管理本组织的直属下级组织。");

/** Page chrome around a child-management screen. */
function page(c: Context<AppEnv>, title: string, body: unknown, status: 200 | 422 = 200) {
  const org = c.get("org");
  return render(
    c,
    `${org.shortName} · ${title}`,
    <>
      <OrgNav org={org} current="children" self={c.get("session")!.org.id === org.id} />
      {body}
    </>,
    status,
  );
}

/** Routes under /orgs/:id/children and /orgs/:id/codes.xlsx. */
export const children = new Hono<AppEnv>()
  .get("/:id{[0-9]+}/children", guard("subtree"), async (c) => {
    const org = c.get("org");
    const self = c.get("session")!.org.id === org.id;
    const at = listPage(c.req.query("page"), org.childCount, CHILDREN_PER_PAGE);
    const rows = (await childrenPage(c.get("db"), org.id, at.offset, at.perPage)).map(childRow);
    return render(
      c,
      `${org.shortName} · 下级组织`,
      <>
        <OrgNav org={org} current="children" self={self} />
        {c.req.query("created") ? <Notice>已创建“{c.req.query("created")}”。</Notice> : null}
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
          at={at}
        />
      </>,
    );
  })
  .get("/:id{[0-9]+}/children/new", guard("self"), (c) => {
    const org = c.get("org");
    if (!categoryOf(org.category)?.mayHaveChildren) {
      return renderError(c, 403, "不能创建下级", "团支部不能有下级组织。");
    }
    return page(
      c,
      "单个创建",
      <NewChildForm parentId={org.id} parentCategory={org.category} csrf={c.get("csrf")} />,
    );
  })
  .get("/:id{[0-9]+}/children/propose", guard("self"), (c) => {
    // htmx: refresh the proposed 全称 while the admin types the 简称 or picks the 类别.
    const org = c.get("org");
    const parsed = newChildSchema.safeParse(c.req.query());
    if (!parsed.success) return notOurForm(c);
    const q = parsed.data;
    const checked = checkNewChild(org, { ...q, fullName: "" }, new Map());
    return render(
      c,
      "组织全称",
      <FullNameField value={checked.ok ? checked.fullName : q.fullName} proposed={checked.ok} />,
    );
  })
  .post("/:id{[0-9]+}/children/new", guard("self"), async (c) => {
    const org = c.get("org");
    const parsed = newChildSchema.safeParse(await c.req.parseBody());
    if (!parsed.success) return notOurForm(c);
    const form = parsed.data;
    if (form.useSuggestion) form.shortName = form.useSuggestion;
    const values: ChildValues = { ...form };
    const db = c.get("db");
    const siblings = await siblingNames(db, org.id, [form.shortName.trim()]);
    const checked = checkNewChild(org, form, siblings);
    const formProps = { parentId: org.id, parentCategory: org.category, csrf: c.get("csrf") };
    if (!checked.ok) {
      const initialised = siblings.get(form.shortName.trim()) === 1;
      const problems = initialised
        ? [{
          field: "shortName" as const,
          message:
            `“${form.shortName.trim()}”是系统已初始化的组织，无需再次创建，请在下级组织列表中核对其名称和排序`,
        }]
        : checked.problems;
      return page(c, "单个创建", <NewChildForm {...formProps} values={values} problems={problems} />, 422);
    }
    if (checked.proposed) {
      // First submit without a 全称: show the proposal for review.
      return page(
        c,
        "单个创建",
        <NewChildForm {...formProps} values={{ ...values, fullName: checked.fullName }} proposed />,
      );
    }
    const now = c.get("now")();
    await writeTx(db, (tx) => createChildren(tx, org.id, [checked], c.get("session")!.accountId, now));
    if (wantsFragment(c)) {
      return render(c, "单个创建", <NewChildForm {...formProps} created={checked.shortName} />);
    }
    return redirectAfterPost(c, `/orgs/${org.id}/children?created=${encodeURIComponent(checked.shortName)}`);
  })
  .get("/:id{[0-9]+}/children/:cid{[0-9]+}/edit", guard("self"), async (c) => {
    const org = c.get("org");
    const child = await directChild(c);
    if (!child) return notChild(c);
    return page(
      c,
      `更正${child.shortName}`,
      <>
        <h2>更正：{child.shortName}</h2>
        <CorrectChildForm
          parentId={org.id}
          parentCategory={org.category}
          childId={child.id}
          csrf={c.get("csrf")}
          confirmed={child.confirmedAt !== null}
          values={{
            shortName: child.shortName,
            category: String(child.category),
            fullName: child.fullName ?? "",
            industry: child.industry ?? "",
          }}
        />
      </>,
    );
  })
  .post("/:id{[0-9]+}/children/:cid{[0-9]+}/edit", guard("self"), async (c) => {
    const org = c.get("org");
    const child = await directChild(c);
    if (!child) return notChild(c);
    const parsed = correctChildSchema.safeParse(await c.req.parseBody());
    if (!parsed.success) return notOurForm(c);
    const form = parsed.data;
    if (form.useSuggestion) form.shortName = form.useSuggestion;
    const confirmed = child.confirmedAt !== null;
    const db = c.get("db");
    const siblings = await siblingNames(db, org.id, [form.shortName.trim()]);
    siblings.delete(child.shortName);
    const checked = checkNewChild(
      org,
      { ...form, fullName: form.fullName || child.fullName || "" },
      siblings,
    );
    const problems = checked.ok ? [] : [...checked.problems];
    if (checked.ok && checked.category === 5 && child.childCount > 0) {
      problems.push({
        field: "category",
        message: `该组织有 ${child.childCount} 个下级组织，不能改为团支部`,
      });
    }
    const industry = form.industry.trim() || null;
    if (confirmed && industry && !(INDUSTRIES as readonly string[]).includes(industry)) {
      problems.push({ field: "category", message: "请从列表中选择单位所属行业类别" });
    }
    const reason = form.reason.trim();
    const reasonError = confirmed && !reason ? "该组织已确认信息，更正须填写原因" : undefined;
    if (!checked.ok || problems.length || reasonError) {
      return page(
        c,
        "更正",
        <CorrectChildForm
          parentId={org.id}
          parentCategory={org.category}
          childId={child.id}
          csrf={c.get("csrf")}
          confirmed={confirmed}
          values={form}
          problems={problems}
          reasonError={reasonError}
        />,
        422,
      );
    }
    await writeTx(db, async (tx) => {
      const fresh = (await getOrg(tx, child.id))!;
      await writeInfo(tx, fresh, {
        ...infoOf(fresh),
        shortName: checked.shortName,
        category: checked.category as Category,
        fullName: checked.fullName,
        industry: confirmed ? industry : fresh.industry,
      }, {
        action: "org.corrected",
        actorId: c.get("session")!.accountId,
        at: c.get("now")(),
        reason: reason || null,
      });
    });
    return redirectAfterPost(c, `/orgs/${org.id}/children`);
  })
  .post("/:id{[0-9]+}/children/:cid{[0-9]+}/:dir{up|down}", guard("self"), async (c) => {
    const org = c.get("org");
    const child = await directChild(c);
    if (!child) return notChild(c);
    const direction = c.req.param("dir") === "up" ? -1 : 1;
    await writeTx(c.get("db"), async (tx) => {
      if (await moveSibling(tx, child, direction)) {
        await audit(tx, {
          org: child,
          actorId: c.get("session")!.accountId,
          action: "org.reordered",
          detail: { direction: direction < 0 ? "上移" : "下移", from: child.sortOrder },
          at: c.get("now")(),
        });
      }
    });
    // Back to the page the child is on now (moving the first row of a page up takes it to the page before).
    const db = c.get("db");
    const position = await siblingsBefore(db, (await getOrg(db, child.id))!);
    const at = listPage(Math.floor(position / CHILDREN_PER_PAGE) + 1, org.childCount, CHILDREN_PER_PAGE);
    if (wantsFragment(c)) {
      // In place: just the table, re-read in its new order.
      const rows = (await childrenPage(db, org.id, at.offset, at.perPage)).map(childRow);
      return render(
        c,
        "下级组织",
        <ChildTable rows={rows} parentId={org.id} csrf={c.get("csrf")} manage at={at} />,
      );
    }
    return redirectAfterPost(
      c,
      `/orgs/${org.id}/children${at.page > 1 ? `?page=${at.page}` : ""}#child-${child.id}`,
    );
  })
  .post("/:id{[0-9]+}/children/:cid{[0-9]+}/code", guard("self"), async (c) => {
    const org = c.get("org");
    const child = await directChild(c);
    if (!child) return notChild(c);
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
    if (wantsFragment(c)) {
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
    const child = await directChild(c);
    if (!child) return notChild(c);
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
    const children = await childNames(db, org.id);
    await pace();
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
    const bytes = await tableToXlsxOffThread(
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
  });
