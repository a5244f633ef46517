/** The child list of an org (下级组织管理). */
import { categoryOf } from "../lib/org_rules.ts";
import { Csrf } from "./Form.tsx";
import { type ListPage, Pager } from "./Pager.tsx";

/** What one child row needs. */
export interface ChildRow {
  id: number;
  shortName: string;
  fullName: string | null;
  category: number;
  sortOrder: number;
  adminCount: number;
  infoComplete: number;
  confirmed: boolean;
}

/** Status of a child in words. */
export function childStatus(r: ChildRow): string {
  if (r.adminCount === 0) return "未注册管理员";
  if (!r.infoComplete) return "信息未完整";
  return r.confirmed ? "信息已确认" : "信息完整";
}

/** Id of the one form the row buttons submit without JavaScript (it carries the CSRF token once per table). */
const ACTIONS_FORM = "child-actions";

/** The reorder buttons of a row: the route's direction, the button's name and its arrow. */
const MOVES = [
  { dir: "up", label: "上移", arrow: "↑" },
  { dir: "down", label: "下移", arrow: "↓" },
] as const;

/**
 * One child row; `manage` adds the actions of the parent's own admin. The
 * buttons submit the table's one form ({@link ACTIONS_FORM}) to their own
 * `formaction`, so a row repeats no form and no token; with htmx that form
 * posts to the clicked button's `formaction` and swaps the table in place,
 * so ↑ and ↓ carry no htmx attributes of their own (a row is ~1 KB: the row
 * markup is most of a 100-row page's build time).
 */
export function ChildItem(
  { row, parentId, manage }: {
    row: ChildRow;
    parentId: number;
    manage: boolean;
  },
) {
  const base = `/orgs/${parentId}/children/${row.id}`;
  return (
    <tr id={`child-${row.id}`}>
      <td>{row.sortOrder}</td>
      <td>
        <a href={`/orgs/${row.id}`}>{row.shortName}</a>
        <br />
        <small>{row.fullName}</small>
      </td>
      <td>{categoryOf(row.category)?.label}</td>
      <td>{childStatus(row)}（管理员 {row.adminCount}）</td>
      {manage
        ? (
          <td class="actions">
            {MOVES.map(({ dir, label, arrow }) => (
              <button
                type="submit"
                form={ACTIONS_FORM}
                formaction={`${base}/${dir}`}
                aria-label={`${label}${row.shortName}`}
                title={label}
              >
                {arrow}
              </button>
            ))}
            <a href={`${base}/edit`}>更正</a>{" "}
            <button
              type="submit"
              form={ACTIONS_FORM}
              formaction={`${base}/code`}
              hx-post={`${base}/code`}
              hx-target="next .pop"
              title="管理员注册码"
              aria-label={`${row.shortName}的管理员注册码`}
            >
              🔑 注册码
            </button>
            <div class="pop" aria-live="polite"></div>
          </td>
        )
        : null}
    </tr>
  );
}

/** Children per page of the child table. */
export const CHILDREN_PER_PAGE = 100;

/** One page of the child table with its pager (the element htmx swaps after a reorder). */
export function ChildTable(
  { rows, parentId, csrf, manage, at }: {
    rows: ChildRow[];
    parentId: number;
    csrf: string;
    manage: boolean;
    at: ListPage;
  },
) {
  if (rows.length === 0) return <p class="muted" id="children">还没有直属下级组织。</p>;
  const href = (n: number) => `/orgs/${parentId}/children${n > 1 ? `?page=${n}` : ""}`;
  return (
    <div id="children">
      <div class="scroll">
        <table class="list cards children">
          <thead>
            <tr>
              <th scope="col">序号</th>
              <th scope="col">组织简称 / 全称</th>
              <th scope="col">类别</th>
              <th scope="col">状态</th>
              {manage ? <th scope="col">操作</th> : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => <ChildItem row={row} parentId={parentId} manage={manage} />)}
          </tbody>
        </table>
      </div>
      {manage
        ? (
          // htmx posts this form to the clicked ↑ or ↓ button's `formaction` (hx-post names none of its own)
          // and swaps the table that comes back; the 注册码 button posts on its own into the row's pop-up.
          <form
            id={ACTIONS_FORM}
            method="post"
            class="inline"
            hx-post=""
            hx-target="#children"
            hx-select="#children"
            hx-swap="outerHTML"
          >
            <Csrf token={csrf} />
          </form>
        )
        : null}
      <Pager page={at.page} pages={at.pages} href={href} />
    </div>
  );
}
