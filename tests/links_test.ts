/**
 * Every link a page shows (href and hx-get) leads somewhere its viewer may go: followed breadth-first from the
 * home page for a visitor, a 团支部 admin, a county admin and the root admin, none answers 4xx or 5xx, and each
 * hx-get asked by htmx answers with a fragment. (An admin
 * above once got, in a county's 待办清单, a link to the form that creates its children: 403.)
 */
import assert from "node:assert/strict";
import { addBranches, type Client, MINI, setup } from "./helpers.ts";

/**
 * Visits up to `limit` addresses reachable from `start` by links, and returns those that answered 4xx or 5xx,
 * and the hx-get addresses that, asked by htmx, answered so or with a whole page instead of a fragment.
 */
async function brokenLinks(
  client: Client,
  start: string[],
  limit: number,
): Promise<{ visited: number; bad: string[] }> {
  const seen = new Set<string>(), fragments = new Set<string>(), queue = [...start], bad: string[] = [];
  while (queue.length && seen.size < limit) {
    const url = queue.shift()!;
    if (seen.has(url)) continue;
    seen.add(url);
    const res = await client.get(url);
    if (res.status >= 400) bad.push(`${res.status} ${url}`);
    const location = res.headers.get("Location");
    if (location?.startsWith("/")) queue.push(location);
    if (!(res.headers.get("Content-Type") ?? "").includes("html")) {
      await res.body?.cancel();
      continue;
    }
    for (const [, attr, href] of (await res.text()).matchAll(/\b(href|hx-get)="(\/[^"]*)"/g)) {
      const next = href.replaceAll("&amp;", "&");
      if (attr === "hx-get") fragments.add(next);
      if (!next.startsWith("/static/") && !seen.has(next)) queue.push(next);
    }
  }
  for (const url of fragments) {
    const res = await client.get(url, { hx: true });
    const body = await res.text();
    if (res.status >= 400 || /<!DOCTYPE|<html/i.test(body)) bad.push(`htmx ${res.status} ${url}`);
  }
  return { visited: seen.size, bad };
}

Deno.test("links: every link shown to a visitor or an admin leads to a page they may open", async () => {
  await using t = await setup();
  const county = 15;
  const branches = await addBranches(t.db, county, 5);
  const start = ["/", "/guide", "/register", "/login"];
  for (
    const [who, client, least] of [
      ["visitor", t.client(), 20],
      ["团支部 admin", await t.adminOf(branches[0], 2), 40],
      ["county admin", await t.adminOf(county, 1), 150],
      ["root admin", await t.adminOf(MINI.root, 0), 500],
    ] as const
  ) {
    const { visited, bad } = await brokenLinks(client, start, 600);
    assert.ok(visited >= least, `${who}: ${visited} pages reached`);
    assert.deepEqual(bad, [], who);
  }
});
