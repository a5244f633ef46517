/**
 * The one prebuilt-Response cache (issue 14). A finished GET page or fragment
 * is kept as bytes (gzipped for clients that take gzip) and answered with a
 * copy, until a write changes what it shows.
 *
 * - `pageCache` (org app and tree, after `loadOrg`): the overview, info, child
 *   list, progress and problem screens of an org and its tree page, per
 *   viewer (and a 团支部's member list): the key holds the session, the CSRF token the page carries, the
 *   URL with its query, fragment or page, gzip or not. What it shows is the
 *   org (tag `org:<id>`, which every write at or below the org names; for the
 *   info page `own:<id>`, which only a write to the org's own row names, and
 *   for the child list `own:` and `kids:<id>`, its children's rows), and the
 *   viewer (`acct:`/`sid:`); see db/changes.ts. A page is kept at most a
 *   minute: overdue flags follow the clock.
 * - `cachedResponse` for a response that is the same for every viewer (a
 *   tree expand), under the caller's key and tags.
 *
 * Never kept: anything but a 200 HTML response, one that sets a cookie or says
 * `Cache-Control: no-store`. Screens whose reads no tag covers (codes, imports,
 * audit, search, export) are not listed. `AppDeps.pageCache: false` turns the
 * per-viewer pages off (the campaign bench measures both).
 *
 * Each thread of the server keeps its own copies; a page one thread built is
 * shared with the others through `AppDeps.sharedPages` (middleware/shared_pages.ts),
 * so a page a write changed is built again once, not once per thread.
 */
import type { Context } from "hono";
import { accepts } from "hono/accepts";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { sha256 } from "../db/accounts.ts";
import type { OrgEnv } from "./env.ts";
import { wantsFragment } from "./render.tsx";
import { gzipText } from "./gzip.ts";
import { slotOf } from "../db/cache.ts";
import type { KeptPage } from "./shared_pages.ts";

const utf8 = new TextEncoder();

/**
 * The cached screens: `/orgs/:id`, its info, child list, progress, problems and member list (every member
 * write names its branch: db/members.ts), and `/tree/:id`.
 */
const CACHED = /^\/(?:orgs\/\d+(?:\/(?:info|children|progress|problems|members))?|tree\/\d+)$/;

/** The org pages that show its own row and its children's, counters aside (db/changes.ts `own:`, `kids:`). */
const OWN_ROWS = /^\/orgs\/\d+\/(info|children)$/;

/** How long a page may be kept at most. */
export const PAGE_MAX_AGE_MS = 60_000;

/**
 * A fresh response with the kept bytes. Not `Response.clone()`: a clone tees
 * the body into a stream the server must pump, where a byte body is sent at
 * once (so is a page's string body, while nobody reads `res.body`).
 */
const answer = (k: KeptPage) => new Response(k.body, { status: 200, headers: k.headers });

const gzipAccepted = (c: Context) =>
  !!c.req.header("Accept-Encoding") &&
  accepts(c, { header: "Accept-Encoding", supports: ["gzip"], default: "identity" }) === "gzip";

/** A response as kept: its bytes, gzipped when asked and worth it, with the headers that say so. */
async function keep(res: Response, gzip: boolean): Promise<KeptPage | null> {
  if (
    res.status !== 200 || res.headers.has("Set-Cookie") || res.headers.has("Content-Encoding") ||
    /no-store/.test(res.headers.get("Cache-Control") ?? "") ||
    !(res.headers.get("Content-Type") ?? "").startsWith("text/html")
  ) return null;
  const text = await res.text(); // the page's own string (`arrayBuffer()` would encode it)
  const headers = new Headers(res.headers);
  const gzipped = gzip ? gzipText(text) : null;
  if (gzipped) headers.set("Content-Encoding", "gzip");
  const body = gzipped ?? utf8.encode(text);
  const vary = headers.get("Vary");
  headers.set("Vary", vary ? `${vary}, Accept-Encoding` : "Accept-Encoding");
  return { body, headers, bytes: body.length + 512, builtAt: Date.now() };
}

/**
 * The kept copy of `key` (gzipped or not, as the client takes it), or
 * `build()`'s response, kept under `key` when it may be.
 */
export async function cachedResponse(
  c: Context<OrgEnv>,
  key: string,
  tags: () => string[],
  build: () => Promise<Response>,
): Promise<Response> {
  const gzip = gzipAccepted(c);
  const { version, store, shared } = c.get("cache");
  const full = `${key}:${gzip ? "z" : "r"}`;
  let built: Response | undefined;
  const kept = await store.get(version, full, async (from) => {
    // Another thread's copy, when the server has threads and one of them built it since it last changed.
    const found = shared?.get(version, full, PAGE_MAX_AGE_MS);
    if (found) return found;
    const res = await build();
    const k = await keep(res, gzip);
    if (!k) built = res;
    else shared?.put(version, full, k, tags().map(slotOf), from);
    return k;
  }, {
    weigh: (k) => k?.bytes ?? 64,
    tags,
    keep: (k) => k !== null,
    maxAgeMs: PAGE_MAX_AGE_MS,
    ageOf: (k) => k ? Date.now() - k.builtAt : 0,
  });
  return built ?? (kept ? answer(kept) : await build());
}

/** The per-viewer page cache of the org app and the tree (after `loadOrg`). */
export const pageCache = createMiddleware<OrgEnv>(async (c, next) => {
  const path = c.req.path;
  const token = c.get("csrf");
  const fragment = wantsFragment(c);
  if (
    c.req.method !== "GET" || !c.get("pageCache") || !CACHED.test(path) || token !== getCookie(c, "csrf") ||
    (fragment && path.startsWith("/tree/")) // an expand is kept once for every viewer (routes/tree.tsx)
  ) return await next();
  const { session, org } = c.var;
  const url = c.req.url;
  const search = url.includes("?") ? url.slice(url.indexOf("?")) : "";
  const key = `page:${session.id}:${token}:${fragment ? "f" : "p"}:${path}${search}`;
  // The info page and the child list show no counters: a write further down (which moves them) keeps them.
  const shows = OWN_ROWS.exec(path)?.[1];
  const orgTags = shows === "info"
    ? [`own:${org.id}`]
    : shows === "children"
    ? [`own:${org.id}`, `kids:${org.id}`]
    : [`org:${org.id}`];
  const tags = () => [...orgTags, `acct:${session.accountId}`, `sid:${sha256(session.id)}`];
  const res = await cachedResponse(c, key, tags, async () => {
    await next();
    return c.res;
  });
  if (res !== c.res) {
    c.res = undefined; // Hono's setter would copy the old response's headers over the kept one's
    c.res = res;
  }
});
