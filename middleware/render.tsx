/**
 * The one place that decides between a fragment and a full page.
 *
 * An htmx request that is not a boosted navigation gets only the fragment;
 * everything else (plain browsers, boosted links, history restores) gets the
 * fragment inside the full layout. `Vary: HX-Request` keeps caches honest.
 */
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import { Layout } from "../components/Layout.tsx";
import { ErrorPage } from "../components/ErrorPage.tsx";
import type { AppEnv } from "./env.ts";

/** True when the client wants a fragment rather than a page. */
export function wantsFragment(c: Context): boolean {
  return c.req.header("HX-Request") === "true" &&
    c.req.header("HX-Boosted") !== "true" &&
    c.req.header("HX-History-Restore-Request") !== "true";
}

/** Renders `body` as a fragment or as a full page titled `title`. */
export function render(
  c: Context<AppEnv>,
  title: string,
  body: Child,
  status: 200 | 400 | 403 | 404 | 409 | 413 | 422 | 429 = 200,
) {
  c.header("Vary", "HX-Request");
  if (wantsFragment(c)) return c.html(<>{body}</>, status);
  return c.html(
    "<!DOCTYPE html>" + (
      <Layout title={title} csrf={c.get("csrf")} viewer={c.get("viewer")}>
        {body}
      </Layout>
    ),
    status,
  );
}

/**
 * After a successful POST: a 303 for plain forms, `HX-Redirect` for htmx
 * (htmx follows it with a full navigation).
 */
export function redirectAfterPost(c: Context, url: string) {
  if (wantsFragment(c)) {
    c.header("HX-Redirect", url);
    return c.body(null, 204);
  }
  return c.redirect(url, 303);
}

/** An error screen with its status (403, 404, 429…), as fragment or page. */
export function renderError(
  c: Context<AppEnv>,
  status: 400 | 403 | 404 | 409 | 413 | 422 | 429,
  title: string,
  message: string,
  back?: { href: string; label: string },
) {
  return render(
    c,
    title,
    <ErrorPage title={title} message={message} back={back} />,
    status,
  );
}
