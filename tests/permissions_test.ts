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

/** Member routes (SPEC §8 + §9) on a 团支部 B under X: B's admin and X's admin enter; ancestors read masked. */
Deno.test("permissions: member routes for every role (SPEC §9)", async () => {
  await using t = await setup();
  const { bulkAppend } = await import("../db/bulk.ts");
  const { members } = await import("../db/schema.ts");
  const byName = async (n: string) => (await t.db.select().from(orgs).where(eq(orgs.shortName, n)))[0];
  const x = await byName("团济南市委");
  const [b, sib] = await bulkAppend(t.db, [
    { parentId: x.id, shortName: "机关团支部", category: 5 },
    { parentId: x.id, shortName: "第2车间团支部", category: 5 },
  ]);
  type MRole = "anonymous" | "self" | "parent" | "ancestor" | "sibling";
  const clients: Record<MRole, Client> = {
    anonymous: t.client(),
    self: await t.adminOf(b, 0),
    parent: await t.adminOf(x.id, 1),
    ancestor: await t.adminOf(MINI.shandong, 2),
    sibling: await t.adminOf(sib, 3),
  };
  const [m] = await t.db.insert(members).values({
    orgId: b,
    name: "张三",
    idNumber: "370102200506151016",
    ethnicity: "汉族",
    political: "共青团员",
    joinedYm: "2019-05",
    eduFull: "初中",
    mobile: "13800001234",
    leaveOn: 20330615,
  }).returning();
  const READ_M: MRole[] = ["self", "parent", "ancestor"], EDIT_M: MRole[] = ["self", "parent"];
  const routes: { method: "GET" | "POST"; path: string; allowed: MRole[]; form?: Record<string, string> }[] =
    [
      { method: "GET", path: `/orgs/${b}/members`, allowed: READ_M },
      { method: "GET", path: `/orgs/${b}/members.xlsx`, allowed: READ_M },
      { method: "POST", path: `/orgs/${b}/members.xlsx`, allowed: READ_M, form: { unmasked: "1" } },
      { method: "GET", path: `/orgs/${b}/members/new`, allowed: EDIT_M },
      { method: "POST", path: `/orgs/${b}/members/new`, allowed: EDIT_M, form: { name: "" } },
      { method: "GET", path: `/orgs/${b}/members/${m.id}`, allowed: EDIT_M },
      { method: "POST", path: `/orgs/${b}/members/${m.id}`, allowed: EDIT_M, form: { name: "" } },
      { method: "POST", path: `/orgs/${b}/members/${m.id}/remove`, allowed: EDIT_M },
      { method: "GET", path: `/orgs/${b}/members/import`, allowed: EDIT_M },
      { method: "GET", path: `/orgs/${b}/members/import/template.xlsx`, allowed: EDIT_M },
      { method: "POST", path: `/orgs/${b}/members/import`, allowed: EDIT_M },
      // Wave deadlines belong to 团中央 alone.
      { method: "GET", path: `/orgs/${x.id}/member-deadlines`, allowed: [] },
    ];
  const failures: string[] = [];
  for (const route of routes) {
    for (const role of Object.keys(clients) as MRole[]) {
      const c = clients[role];
      const res = route.method === "GET"
        ? await c.get(route.path)
        : await c.post(route.path, route.form ?? {});
      await res.body?.cancel();
      const location = res.headers.get("Location") ?? "";
      const expected = role === "anonymous" ? "login" : route.allowed.includes(role) ? "ok" : "forbidden";
      const actual = res.status === 403
        ? "forbidden"
        : res.status === 303 && location.startsWith("/login")
        ? "login"
        : res.status < 400 || [409, 422].includes(res.status)
        ? "ok"
        : `status ${res.status}`;
      if (actual !== expected) {
        failures.push(`${route.method} ${route.path} as ${role}: expected ${expected}, got ${actual}`);
      }
    }
  }
  assert.deepEqual(failures, []);
});
