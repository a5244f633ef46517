/**
 * Permissions (SPEC §8), enforced here and nowhere else.
 *
 * `guard(scope)` requires a signed-in admin, loads the org named by the
 * `:id` route parameter into `c.var.org` and checks it against the org the
 * admin acts for (X):
 * - "subtree": the org is X or below X (read progress, tree, search, audit, export);
 * - "self": the org is X (edit own info, create/reorder children, issue codes);
 * - "child": the org is a direct child of X (correct it, reset its admins' passwords).
 * Anonymous visitors are sent to sign in; anything else is 403.
 */
import { createMiddleware } from "hono/factory";
import { getOrg, inSubtree } from "../db/orgs.ts";
import type { AppEnv } from "./env.ts";
import { renderError } from "./render.tsx";

/** Who may reach a route, relative to the admin's own org. */
export type Scope = "subtree" | "self" | "child";

/** True when an admin acting for `own` may act on `target` within `scope`. */
export function allowed(
  scope: Scope,
  own: { id: number; path: string },
  target: { id: number; path: string },
) {
  if (scope === "self") return own.id === target.id;
  if (scope === "child") return target.path === `${own.path}${target.id}/`;
  return inSubtree(own.path, target.path);
}

/** The guard middleware for routes with an `:id` org parameter; any of `scopes` admits. */
export const guard = (...scopes: Scope[]) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const session = c.get("session");
    if (!session) {
      const next = new URL(c.req.url);
      const to = `/login?next=${encodeURIComponent(next.pathname + next.search)}`;
      if (c.req.header("HX-Request") === "true") {
        c.header("HX-Redirect", to);
        return c.body(null, 401);
      }
      return c.redirect(to, 303);
    }
    const id = Number(c.req.param("id"));
    const { version, store } = c.get("cache");
    const org = Number.isSafeInteger(id)
      ? await store.get(version, `org:${id}`, () => getOrg(c.get("db"), id))
      : undefined;
    if (!org || !allowed("subtree", session.org, org)) {
      // Orgs outside the subtree are indistinguishable from missing ones.
      return renderError(
        c,
        403,
        "无权访问",
        "您只能查看和管理本组织及其下级组织。",
      );
    }
    if (!scopes.some((scope) => allowed(scope, session.org, org))) {
      return renderError(
        c,
        403,
        "无权操作",
        "只有本组织的管理员可以进行此操作。",
      );
    }
    c.set("org", org);
    await next();
  });
