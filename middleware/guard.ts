/**
 * Permissions (SPEC §8), enforced here and nowhere else.
 *
 * `loadOrg` runs once in front of every org-scoped route (the org app and the
 * tree): it requires a signed-in admin, loads the org named by the `:id`
 * route parameter into `c.var.org` and admits it when it is in the subtree of
 * the org the admin acts for (X). `guard(scope)` then narrows a route or a
 * sub-app, relative to X:
 * - "subtree": the org is X or below X (read progress, tree, search, audit, export);
 * - "self": the org is X (edit own info, create/reorder children, issue codes);
 * - "child": the org is a direct child of X (correct it, reset its admins' passwords).
 * Anonymous visitors are sent to sign in; anything else is 403.
 */
import { createMiddleware } from "hono/factory";
import { getOrg, inSubtree } from "../db/orgs.ts";
import type { ChildEnv, OrgEnv } from "./env.ts";
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

/** Signs in, loads `:id` and admits it when it is in the admin's subtree (org app and tree). */
export const loadOrg = createMiddleware<OrgEnv>(async (c, next) => {
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
    return renderError(c, 403, "无权访问", "您只能查看和管理本组织及其下级组织。");
  }
  c.set("org", org);
  await next();
});

/** Narrows a route (or a sub-app) of the org app to `scopes`; any of them admits. */
export const guard = (...scopes: Scope[]) =>
  createMiddleware<OrgEnv>(async (c, next) => {
    if (!scopes.some((scope) => allowed(scope, c.get("session").org, c.get("org")))) {
      return renderError(c, 403, "无权操作", "只有本组织的管理员可以进行此操作。");
    }
    await next();
  });

/** Loads `:cid` into `c.var.child` when it is a direct child of the org in the URL. */
export const loadChild = createMiddleware<ChildEnv>(async (c, next) => {
  const child = await getOrg(c.get("db"), Number(c.req.param("cid")));
  if (!child || child.parentId !== c.get("org").id) {
    return renderError(c, 403, "无权操作", "只能管理本组织的直属下级组织。");
  }
  c.set("child", child);
  await next();
});
