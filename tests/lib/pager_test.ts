import { deepEqual, equal } from "node:assert/strict";
import { pageNumbers, pageParam, Pager } from "../../components/Pager.tsx";

Deno.test("pageNumbers: first, last and two either side of the current page, gaps marked 0", () => {
  deepEqual(pageNumbers(1, 1), [1]);
  deepEqual(pageNumbers(1, 3), [1, 2, 3]);
  deepEqual(pageNumbers(1, 50), [1, 2, 3, 0, 50]);
  deepEqual(pageNumbers(25, 50), [1, 0, 23, 24, 25, 26, 27, 0, 50]);
  deepEqual(pageNumbers(50, 50), [1, 0, 48, 49, 50]);
  deepEqual(pageNumbers(4, 7), [1, 2, 3, 4, 5, 6, 7]);
});

Deno.test("pageParam: whole numbers within 1…pages, anything else page 1 or the last", () => {
  equal(pageParam(undefined, 5), 1);
  equal(pageParam("3", 5), 3);
  equal(pageParam("9", 5), 5);
  equal(pageParam("0", 5), 1);
  equal(pageParam("-2", 5), 1);
  equal(pageParam("1.5", 5), 1);
  equal(pageParam("abc", 5), 1);
  equal(pageParam("2", 0), 1, "an empty list still has page 1");
});

Deno.test("Pager: numbered links, the current page marked, nothing for one page", () => {
  const html = String(Pager({ page: 25, pages: 50, href: (n) => `/x?page=${n}` }));
  equal(html.includes('<strong aria-current="page">25</strong>'), true);
  equal(html.includes('<a href="/x?page=50" aria-label="第 50 页">50</a>'), true);
  equal(html.includes('rel="prev">上一页') && html.includes('rel="next">下一页'), true);
  equal(html.includes("第 25 / 50 页"), true);
  equal(Pager({ page: 1, pages: 1, href: String }), null);
});
