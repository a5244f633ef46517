/** The lazily expanding org tree. */
import { categoryOf } from "../lib/org_rules.ts";
import { type ListPage, type More, MoreItem, Pager } from "./Pager.tsx";

/** What a tree row shows about an org. */
export interface TreeItem {
  id: number;
  shortName: string;
  category: number;
  level: number;
  childCount: number;
  subOrgs: number;
  subWithAdmin: number;
  subComplete: number;
}

/** Subtree figures of one org, in words. */
export function Counts({ item }: { item: TreeItem }) {
  return (
    <span class="counts">
      {item.childCount > 0 ? `下级 ${item.subOrgs - 1} · ` : ""}有管理员 {item.subWithAdmin} · 信息完整{" "}
      {item.subComplete}
    </span>
  );
}

/**
 * One org in the tree. With htmx, opening the <details> loads the children
 * once into the list below; without JavaScript the link opens the org's page.
 */
export function TreeNode(
  { item, base = "/tree" }: { item: TreeItem; base?: string },
) {
  const href = `${base}/${item.id}`;
  const label = (
    <>
      {/* hx-target="body": boosted navigation, not the <details> target this link sits in. */}
      <a href={href} hx-target="body">{item.shortName}</a>{" "}
      <small class="cat">{categoryOf(item.category)?.label}</small> <Counts item={item} />
    </>
  );
  if (item.childCount === 0) return <li class="leaf">{label}</li>;
  return (
    <li>
      <details
        hx-get={href}
        hx-trigger="toggle once"
        hx-target={`#kids-${item.id}`}
        hx-swap="innerHTML"
      >
        <summary>{label}</summary>
        <div id={`kids-${item.id}`} class="kids" aria-live="polite">
          <a href={href}>显示 {item.childCount} 个直属下级组织</a>
        </div>
      </details>
    </li>
  );
}

/** Children per page of the tree (an expand shows the first page and a link to the rest). */
export const TREE_PER_PAGE = 100;

/** Some siblings as list items, then, when more follow, the link to the next page ({@link MoreItem}). */
export function TreeItems(
  { items, more, base = "/tree" }: { items: TreeItem[]; more?: More; base?: string },
) {
  return (
    <>
      {items.map((item) => <TreeNode item={item} base={base} />)}
      {more ? <MoreItem {...more} /> : null}
    </>
  );
}

/** A list of sibling orgs (the fragment returned for an expand). */
export function TreeChildren(
  { items, more, base = "/tree" }: { items: TreeItem[]; more?: More; base?: string },
) {
  if (items.length === 0) return <p class="muted">暂无直属下级组织</p>;
  return (
    <ul class="tree">
      <TreeItems items={items} more={more} base={base} />
    </ul>
  );
}

/** Links from the top of the visible tree down to the current org. */
export function Breadcrumb(
  { trail, base = "/tree" }: {
    trail: { id: number; shortName: string }[];
    base?: string;
  },
) {
  return (
    <nav aria-label="层级" class="crumbs">
      <ol>
        {trail.map((o, i) =>
          i === trail.length - 1 ? <li aria-current="page">{o.shortName}</li> : (
            <li>
              <a href={`${base}/${o.id}`}>{o.shortName}</a>
            </li>
          )
        )}
      </ol>
    </nav>
  );
}

/** A whole tree page: where we are, the org's figures and one page of its children. */
export function TreePage(
  { trail, item, items, at, base = "/tree" }: {
    trail: { id: number; shortName: string }[];
    item: TreeItem;
    items: TreeItem[];
    at: ListPage;
    base?: string;
  },
) {
  return (
    <section>
      <Breadcrumb trail={trail} base={base} />
      <h1>{item.shortName}</h1>
      <p>
        第 {item.level} 级 · {categoryOf(item.category)?.label} · <Counts item={item} />
      </p>
      <h2>直属下级组织（{item.childCount}）</h2>
      <TreeChildren items={items} base={base} />
      <Pager page={at.page} pages={at.pages} href={(n) => `${base}/${item.id}${n > 1 ? `?page=${n}` : ""}`} />
    </section>
  );
}
