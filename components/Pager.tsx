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

/** The page asked for in a query value, clamped to 1…pages. */
export function pageParam(value: string | undefined, pages: number): number {
  const n = Number(value);
  return Math.min(Math.max(1, pages), Number.isSafeInteger(n) && n > 0 ? n : 1);
}
