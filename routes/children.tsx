/**
 * An org's direct children (下级组织管理, SPEC §5): the list, single create
 * with the proposed 全称, and sibling order. Corrections are in
 * corrections.tsx, registration codes in codes.tsx.
 */
import { Hono } from "hono";
import type { Child } from "hono/jsx";
import { z } from "zod";
import { CHILDREN_PER_PAGE, type ChildRow, ChildTable } from "../components/Children.tsx";
import { listPage } from "../components/Pager.tsx";
import { FullNameField, NewChildForm } from "../components/ChildForm.tsx";
import { Csrf, Notice } from "../components/Form.tsx";
import { audit, auditPage } from "../db/audit.ts";
import type { Conn } from "../db/orgs.ts";
import { describeChange } from "../lib/audit_labels.ts";
import { createChildOnce, moveSibling, siblingNames } from "../db/children.ts";
import { writeTx } from "../db/client.ts";
import { type ChildListOrg, childrenPage, getOrg, siblingsBefore } from "../db/orgs.ts";
import { alreadyInitialised, checkNewChild } from "../lib/new_child.ts";
import { mayHaveChildren } from "../lib/org_rules.ts";
import type { OrgEnv } from "../middleware/env.ts";
import { guard, loadChild } from "../middleware/guard.ts";
import { redirectAfterPost, renderError } from "../middleware/render.tsx";
import { form, query, text } from "../middleware/validate.ts";

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

/** The single-create form's fields (cut far beyond any valid value: lib/new_child.ts says what is wrong). */
export const newChildSchema = z.object({
  shortName: text(100),
  category: text(20),
  fullName: text(120),
  sortOrder: text(12),
  useSuggestion: text(100).optional(),
});

/** "已将“X”移到第 N 位" for a child just reordered. */
async function reorderText(db: Conn, childId: number): Promise<string> {
  const child = (await getOrg(db, childId))!;
  return `已调整“${child.shortName}”的排序，现在排在第 ${(await siblingsBefore(db, child)) + 1} 位。`;
}

/**
 * What the last step on the list did, for the notice after a plain form's 303:
 * a correction (read back from the child's audit entry: old → new) or a reorder
 * (the new position). Only about direct children of `parentId`.
 */
async function whatHappened(
  db: Conn,
  parentId: number,
  corrected?: string,
  reordered?: string,
): Promise<string | null> {
  const id = Number(corrected ?? reordered);
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const child = await getOrg(db, id);
  if (!child || child.parentId !== parentId) return null;
  if (reordered) return await reorderText(db, id);
  const [last] = (await auditPage(db, id, undefined, 1)).items;
  const changes = last?.action === "org.corrected"
    ? last.detail?.changes as Record<string, { before: unknown; after: unknown }> | undefined
    : undefined;
  if (!changes || !Object.keys(changes).length) return `“${child.shortName}”没有需要更正的内容，未作修改。`;
  return `已更正“${child.shortName}”：${
    Object.entries(changes).map(([k, v]) => describeChange(k, v)).join("；")
  }。`;
}

/** Routes /children… of the org app. */
export const children = new Hono<OrgEnv>()
  .get("/children", async (c) => {
    const { org, csrf } = c.var;
    const self = c.var.session.org.id === org.id;
    const at = listPage(c.req.query("page"), org.childCount, CHILDREN_PER_PAGE);
    const created = c.req.query("created");
    const rows = (await childrenPage(c.var.db, org.id, at.offset, at.perPage)).map(childRow);
    const done = await whatHappened(c.var.db, org.id, c.req.query("corrected"), c.req.query("reordered"));
    return c.render(
      <>
        {created ? <Notice>已创建“{created}”。</Notice> : null}
        <div id="children-result">{done ? <Notice id="result" focus>{done}</Notice> : null}</div>
        {self
          ? (
            <p class="toolbar">
              <a class="button" href={`/orgs/${org.id}/children/new`}>单个创建</a>
              <a class="button" href={`/orgs/${org.id}/import`}>批量创建（Excel）</a>
              <form method="post" action={`/orgs/${org.id}/codes.xlsx`} hx-boost="false" class="inline">
                <Csrf token={csrf} />
                <button type="submit">批量生成注册码并下载</button>
              </form>
            </p>
          )
          : null}
        <ChildTable rows={rows} parentId={org.id} csrf={csrf} manage={self} at={at} />
      </>,
      { title: "下级组织", tab: "children" },
    );
  })
  .get("/children/new", guard("self"), (c) => {
    const { org } = c.var;
    if (!mayHaveChildren(org.category)) return renderError(c, 403, "不能创建下级", "团支部不能有下级组织。");
    return c.render(<NewChildForm parentId={org.id} parentCategory={org.category} csrf={c.var.csrf} />, {
      title: "单个创建",
      tab: "children",
    });
  })
  .get("/children/propose", guard("self"), query(newChildSchema), (c) => {
    // htmx: refresh the proposed 全称 while the admin types the 简称 or picks the 类别.
    const q = c.req.valid("query");
    const checked = checkNewChild(c.var.org, { ...q, fullName: "" }, new Map());
    return c.render(
      <FullNameField value={checked.ok ? checked.fullName : q.fullName} proposed={checked.ok} />,
      { title: "组织全称", tab: "children" },
    );
  })
  .post("/children/new", guard("self"), form(newChildSchema), async (c) => {
    const { org, db } = c.var;
    const entered = c.req.valid("form");
    const values = { ...entered, shortName: entered.useSuggestion || entered.shortName };
    const name = values.shortName.trim();
    const siblings = await siblingNames(db, org.id, [name]);
    const checked = checkNewChild(org, values, siblings);
    const formProps = { parentId: org.id, parentCategory: org.category, csrf: c.var.csrf };
    const show = (body: Child) => c.render(body, { title: "单个创建", tab: "children" });
    if (!checked.ok) {
      const problems = siblings.get(name)?.initialised ? [alreadyInitialised(name)] : checked.problems;
      c.status(422);
      return show(<NewChildForm {...formProps} values={values} problems={problems} />);
    }
    // First submit without a 全称: show the proposal for review.
    if (checked.proposed) {
      return show(
        <NewChildForm {...formProps} values={{ ...values, fullName: checked.fullName }} proposed />,
      );
    }
    // The sibling check again inside the write: 30 parallel creates of one name make one org, 29 messages.
    if (!(await createChildOnce(db, org.id, checked, c.var.session.accountId, c.var.now()))) {
      const again = checkNewChild(org, values, await siblingNames(db, org.id, [checked.shortName]));
      c.status(422);
      return show(<NewChildForm {...formProps} values={values} problems={again.ok ? [] : again.problems} />);
    }
    return redirectAfterPost(
      c,
      `/orgs/${org.id}/children?created=${encodeURIComponent(checked.shortName)}`,
      () => show(<NewChildForm {...formProps} created={checked.shortName} />),
    );
  })
  .post("/children/:cid{[0-9]+}/:dir{up|down}", guard("self"), loadChild, async (c) => {
    const { org, db, child } = c.var;
    const direction = c.req.param("dir") === "up" ? -1 : 1;
    await writeTx(db, async (tx) => {
      if (await moveSibling(tx, child, direction)) {
        await audit(tx, {
          org: child,
          actorId: c.var.session.accountId,
          action: "org.reordered",
          detail: { direction: direction < 0 ? "上移" : "下移", from: child.sortOrder },
          at: c.var.now(),
        });
      }
    });
    // Back to the page the child is on now (moving the first row of a page up takes it to the page before).
    const position = await siblingsBefore(db, (await getOrg(db, child.id))!);
    const at = listPage(Math.floor(position / CHILDREN_PER_PAGE) + 1, org.childCount, CHILDREN_PER_PAGE);
    return redirectAfterPost(
      c,
      `/orgs/${org.id}/children?${
        at.page > 1 ? `page=${at.page}&` : ""
      }reordered=${child.id}#child-${child.id}`,
      // In place: the table, re-read in its new order, and the notice above it (out of band).
      async () =>
        c.render(
          <>
            <div id="children-result" hx-swap-oob="true">
              <Notice>{await reorderText(db, child.id)}</Notice>
            </div>
            <ChildTable
              rows={(await childrenPage(db, org.id, at.offset, at.perPage)).map(childRow)}
              parentId={org.id}
              csrf={c.var.csrf}
              manage
              at={at}
            />
          </>,
          { title: "下级组织" },
        ),
    );
  });
