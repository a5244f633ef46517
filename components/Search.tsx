/** Search by name within one's subtree. */
import { categoryOf } from "../lib/org_rules.ts";
import { Notice } from "./Form.tsx";

/** One search result with where it sits. */
export interface SearchHit {
  id: number;
  shortName: string;
  fullName: string | null;
  category: number;
  level: number;
  trail: string;
  path: string;
}

/** The result list, with a "more" link (keyset) that htmx appends in place. */
export function SearchResults(
  { orgId, q, hits, next }: { orgId: number; q: string; hits: SearchHit[]; next: string | null },
) {
  const more = next
    ? `/orgs/${orgId}/search?q=${encodeURIComponent(q)}&after=${encodeURIComponent(next)}`
    : null;
  return (
    <>
      {hits.map((h) => (
        <li>
          <a href={`/orgs/${h.id}`}>{h.shortName}</a>{" "}
          <small class="cat">{categoryOf(h.category)?.label} · 第 {h.level} 级</small>
          <br />
          <small class="muted">{h.trail}</small>
        </li>
      ))}
      {more
        ? (
          <li class="more" id="search-more">
            <a href={more} hx-get={more} hx-target="#search-more" hx-swap="outerHTML">加载更多</a>
          </li>
        )
        : null}
    </>
  );
}

/** The search page. */
export function SearchPage(
  { orgId, q, hits, next, message }: {
    orgId: number;
    q: string;
    hits: SearchHit[];
    next: string | null;
    message?: string;
  },
) {
  return (
    <section>
      <form method="get" action={`/orgs/${orgId}/search`} role="search">
        <div class="field">
          <label for="f-q">按组织简称或全称搜索（本组织及下级）</label>
          <input id="f-q" name="q" value={q} maxlength={30} placeholder="例如：建国门、2017级" />
        </div>
        <button type="submit">搜索</button>
      </form>
      {message ? <Notice kind="warn">{message}</Notice> : null}
      {q && !message
        ? hits.length
          ? (
            <ol class="results">
              <SearchResults orgId={orgId} q={q} hits={hits} next={next} />
            </ol>
          )
          : <p class="muted">没有找到名称中含有“{q}”的组织。</p>
        : null}
    </section>
  );
}
