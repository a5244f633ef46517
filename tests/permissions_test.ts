/**
 * SPEC §8 as a matrix over the app's own route list (Hono's `app.routes`):
 * every org route, for every role relative to the target org X (团济南市委):
 * anonymous, X's admin, the parent's, an ancestor's, a sibling's and a
 * child's admin, each getting exactly what §8 allows. A route the app has
 * and this file does not list fails the first test, so none can be missed.
 */
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { orgs } from "../db/schema.ts";
import { saveImport } from "../db/imports.ts";
import { type Client, MINI, setup } from "./helpers.ts";
import { assertListsEveryRoute, fillRoute } from "./routes.ts";

type Role = "anonymous" | "self" | "parent" | "ancestor" | "sibling" | "child";
const ROLES: Role[] = ["anonymous", "self", "parent", "ancestor", "sibling", "child"];

/** Who may use a route: read routes cover the subtree, own-org routes only X itself. */
const READ: Role[] = ["self", "parent", "ancestor"];
const OWN: Role[] = ["self"];

/** One request to an org route and who may make it. */
interface Case {
  allowed: Role[];
  /** Values of route parameters beyond the ids (e.g. `dir`). */
  params?: Record<string, string>;
  query?: string;
  form?: (ids: Ids) => Record<string, string>;
}

interface Ids {
  id: number;
  cid: number;
  aid: number;
  importId: string;
}

/** Every org-scoped route ("METHOD path" with the parameter patterns left out). */
const ORG_ROUTES: Record<string, Case[]> = {
  "GET /orgs/:id": [{ allowed: READ }],
  "GET /tree/:id": [{ allowed: READ }],
  "GET /orgs/:id/info": [{ allowed: READ }],
  "POST /orgs/:id/info": [{ allowed: OWN, form: () => ({ phone: "0531-86012345" }) }],
  "POST /orgs/:id/info/confirm": [{ allowed: OWN }],
  "GET /orgs/:id/children": [{ allowed: READ }],
  "GET /orgs/:id/children/new": [{ allowed: OWN }],
  "POST /orgs/:id/children/new": [{ allowed: OWN, form: () => ({ shortName: "一中团委", category: "2" }) }],
  "GET /orgs/:id/children/propose": [{ allowed: OWN, query: "?shortName=x" }],
  "GET /orgs/:id/children/:cid/edit": [{ allowed: OWN }],
  "POST /orgs/:id/children/:cid/edit": [{
    allowed: OWN,
    form: () => ({ shortName: "团历下区委", category: "1" }),
  }],
  "POST /orgs/:id/children/:cid/:dir": [{ allowed: OWN, params: { dir: "down" } }, {
    allowed: OWN,
    params: { dir: "up" },
  }],
  "POST /orgs/:id/children/:cid/code": [{ allowed: OWN }],
  "GET /orgs/:id/children/:cid/code": [{ allowed: OWN }],
  "POST /orgs/:id/codes.xlsx": [{ allowed: OWN }],
  "GET /orgs/:id/progress": [{ allowed: READ }],
  "GET /orgs/:id/progress.xlsx": [{ allowed: READ }],
  "GET /orgs/:id/problems": [{ allowed: READ, query: "?kind=noAdmin" }],
  "GET /orgs/:id/problems.xlsx": [{ allowed: READ, query: "?kind=noAdmin" }],
  "GET /orgs/:id/chase.xlsx": [{ allowed: READ }],
  "GET /orgs/:id/report": [{ allowed: READ }],
  "POST /orgs/:id/report/snapshot": [{ allowed: OWN }],
  "GET /orgs/:id/search": [{ allowed: READ, query: `?q=${encodeURIComponent("历下")}` }],
  "GET /orgs/:id/audit": [{ allowed: READ }],
  "GET /orgs/:id/export": [{ allowed: READ }],
  "GET /orgs/:id/export.xlsx": [{ allowed: READ }],
  "POST /orgs/:id/export.xlsx": [{ allowed: READ, form: () => ({ unmasked: "1" }) }],
  "GET /orgs/:id/move": [{ allowed: OWN, query: "?org=:cid" }],
  "POST /orgs/:id/move": [{ allowed: OWN, form: (i) => ({ org: String(i.cid), target: String(i.id) }) }],
  // Deadlines belong to 团中央 alone (X is not the root: nobody may).
  "GET /orgs/:id/deadlines": [{ allowed: [] }],
  "POST /orgs/:id/deadlines": [{ allowed: [], form: () => ({ year: "2026" }) }],
  // Excel batch.
  "GET /orgs/:id/import": [{ allowed: OWN }],
  "GET /orgs/:id/import/template.xlsx": [{ allowed: OWN }],
  "POST /orgs/:id/import": [{ allowed: OWN }],
  "GET /orgs/:id/import/:importId": [{ allowed: OWN }],
  "GET /orgs/:id/import/:importId/failures.xlsx": [{ allowed: OWN }],
  "POST /orgs/:id/import/:importId/confirm": [{ allowed: OWN }],
  // Password reset codes: the same org's other admins and the parent's admins.
  "POST /orgs/:id/admins/:aid/reset": [{ allowed: ["parent", "self"] }],
};

/** Routes for everyone: signing in and registering (registration shows org names, nothing else). */
const PUBLIC = [
  "GET /guide",
  "GET /login",
  "POST /login",
  "GET /password/reset",
  "POST /password/reset",
  "GET /register",
  "GET /register/orgs/:id",
  "GET /register/start",
  "GET /register/code",
  "POST /register/code",
  "POST /register",
  "GET /tree",
  "GET /favicon.ico",
];

/** Routes about the signed-in account itself: anonymous visitors are sent to sign in. */
const ACCOUNT = ["GET /", "POST /logout", "GET /account/switch", "POST /account/switch"];

/** Queries the public routes need to show their page. */
const PUBLIC_QUERY: Record<string, string> = { "GET /register/start": "?org=1" };

Deno.test("permissions: every route of the app is listed here, with who may use it", async () => {
  await using t = await setup();
  assertListsEveryRoute(t.app, [
    ...Object.keys(ORG_ROUTES),
    ...Object.keys(MEMBER_ROUTES),
    ...PUBLIC,
    ...ACCOUNT,
  ]);
});

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
  const admins = await t.db.query.orgAdmins.findMany({ where: (a, { eq }) => eq(a.orgId, x.id) });
  const importId = (await saveImport(t.db, x.id, admins[0].accountId, [], new Date()))!;
  const ids: Ids = { id: x.id, cid: child.id, aid: admins[1].accountId, importId };
  const fill = (s: string, params: Record<string, string> = {}) => fillRoute(s, { ...ids, ...params });
  const failures: string[] = [];
  const check = async (label: string, res: Response, expected: string) => {
    await res.body?.cancel();
    const location = res.headers.get("Location") ?? "";
    const actual = res.status === 403
      ? "forbidden"
      : [302, 303].includes(res.status) && location.startsWith("/login")
      ? "login"
      : res.status < 400 || [409, 422].includes(res.status) // reached the handler (validation may refuse)
      ? "ok"
      : `status ${res.status}`;
    if (actual !== expected) failures.push(`${label}: expected ${expected}, got ${actual}`);
  };
  for (const [key, cases] of Object.entries(ORG_ROUTES)) {
    const [method, pattern] = key.split(" ");
    for (const route of cases) {
      for (const role of ROLES) {
        const path = fill(pattern, route.params) + fill(route.query ?? "");
        const c = clients[role];
        const res = method === "GET" ? await c.get(path) : await c.post(path, route.form?.(ids) ?? {});
        const expected = role === "anonymous" ? "login" : route.allowed.includes(role) ? "ok" : "forbidden";
        await check(`${method} ${path} as ${role}`, res, expected);
      }
    }
  }
  for (const key of ACCOUNT) {
    const [method, path] = key.split(" ");
    const anon = t.client();
    const res = method === "GET" ? await anon.get(path) : await anon.post(path, {});
    await check(`${key} as anonymous`, res, "login");
  }
  for (const key of PUBLIC) {
    const [method, pattern] = key.split(" ");
    const path = fill(pattern, { id: String(MINI.root) }) + (PUBLIC_QUERY[key] ?? "");
    const anon = t.client();
    const res = method === "GET" ? await anon.get(path) : await anon.post(path, {});
    await check(`${key} as anonymous`, res, "ok");
  }
  assert.deepEqual(failures, []);
});

/** Roles towards a 团支部 B under X (团济南市委): B's own admin, X's (the direct parent), an ancestor's, a sibling branch's. */
type MRole = "anonymous" | "self" | "parent" | "ancestor" | "sibling";
const READ_M: MRole[] = ["self", "parent", "ancestor"], EDIT_M: MRole[] = ["self", "parent"];

/** The member routes (SPEC §8 + §9), all on B: its admin and its parent's enter members; ancestors read masked. */
const MEMBER_ROUTES: Record<string, { allowed: MRole[]; form?: Record<string, string> }> = {
  "GET /orgs/:id/members": { allowed: READ_M },
  "GET /orgs/:id/members.xlsx": { allowed: READ_M },
  "POST /orgs/:id/members.xlsx": { allowed: READ_M, form: { unmasked: "1" } },
  "GET /orgs/:id/members/new": { allowed: EDIT_M },
  "POST /orgs/:id/members/new": { allowed: EDIT_M, form: { name: "" } },
  "GET /orgs/:id/members/:mid": { allowed: EDIT_M },
  "POST /orgs/:id/members/:mid": { allowed: EDIT_M, form: { name: "" } },
  "POST /orgs/:id/members/:mid/remove": { allowed: EDIT_M },
  "GET /orgs/:id/members/import": { allowed: EDIT_M },
  "GET /orgs/:id/members/import/template.xlsx": { allowed: EDIT_M },
  "POST /orgs/:id/members/import": { allowed: EDIT_M },
  "GET /orgs/:id/members/import/:importId": { allowed: EDIT_M },
  "GET /orgs/:id/members/import/:importId/failures.xlsx": { allowed: EDIT_M },
  "POST /orgs/:id/members/import/:importId/confirm": { allowed: EDIT_M },
  // Wave deadlines belong to 团中央 alone (B is not the root: nobody may).
  "GET /orgs/:id/member-deadlines": { allowed: [] },
  "POST /orgs/:id/member-deadlines": { allowed: [], form: { year: "2026" } },
};

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
  const admins = await t.db.query.orgAdmins.findMany({ where: (a, { eq }) => eq(a.orgId, b) });
  const importId = (await saveImport(t.db, b, admins[0].accountId, [], new Date(), "members"))!;
  const params: Record<string, string> = { id: String(b), mid: String(m.id), importId };
  const failures: string[] = [];
  for (const [key, route] of Object.entries(MEMBER_ROUTES)) {
    const [method, pattern] = key.split(" ");
    const path = pattern.replace(/:(\w+)/g, (_, p) => params[p]);
    for (const role of Object.keys(clients) as MRole[]) {
      const c = clients[role];
      const res = method === "GET" ? await c.get(path) : await c.post(path, route.form ?? {});
      await res.body?.cancel();
      const location = res.headers.get("Location") ?? "";
      const expected = role === "anonymous" ? "login" : route.allowed.includes(role) ? "ok" : "forbidden";
      const actual = res.status === 403
        ? "forbidden"
        : [302, 303].includes(res.status) && location.startsWith("/login")
        ? "login"
        : res.status < 400 || [409, 422].includes(res.status)
        ? "ok"
        : `status ${res.status}`;
      if (actual !== expected) {
        failures.push(`${method} ${path} as ${role}: expected ${expected}, got ${actual}`);
      }
    }
  }
  assert.deepEqual(failures, []);
});
