/** Malformed addresses and forms never make a server error: every route answers with a page that explains. */
import assert from "node:assert/strict";
import SyncConnection from "libsql";
import { eq } from "drizzle-orm";
import { MINI, PEOPLE, setup, textOf } from "./helpers.ts";
import { databaseOf } from "../db/client.ts";
import { orgs } from "../db/schema.ts";
import { assertListsEveryRoute, fillRoute } from "./routes.ts";

const JINAN = 11, LIXIA = 15;
/** Bad values: not numbers, out of range, empty, broken escapes, markup, and a well-formed unknown batch id. */
const BAD = ["abc", "-1", "1.5", "99999999999999999999", "", "%E0%A4%A", "<script>", "ZZZZZZZZZZZZZZZZ"];
const num = (v: string) => /^[0-9]+$/.test(v);
/** A bad id in the path: only digits reach the route (then it is an org nobody may see), others are no address. */
const badId = (bad: string) => num(bad) ? 403 : 404;

/** Where the org in the URL stands for the signed-in admin: the admin's own org, or one below it. */
type At = "own" | "sub";
/** One GET route of the sweep: the query it is sent (B is the bad value) and the status it must answer. */
interface GetCase {
  query?: string;
  /** Status for the admin, by the org in the URL (org routes) and the bad value. */
  admin: (at: At, bad: string) => number;
  /** Status for an anonymous visitor (routes outside the org app; org routes always send to sign in). */
  anon?: (bad: string, hx: boolean) => number;
}
const status = (n: number) => () => n;
const ownOnly = (n: number) => (at: At) => at === "own" ? n : 403;
const signIn = (_: string, hx: boolean) => hx ? 401 : 303;

/** Every GET route: a bad query value falls back to the default (200), an unknown kind or id is a 404. */
const GETS: Record<string, GetCase> = {
  "GET /": { admin: status(302), anon: status(302) },
  "GET /favicon.ico": { admin: status(204), anon: status(204) },
  "GET /login": { query: "?next=B", admin: status(303), anon: status(200) },
  "GET /guide": { query: "?x=B", admin: status(200), anon: status(200) },
  "GET /password/reset": { query: "?login=B", admin: status(200), anon: status(200) },
  "GET /register": { query: "?q=B", admin: status(200), anon: status(200) },
  "GET /register/orgs/:id": { admin: status(404), anon: status(404) },
  "GET /register/start": { query: "?org=B&position=B", admin: status(404), anon: status(404) },
  "GET /register/code": { query: "?org=B", admin: status(303), anon: status(303) },
  "GET /account/switch": { query: "?org=B", admin: status(200), anon: signIn },
  "GET /tree": { query: "?page=B", admin: status(302), anon: status(302) },
  "GET /tree/:id": { query: "?page=B&more=B", admin: status(200) },
  "GET /orgs/:id": { query: "?x=B", admin: status(200) },
  "GET /orgs/:id/audit": { query: "?page=B&after=B&before=B", admin: status(200) },
  "GET /orgs/:id/chase.xlsx": { query: "?x=B", admin: status(200) },
  "GET /orgs/:id/children": { query: "?page=B", admin: status(200) },
  "GET /orgs/:id/children/new": { query: "?shortName=B", admin: ownOnly(200) },
  "GET /orgs/:id/children/propose": { query: "?shortName=B&category=B", admin: ownOnly(200) },
  "GET /orgs/:id/children/:cid/edit": { admin: (_, bad) => badId(bad) },
  "GET /orgs/:id/children/:cid/code": { admin: (_, bad) => badId(bad) },
  "GET /orgs/:id/deadlines": { query: "?year=B", admin: ownOnly(200) },
  "GET /orgs/:id/export": { query: "?unmasked=B", admin: status(200) },
  "GET /orgs/:id/export.xlsx": { query: "?unmasked=B", admin: status(200) },
  "GET /orgs/:id/import": { admin: ownOnly(200) },
  "GET /orgs/:id/import/template.xlsx": { admin: ownOnly(200) },
  "GET /orgs/:id/import/:importId": { admin: ownOnly(404) },
  "GET /orgs/:id/import/:importId/failures.xlsx": { admin: ownOnly(404) },
  "GET /orgs/:id/info": { query: "?edit=B", admin: status(200) },
  // No org to move is a link our pages never make (400); an org outside the subtree is refused (403).
  "GET /orgs/:id/move": {
    query: "?org=B&target=B&q=B",
    admin: (at, bad) => at === "own" && bad === "" ? 400 : 403,
  },
  "GET /orgs/:id/problems": { query: "?kind=B&after=B", admin: status(404) },
  "GET /orgs/:id/problems.xlsx": { query: "?kind=B", admin: status(404) },
  "GET /orgs/:id/progress": { query: "?sort=B&page=B", admin: status(200) },
  "GET /orgs/:id/progress.xlsx": { query: "?sort=B", admin: status(200) },
  // Dates our pages write as YYYY-MM-DD; anything else is a link they never make (400).
  "GET /orgs/:id/report": { query: "?to=B&from=B&page=B", admin: status(400) },
  // Members live in 团支部 only: the sweep's orgs are leading bodies, so member screens say so (404).
  "GET /orgs/:id/members.xlsx": { query: "?page=B", admin: status(404) },
  "GET /orgs/:id/members": { query: "?page=B", admin: status(404) },
  "GET /orgs/:id/members/new": { query: "?page=B", admin: ownOnly(404) },
  "GET /orgs/:id/members/:mid": {
    query: "?page=B",
    admin: (at, bad) => at === "own" || !num(bad) ? 404 : 403,
  },
  "GET /orgs/:id/members/import/template.xlsx": { query: "?page=B", admin: ownOnly(404) },
  "GET /orgs/:id/members/import": { query: "?page=B", admin: ownOnly(404) },
  "GET /orgs/:id/members/import/:importId": { query: "?page=B", admin: ownOnly(404) },
  "GET /orgs/:id/members/import/:importId/failures.xlsx": { query: "?page=B", admin: ownOnly(404) },
  "GET /orgs/:id/member-deadlines": { query: "?page=B", admin: ownOnly(200) },
  "GET /orgs/:id/search": { query: "?q=B&page=B", admin: status(200) },
};

/** Asserts a 4xx page explains itself in Chinese (401 is htmx's bare sign-in redirect); drains the body. */
async function explains(res: Response, who: string) {
  if (res.status >= 400 && res.status !== 401) {
    assert.match(await res.text(), /\p{Script=Han}{4}/u, `${who}: a Chinese message with ${res.status}`);
  } else await res.body?.cancel();
}

Deno.test("robustness: bad query values and ids on every GET route, as an admin and anonymously", async () => {
  await using t = await setup();
  assertListsEveryRoute(t.app, Object.keys(GETS), ["GET"]);
  const admin = await t.adminOf(MINI.root, 0);
  const anon = t.client();
  const failures: string[] = [];
  for (const [key, route] of Object.entries(GETS)) {
    const pattern = key.slice(4);
    const orgRoute = /^\/(orgs|tree)\/:id/.test(pattern);
    for (const bad of BAD) {
      const b = encodeURIComponent(bad);
      const ids: [At | "bad", string][] = orgRoute
        ? [["own", String(MINI.root)], ["sub", String(LIXIA)], ["bad", b]]
        : [["own", b]];
      for (const [at, id] of ids) {
        const url = fillRoute(pattern, { id, cid: b, mid: b, importId: b }) +
          (route.query ?? "").replaceAll("B", b);
        for (const hx of [false, true]) {
          for (const client of [admin, anon]) {
            const expected = client === admin ? (at === "bad" ? badId(bad) : route.admin(at, bad)) : orgRoute
              // The org app signs in before it routes: below /orgs/<number>/ every address sends to sign-in.
              ? (num(at === "bad" ? bad : id) ? signIn(bad, hx) : 404)
              : route.anon!(bad, hx);
            const res = await client.get(url, { hx });
            const who = `${client === admin ? "admin" : "anonymous"} GET ${url} (hx ${hx})`;
            if (res.status !== expected) failures.push(`${who}: ${res.status}, expected ${expected}`);
            await explains(res, who);
          }
        }
      }
    }
  }
  assert.deepEqual(failures, []);
});

/** Where the ids in a POST's URL stand for an admin of 团济南市委: its child, an unknown id, its parent. */
type Ids = "child" | "unknown" | "parent";
const IDS: Record<Ids, { id: number; cid: number }> = {
  child: { id: JINAN, cid: LIXIA },
  unknown: { id: JINAN, cid: 99999 },
  parent: { id: LIXIA, cid: JINAN },
};
/** One POST route: the status for every field set to a bad value, and for files in every field. */
interface PostCase {
  form: (ids: Ids, bad: string) => number;
  multipart: number;
}
const own = (n: number) => (ids: Ids) => ids === "parent" ? 403 : n;
const childOnly = (n: number) => (ids: Ids) => ids === "child" ? n : 403;

/**
 * Every POST route. A form our pages cannot send (files in text fields) is a 400; a form with wrong
 * values a 422 with the form again; a state that does not allow it (nothing to confirm, nothing to move)
 * a 409; outside the admin's reach a 403; a registration step without its org starts over (303).
 */
const POSTS: Record<string, PostCase> = {
  "POST /login": { form: status(422), multipart: 400 },
  "POST /logout": { form: status(303), multipart: 303 },
  "POST /password/reset": { form: status(422), multipart: 400 },
  "POST /register/code": { form: status(303), multipart: 400 },
  "POST /register": { form: status(303), multipart: 400 },
  "POST /account/switch": { form: status(403), multipart: 403 },
  "POST /orgs/:id/info": {
    form: (ids, bad) => ids === "parent" ? 403 : bad === "" ? 303 : 422,
    multipart: 400,
  },
  "POST /orgs/:id/info/confirm": { form: own(409), multipart: 409 },
  "POST /orgs/:id/children/new": { form: own(422), multipart: 400 },
  "POST /orgs/:id/children/:cid/edit": { form: childOnly(422), multipart: 400 },
  "POST /orgs/:id/children/:cid/:dir": { form: childOnly(303), multipart: 303 },
  "POST /orgs/:id/children/:cid/code": { form: childOnly(303), multipart: 303 },
  "POST /orgs/:id/codes.xlsx": { form: own(200), multipart: 200 },
  "POST /orgs/:id/deadlines": { form: status(403), multipart: 400 },
  "POST /orgs/:id/export.xlsx": { form: status(200), multipart: 400 },
  "POST /orgs/:id/import": { form: own(422), multipart: 422 },
  "POST /orgs/:id/import/:importId/confirm": { form: own(404), multipart: 404 },
  "POST /orgs/:id/report/snapshot": { form: own(303), multipart: 303 },
  // Members live in 团支部 only (the sweep's orgs are not): 404 whatever the form.
  "POST /orgs/:id/members.xlsx": { form: status(404), multipart: 404 },
  "POST /orgs/:id/members/new": { form: status(404), multipart: 404 },
  "POST /orgs/:id/members/:mid": { form: status(404), multipart: 404 },
  "POST /orgs/:id/members/:mid/remove": { form: status(404), multipart: 404 },
  "POST /orgs/:id/members/import": { form: status(404), multipart: 404 },
  "POST /orgs/:id/members/import/:importId/confirm": { form: status(404), multipart: 404 },
  "POST /orgs/:id/member-deadlines": { form: status(403), multipart: 403 },
  "POST /orgs/:id/move": { form: own(409), multipart: 400 },
  // None of the ids named in the URL is an admin of the org in it.
  "POST /orgs/:id/admins/:aid/reset": { form: status(404), multipart: 404 },
};

Deno.test("robustness: bad form values on every POST route", async () => {
  await using t = await setup();
  assertListsEveryRoute(t.app, Object.keys(POSTS), ["POST"]);
  const admin = await t.adminOf(JINAN, 0);
  const fields = [
    "org",
    "target",
    "reason",
    "shortName",
    "fullName",
    "category",
    "industry",
    "phone",
    "email",
    "code",
    "position",
    "login",
    "password",
    "password2",
    "year",
    "file",
    "sortOrder",
    "adminQuota",
    "adminActual",
    "unmasked",
    "name",
    "idNumber",
    "mobile",
    "existing",
  ];
  const failures: string[] = [];
  const check = async (label: string, res: Response, expected: number) => {
    if (res.status !== expected) failures.push(`${label}: ${res.status}, expected ${expected}`);
    await explains(res, label);
    // Signing out is one of the routes: sign in again for the next request.
    if (!admin.cookies.has("sid")) await (await admin.login(PEOPLE[0].mobile)).body?.cancel();
  };
  for (const [key, route] of Object.entries(POSTS)) {
    const pattern = key.slice(5);
    const url = (ids: Ids) => {
      const { id, cid } = IDS[ids];
      return fillRoute(pattern, { id, cid, aid: cid, mid: cid, dir: "up", importId: "ZZZZZZZZZZZZZZZZ" });
    };
    for (const bad of BAD) {
      for (const ids of pattern.includes(":id") ? Object.keys(IDS) as Ids[] : ["child" as const]) {
        const res = await admin.post(url(ids), Object.fromEntries(fields.map((f) => [f, bad])));
        await check(`POST ${url(ids)} with ${JSON.stringify(bad)}`, res, route.form(ids, bad));
      }
    }
    // Files where text belongs (a hand-made multipart form).
    const multipart = new FormData();
    for (const f of fields) multipart.set(f, new File(["x"], "x.txt"));
    await check(`multipart POST ${url("child")}`, await admin.post(url("child"), multipart), route.multipart);
  }
  assert.deepEqual(failures, []);
});

Deno.test("robustness: the inputs that made a 500 each get their own 4xx and a Chinese message", async () => {
  await using t = await setup();
  const admin = await t.adminOf(JINAN, 0);
  // A malformed Origin header (new URL threw).
  const origin = await admin.post("/logout", {}, { headers: { Origin: "http://[" } });
  assert.equal(origin.status, 403);
  assert.match(await origin.text(), /请求已失效/);
  // Multipart without a boundary, with the token in the form or in htmx's header.
  for (const headers of [{}, { "X-CSRF-Token": admin.cookies.get("csrf")! }] as Record<string, string>[]) {
    const res = await admin.request(`/orgs/${JINAN}/children/new`, {
      method: "POST",
      headers: { "Content-Type": "multipart/form-data", ...headers },
      body: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--',
    });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /请求格式不正确/);
  }
  // A page number beyond any float.
  const audit = await admin.get(`/orgs/${JINAN}/audit?before=1e309`);
  assert.equal(audit.status, 200);
  await audit.body?.cancel();
  // Kinds that are names on every object.
  for (const kind of ["__proto__", "toString", "constructor", "hasOwnProperty"]) {
    for (const path of ["problems", "problems.xlsx"]) {
      const res = await admin.get(`/orgs/${JINAN}/${path}?kind=${kind}`);
      assert.equal(res.status, 404, `${path} ${kind}`);
      assert.match(await res.text(), /没有这类问题/);
    }
  }
  // 30 single creates of one name at once: one org, 29 messages.
  const form = { shortName: "济南一中团委", category: "2", fullName: "中国共产主义青年团济南第一中学委员会" };
  const all = await Promise.all(
    Array.from({ length: 30 }, () => admin.post(`/orgs/${JINAN}/children/new`, form)),
  );
  assert.equal(all.filter((r) => r.status === 303).length, 1);
  const refused = all.filter((r) => r.status === 422);
  assert.equal(refused.length, 29);
  for (const r of refused) assert.match(await r.text(), /简称不能重复/);
});

Deno.test("robustness: a database locked elsewhere past the wait is a 503 with a Chinese message, nothing written", async () => {
  await using t = await setup();
  const admin = await t.adminOf(JINAN, 0);
  // Another process holds the write lock (here a second connection to the file) past the 5 s busy wait.
  const other = new SyncConnection(databaseOf(t.db).file!);
  other.exec("BEGIN IMMEDIATE");
  try {
    const form = {
      shortName: "济南二中团委",
      category: "2",
      fullName: "中国共产主义青年团济南第二中学委员会",
    };
    const res = await admin.post(`/orgs/${JINAN}/children/new`, form);
    assert.equal(res.status, 503);
    assert.equal(res.headers.get("Retry-After"), "5");
    assert.match(textOf(await res.text()), /数据库正忙，这次提交没有保存/);
  } finally {
    other.exec("ROLLBACK");
    other.close();
  }
  const [row] = await t.db.select({ id: orgs.id }).from(orgs).where(eq(orgs.shortName, "济南二中团委"));
  assert.equal(row, undefined);
});
