/** Previous / next links between the pages of a long list (plain links: they work without JavaScript). */

/** The page numbers to offer around `page`: the first, the last and two either side, with gaps as 0. */
export function pageNumbers(page: number, pages: number): number[] {
  const out: number[] = [];
  for (let n = 1; n <= pages; n++) {
    if (n === 1 || n === pages || Math.abs(n - page) <= 2) out.push(n);
    else if (out.at(-1) !== 0) out.push(0);
  }
  return out;
}

/** `href(n)` is the address of page n (1-based). Nothing is shown for a single page. */
export function Pager(
  { page, pages, href }: { page: number; pages: number; href: (page: number) => string },
) {
  if (pages <= 1) return null;
  return (
    <nav class="pager" aria-label="分页">
      {page > 1 ? <a href={href(page - 1)} rel="prev">上一页</a> : null}
      {pageNumbers(page, pages).map((n) =>
        n === 0
          ? <span aria-hidden="true">…</span>
          : n === page
          ? <strong aria-current="page">{n}</strong>
          : <a href={href(n)} aria-label={`第 ${n} 页`}>{n}</a>
      )}
      <span class="muted">
        第 {page} / {pages} 页
      </span>
      {page < pages ? <a href={href(page + 1)} rel="next">下一页</a> : null}
    </nav>
  );
}

/** A page of a list of `total` items, `perPage` to a page, and where it starts. */
export interface ListPage {
  page: number;
  pages: number;
  offset: number;
  perPage: number;
  total: number;
}

/** The page asked for in a query value, within a list of `total` items shown `perPage` at a time. */
export function listPage(value: string | number | undefined, total: number, perPage: number): ListPage {
  const pages = Math.ceil(total / perPage);
  const page = pageParam(value, pages);
  return { page, pages, offset: (page - 1) * perPage, perPage, total };
}

/** A list page shown at `href` (its first page), for {@link MoreItem}. */
export interface More {
  href: string;
  at: ListPage;
}

/**
 * The last item of a list page that has more after it: htmx puts the next
 * page (`href?page=N&more=1`, just its items) in its place; without
 * JavaScript the link opens that page whole.
 */
export function MoreItem({ href, at }: More) {
  const left = at.total - at.page * at.perPage;
  if (left <= 0) return null;
  const next = `${href}?page=${at.page + 1}`;
  return (
    <li class="more">
      <a href={next} hx-get={`${next}&more=1`} hx-target="closest li" hx-swap="outerHTML">
        显示后 {Math.min(left, at.perPage)} 个（还有 {left} 个）
      </a>
    </li>
  );
}

/** The page asked for in a query value, clamped to 1…pages. */
export function pageParam(value: string | number | undefined, pages: number): number {
  const n = Number(value);
  return Math.min(Math.max(1, pages), Number.isSafeInteger(n) && n > 0 ? n : 1);
}
