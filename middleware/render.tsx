/**
 * The one place that decides between a fragment and a full page.
 *
 * An htmx request that is not a boosted navigation gets only the fragment;
 * everything else (plain browsers, boosted links, history restores) gets the
 * fragment inside the full layout. `Vary: HX-Request` keeps caches honest.
 *
 * Org pages use `c.render(body, { title, tab })` (the `orgPages` renderer of
 * the org app): the layout adds the org's header and tabs. Other pages and
 * every error screen use `render()`.
 */
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import { jsxRenderer } from "hono/jsx-renderer";
import { createMiddleware } from "hono/factory";
import { Layout } from "../components/Layout.tsx";
import { ErrorPage } from "../components/ErrorPage.tsx";
import { OrgNav, type OrgTab } from "../components/OrgNav.tsx";
import { attachment, XLSX_TYPE } from "../lib/xlsx.ts";
import type { AppEnv, OrgEnv } from "./env.ts";

/** What an org page tells the layout. */
export interface OrgPageProps {
  /** The screen's name; the page title is the org's 简称 and this. */
  title?: string;
  /** The org tab the screen belongs to; none: a screen without the org's header (a code, a setting). */
  tab?: OrgTab;
}

declare module "hono" {
  interface ContextRenderer {
    (content: Child, props: OrgPageProps): Response | Promise<Response>;
  }
}

/** Statuses a page or fragment is sent with. */
export type PageStatus = 200 | 400 | 403 | 404 | 409 | 413 | 422 | 429 | 503;

/** True when the client wants a fragment rather than a page. */
export function wantsFragment(c: Context): boolean {
  return c.req.header("HX-Request") === "true" &&
    c.req.header("HX-Boosted") !== "true" &&
    c.req.header("HX-History-Restore-Request") !== "true";
}

/** Renders `body` as a fragment or as a full page titled `title`. */
export function render(c: Context, title: string, body: Child, status: PageStatus = 200) {
  const v = c.var as AppEnv["Variables"];
  c.header("Vary", "HX-Request");
  if (wantsFragment(c)) return c.html(<>{body}</>, status);
  return c.html(
    "<!DOCTYPE html>" + (
      <Layout title={title} csrf={v.csrf} viewer={v.viewer}>
        {body}
      </Layout>
    ),
    status,
  );
}

/** The full org page: the layout, the org's header and tabs when the screen names its `tab`. */
const orgPage = jsxRenderer(({ children, title, tab }, c) => {
  const v = c.var as OrgEnv["Variables"];
  return (
    <Layout title={title ? `${v.org.shortName} · ${title}` : v.org.shortName} csrf={v.csrf} viewer={v.viewer}>
      {tab ? <OrgNav org={v.org} current={tab} self={v.session.org.id === v.org.id} /> : null}
      {children}
    </Layout>
  );
}, { docType: true });

/** What htmx swaps in: the screen's body alone, no doctype. */
const orgFragment = jsxRenderer(({ children }) => <>{children}</>, { docType: false });

/**
 * The org app's renderer: a fragment for htmx, else the full page with the
 * org's header and tabs (`tab`). The status comes from `c.status()`.
 */
export const orgPages = createMiddleware<OrgEnv>(async (c, next) => {
  await (wantsFragment(c) ? orgFragment : orgPage)(c, next);
  // Added to the finished response, as every header middleware here does (see app.ts).
  if (c.res.headers.get("Content-Type")?.startsWith("text/html")) c.res.headers.set("Vary", "HX-Request");
});

/**
 * After a successful POST: a 303 for plain forms; for htmx the `fragment`
 * when given (an in-place update), else `HX-Redirect` (htmx follows it with
 * a full navigation).
 */
export function redirectAfterPost(c: Context, url: string, fragment?: () => Response | Promise<Response>) {
  if (wantsFragment(c)) {
    if (fragment) return fragment();
    c.header("HX-Redirect", url);
    return c.body(null, 204);
  }
  return c.redirect(url, 303);
}

/** An error screen with its status (403, 404, 429, 503…), as fragment or page. */
export function renderError(
  c: Context,
  status: 400 | 403 | 404 | 409 | 413 | 422 | 429 | 503,
  title: string,
  message: string,
  back?: { href: string; label: string },
) {
  return render(c, title, <ErrorPage title={title} message={message} back={back} />, status);
}

/** A spreadsheet download (never cached: it holds the data as of now). */
export function sendXlsx(
  c: Context,
  bytes: Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>,
  filename: string,
) {
  return c.body(bytes, 200, {
    "Content-Type": XLSX_TYPE,
    "Content-Disposition": attachment(filename),
    "Cache-Control": "no-store",
  });
}

/** The site's public origin for texts handed out: PUBLIC_URL when configured, else the request's origin. */
export function siteOrigin(c: Context): string {
  const v = c.var as AppEnv["Variables"];
  return (v.publicUrl ?? new URL(c.req.url).origin).replace(/\/+$/, "");
}
