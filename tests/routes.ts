/**
 * The app's own route list (Hono's `app.routes`) as "METHOD path" keys, for the sweeps that must
 * cover every route (permissions, robustness): a route added to the app and not to a sweep's table
 * fails that sweep.
 */
import assert from "node:assert/strict";
import type { createApp } from "../app.ts";

/** "METHOD path" of a route with its parameter patterns (`{[0-9]+}`) left out. */
export function routeKey(method: string, path: string): string {
  let out = "", depth = 0;
  for (const ch of path) {
    if (ch === "{") depth++;
    else if (ch === "}") depth--;
    else if (depth === 0) out += ch;
  }
  return `${method} ${out}`;
}

/** The app's handlers as route keys (middleware registered for every method is not a route). */
export function appRoutes(app: ReturnType<typeof createApp>): string[] {
  return [...new Set(app.routes.filter((r) => r.method !== "ALL").map((r) => routeKey(r.method, r.path)))];
}

/** Asserts that `listed` names exactly the app's routes (of `methods`, when given). */
export function assertListsEveryRoute(
  app: ReturnType<typeof createApp>,
  listed: string[],
  methods?: string[],
) {
  const routes = appRoutes(app).filter((r) => !methods || methods.includes(r.split(" ")[0]));
  assert.deepEqual(routes.filter((r) => !listed.includes(r)), [], "routes the table does not cover");
  assert.deepEqual(listed.filter((r) => !routes.includes(r)), [], "listed routes the app does not have");
}

/** A route pattern with its `:name` parameters replaced by `values` (as given: encode them first). */
export const fillRoute = (pattern: string, values: Record<string, string | number>): string =>
  pattern.replace(/:(\w+)/g, (m, p) => (p in values ? String(values[p]) : m));
