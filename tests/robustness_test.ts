/** Malformed addresses and forms never make a server error: every route answers with a page that explains. */
import assert from "node:assert/strict";
import { MINI, setup } from "./helpers.ts";

const JINAN = 11, LIXIA = 15;
const BAD = ["abc", "-1", "1.5", "99999999999999999999", "", "%E0%A4%A", "<script>"];

Deno.test("robustness: bad query values and ids on every GET route, as an admin and anonymously", async () => {
  await using t = await setup();
  const admin = await t.adminOf(MINI.root, 0);
  const anon = t.client();
  const paths = [
    "/tree/:id?page=B",
    "/tree/:id?page=B&more=1",
    "/orgs/:id?x=B",
    "/orgs/:id/audit?page=B&after=B",
    "/orgs/:id/children?page=B",
    "/orgs/:id/children/new?shortName=B",
    "/orgs/:id/children/propose?shortName=B&category=B",
    "/orgs/:id/children/B/edit",
    "/orgs/:id/children/B/code",
    "/orgs/:id/deadlines",
    "/orgs/:id/export?unmasked=B",
    "/orgs/:id/export.xlsx?unmasked=B",
    "/orgs/:id/import",
    "/orgs/:id/import/B",
    "/orgs/:id/info?edit=B",
    "/orgs/:id/move?org=B&target=B&q=B",
    "/orgs/:id/problems?kind=B&after=B",
    "/orgs/:id/problems.xlsx?kind=B",
    "/orgs/:id/progress?sort=B&page=B",
    "/orgs/:id/progress.xlsx?sort=B",
    "/orgs/:id/search?q=B&page=B",
    "/register?q=B",
    "/register/orgs/B",
    "/register/start?org=B&position=B",
    "/register/code?org=B",
    "/login?next=B",
    "/account/switch?org=B",
  ];
  for (const client of [admin, anon]) {
    for (const path of paths) {
      for (const bad of BAD) {
        for (const id of [String(MINI.root), String(LIXIA), bad]) {
          const url = path.replaceAll(":id", encodeURIComponent(id)).replaceAll("B", encodeURIComponent(bad));
          for (const hx of [false, true]) {
            const res = await client.get(url, { hx });
            const who = `${client === admin ? "admin" : "anonymous"} GET ${url} (hx ${hx})`;
            if (client === anon && /^\/(orgs|tree)\//.test(path)) {
              // Anonymous: signed-in pages send to sign-in (htmx: 401 + HX-Redirect); no such address is a 404.
              // The org app signs in before it routes, so below /orgs/<number>/ every address sends to sign-in
              // (an anonymous visitor learns nothing about which addresses exist).
              const tpl = path.split("?")[0], num = (v: string) => /^[0-9]+$/.test(v);
              const routed = num(id) && (tpl.startsWith("/orgs/") || !tpl.includes("B") || num(bad));
              assert.equal(res.status, routed ? (hx ? 401 : 303) : 404, who);
            } else assert.ok(res.status < 500, `${who}: ${res.status}`);
            if (res.status >= 400 && res.status !== 401) {
              assert.match(
                await res.text(),
                /\p{Script=Han}{4}/u,
                `${who}: a Chinese message with ${res.status}`,
              );
            } else await res.body?.cancel();
          }
        }
      }
    }
  }
});

Deno.test("robustness: bad form values on every POST route", async () => {
  await using t = await setup();
  const admin = await t.adminOf(JINAN, 0);
  const posts = [
    "/orgs/:id/children/:cid/up",
    "/orgs/:id/children/:cid/code",
    "/orgs/:id/children/:cid/edit",
    "/orgs/:id/children/new",
    "/orgs/:id/codes.xlsx",
    "/orgs/:id/deadlines",
    "/orgs/:id/export.xlsx",
    "/orgs/:id/import",
    "/orgs/:id/info",
    "/orgs/:id/info/confirm",
    "/orgs/:id/move",
    "/account/switch",
    "/register/code",
    "/register",
    "/login",
    "/password/reset",
  ];
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
    "year",
    "file",
    "sortOrder",
    "adminQuota",
    "unmasked",
    "name",
    "idNumber",
    "mobile",
  ];
  for (const path of posts) {
    for (const bad of BAD) {
      for (const [id, cid] of [[JINAN, LIXIA], [JINAN, 99999], [LIXIA, JINAN]]) {
        const url = path.replaceAll(":id", String(id)).replaceAll(":cid", String(cid));
        const form = Object.fromEntries(fields.map((f) => [f, bad]));
        const res = await admin.post(url, form);
        assert.ok(res.status < 500, `POST ${url} with ${JSON.stringify(bad)}: ${res.status}`);
        if (res.status >= 400) {
          assert.match(
            await res.text(),
            /\p{Script=Han}{4}/u,
            `POST ${url}: a Chinese message with ${res.status}`,
          );
        } else await res.body?.cancel();
      }
    }
    // Files where text belongs (a hand-made multipart form).
    const multipart = new FormData();
    for (const f of fields) multipart.set(f, new File(["x"], "x.txt"));
    const res = await admin.post(
      path.replaceAll(":id", String(JINAN)).replaceAll(":cid", String(LIXIA)),
      multipart,
    );
    await res.body?.cancel();
    assert.ok(res.status < 500, `multipart POST ${path}: ${res.status}`);
  }
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
