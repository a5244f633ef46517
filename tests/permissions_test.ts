/**
 * SPEC §8 as a matrix: every org route, for every role relative to the target
 * org X (团济南市委): anonymous, X's admin, the parent's, an ancestor's, a
 * sibling's and a child's admin. Each gets exactly what §8 allows.
 */
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { orgs } from "../db/schema.ts";
import { type Client, MINI, setup } from "./helpers.ts";

type Role = "anonymous" | "self" | "parent" | "ancestor" | "sibling" | "child";
const ROLES: Role[] = ["anonymous", "self", "parent", "ancestor", "sibling", "child"];

/** Who may use a route: read routes cover the subtree, own-org routes only X itself. */
const READ: Role[] = ["self", "parent", "ancestor"];
const OWN: Role[] = ["self"];

interface RouteCase {
  method: "GET" | "POST";
  path: (ids: Ids) => string;
  allowed: Role[];
  form?: (ids: Ids) => Record<string, string>;
}

interface Ids {
  x: number;
  child: number;
  xAdmin: number;
}

/** Every org-scoped route. Routes added later must be added here. */
export const ROUTES: RouteCase[] = [
  { method: "GET", path: (i) => `/orgs/${i.x}`, allowed: READ },
  { method: "GET", path: (i) => `/orgs/${i.x}/children`, allowed: READ },
  { method: "GET", path: (i) => `/tree/${i.x}`, allowed: READ },
  { method: "GET", path: (i) => `/orgs/${i.x}/info`, allowed: READ },
  {
    method: "POST",
    path: (i) => `/orgs/${i.x}/info`,
    allowed: OWN,
    form: () => ({ phone: "0531-86012345" }),
  },
  { method: "POST", path: (i) => `/orgs/${i.x}/info/confirm`, allowed: OWN },
  { method: "GET", path: (i) => `/orgs/${i.x}/children/new`, allowed: OWN },
  {
    method: "POST",
    path: (i) => `/orgs/${i.x}/children/new`,
    allowed: OWN,
    form: () => ({ shortName: "一中团委", category: "2" }),
  },
  { method: "GET", path: (i) => `/orgs/${i.x}/children/propose?shortName=x`, allowed: OWN },
  { method: "GET", path: (i) => `/orgs/${i.x}/children/${i.child}/edit`, allowed: OWN },
  {
    method: "POST",
    path: (i) => `/orgs/${i.x}/children/${i.child}/edit`,
    allowed: OWN,
    form: () => ({ shortName: "团历下区委", category: "1" }),
  },
  { method: "POST", path: (i) => `/orgs/${i.x}/children/${i.child}/down`, allowed: OWN },
  { method: "POST", path: (i) => `/orgs/${i.x}/children/${i.child}/up`, allowed: OWN },
  { method: "POST", path: (i) => `/orgs/${i.x}/children/${i.child}/code`, allowed: OWN },
  { method: "GET", path: (i) => `/orgs/${i.x}/children/${i.child}/code`, allowed: OWN },
  { method: "POST", path: (i) => `/orgs/${i.x}/codes.xlsx`, allowed: OWN },
  { method: "GET", path: (i) => `/orgs/${i.x}/progress`, allowed: READ },
  { method: "GET", path: (i) => `/orgs/${i.x}/progress.xlsx`, allowed: READ },
  { method: "GET", path: (i) => `/orgs/${i.x}/problems?kind=noAdmin`, allowed: READ },
  { method: "GET", path: (i) => `/orgs/${i.x}/problems.xlsx?kind=noAdmin`, allowed: READ },
  { method: "GET", path: (i) => `/orgs/${i.x}/search?q=${encodeURIComponent("历下")}`, allowed: READ },
  { method: "GET", path: (i) => `/orgs/${i.x}/audit`, allowed: READ },
  { method: "GET", path: (i) => `/orgs/${i.x}/export`, allowed: READ },
  { method: "GET", path: (i) => `/orgs/${i.x}/export.xlsx`, allowed: READ },
  { method: "POST", path: (i) => `/orgs/${i.x}/export.xlsx`, allowed: READ, form: () => ({ unmasked: "1" }) },
  { method: "GET", path: (i) => `/orgs/${i.x}/move?org=${i.child}`, allowed: OWN },
  {
    method: "POST",
    path: (i) => `/orgs/${i.x}/move`,
    allowed: OWN,
    form: (i) => ({ org: String(i.child), target: String(i.x) }),
  },
  // Deadlines belong to 团中央 alone (X is not the root: nobody may).
  { method: "GET", path: (i) => `/orgs/${i.x}/deadlines`, allowed: [] },
  // Excel batch (the batch pages themselves: tests/import_test.ts).
  { method: "GET", path: (i) => `/orgs/${i.x}/import`, allowed: OWN },
  { method: "GET", path: (i) => `/orgs/${i.x}/import/template.xlsx`, allowed: OWN },
  { method: "POST", path: (i) => `/orgs/${i.x}/import`, allowed: OWN },
  // Password reset codes: the same org's other admins and the parent's admins.
  { method: "POST", path: (i) => `/orgs/${i.x}/admins/${i.xAdmin}/reset`, allowed: ["parent", "self"] },
];

Deno.test("permissions: every org route for every role (SPEC §8)", async () => {
  await using t = await setup();
  const byName = async (n: string) => (await t.db.select().from(orgs).where(eq(orgs.shortName, n)))[0];
  const x = await byName("团济南市委");
  const child = await byName("团历下区委");
  const sibling = await byName("团青岛市委");
  const clients: Record<Role, Client> = {
    anonymous: t.client(),
    self: await t.adminOf(x.id, 0),
    parent: await t.adminOf(MINI.shandong, 1),
    ancestor: await t.adminOf(MINI.root, 2),
    sibling: await t.adminOf(sibling.id, 3),
    child: await t.adminOf(child.id, 4),
  };
  // A second admin of X, so that X's own admin has someone to issue a reset code for.
  await t.adminOf(x.id, 5);
  const xAdmin =
    (await t.db.query.orgAdmins.findMany({ where: (a, { eq }) => eq(a.orgId, x.id) }))[1].accountId;
  const ids: Ids = { x: x.id, child: child.id, xAdmin };
  const failures: string[] = [];
  for (const route of ROUTES) {
    for (const role of ROLES) {
      const path = route.path(ids);
      const c = clients[role];
      const res = route.method === "GET" ? await c.get(path) : await c.post(path, route.form?.(ids) ?? {});
      await res.body?.cancel();
      const location = res.headers.get("Location") ?? "";
      const expected = role === "anonymous" ? "login" : route.allowed.includes(role) ? "ok" : "forbidden";
      const actual = res.status === 403
        ? "forbidden"
        : res.status === 303 && location.startsWith("/login")
        ? "login"
        : res.status < 400 || [409, 422].includes(res.status) // reached the handler (validation may refuse)
        ? "ok"
        : `status ${res.status}`;
      if (actual !== expected) {
        failures.push(`${route.method} ${path} as ${role}: expected ${expected}, got ${actual}`);
      }
    }
  }
  assert.deepEqual(failures, []);
});
