/** The tree browser: full pages, lazy fragments, permissions, static assets. */
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { orgs } from "../db/schema.ts";
import { addBranches, MINI, setup } from "./helpers.ts";

Deno.test("tree: root admin sees the root and its children; expanding returns a fragment", async () => {
  await using t = await setup();
  const admin = await t.adminOf(MINI.root, 0);

  const page = await admin.get("/tree/1");
  assert.equal(page.status, 200);
  assert.match(page.headers.get("Vary") ?? "", /HX-Request/);
  const html = await page.text();
  assert.match(html, /^<!DOCTYPE html>/);
  assert.match(html, /团山东省委/);
  assert.match(html, /团北京市委/);
  assert.match(html, /hx-get="\/tree\/3"/);
  assert.match(html, /href="\/tree\/3"/, "the same URL works as a plain link");

  const frag = await admin.get(`/tree/${MINI.shandong}`, { hx: true });
  assert.equal(frag.status, 200);
  const body = await frag.text();
  assert.doesNotMatch(body, /<html/);
  assert.match(body, /团济南市委/);
  assert.match(body, /团青岛市委/);
  assert.match(
    body,
    /下级 4 · 有管理员 0 · 信息完整 0/,
    "counters of 团济南市委",
  );

  const full = await admin.get(`/tree/${MINI.shandong}`);
  const fullHtml = await full.text();
  assert.match(fullHtml, /<!DOCTYPE html>/);
  assert.match(fullHtml, /团中央/, "breadcrumb");
  assert.match(fullHtml, /团济南市委/);

  const boosted = await admin.get(`/tree/${MINI.shandong}`, {
    hx: true,
    headers: { "HX-Boosted": "true" },
  });
  assert.match(
    await boosted.text(),
    /<!DOCTYPE html>/,
    "boosted navigation gets the full page",
  );
});

Deno.test("tree: anonymous visitors are sent to sign in; admins see only their subtree", async () => {
  await using t = await setup();
  const anon = t.client();
  const res = await anon.get("/tree/1");
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("Location"), "/login?next=%2Ftree%2F1");
  const hx = await anon.get("/tree/1", { hx: true });
  assert.equal(hx.headers.get("HX-Redirect"), "/login?next=%2Ftree%2F1");

  const sd = await t.adminOf(MINI.shandong, 1);
  assert.equal(
    (await sd.get("/tree/1")).status,
    403,
    "parent is outside the subtree",
  );
  assert.equal(
    (await sd.get(`/tree/${MINI.beijing}`)).status,
    403,
    "sibling is outside the subtree",
  );
  const [jinan] = await t.db.select().from(orgs).where(
    eq(orgs.shortName, "团济南市委"),
  );
  const own = await sd.get(`/tree/${jinan.id}`);
  assert.equal(own.status, 200);
  const html = await own.text();
  assert.match(html, /团天桥区委/);
  assert.doesNotMatch(
    html,
    /href="\/tree\/1"/,
    "breadcrumb starts at the admin's own org",
  );
  assert.equal((await sd.get("/tree/999999")).status, 403);
});

Deno.test("static assets: each page names them by a hash of their content, served with a long cache", async () => {
  await using t = await setup();
  const page = await (await t.app.request("/login")).text();
  const urls = [...page.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((m) => m[1]);
  assert.equal(urls.length, 3, "the stylesheet, htmx and app.js");
  for (const url of urls) {
    const [path, version] = url.split("?v=");
    const file = await Deno.readFile(new URL(`..${path}`, import.meta.url));
    const sha = new Uint8Array(await crypto.subtle.digest("SHA-256", file));
    assert.equal(version, [...sha].map((b) => b.toString(16).padStart(2, "0")).join("").slice(0, 10), url);
    const res = await t.app.request(url);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("Cache-Control") ?? "", /max-age=31536000, immutable/);
    assert.match(res.headers.get("Content-Type") ?? "", /css|javascript/);
    assert.equal((await res.bytes()).length, file.length);
  }
  const missing = await t.app.request("/static/nope.js");
  assert.equal(missing.status, 404);
  await missing.body?.cancel();
});

Deno.test("responses are gzipped for clients that accept it", async () => {
  await using t = await setup();
  const res = await t.app.request("/static/htmx-2.0.11.min.js", { headers: { "Accept-Encoding": "gzip" } });
  assert.equal(res.headers.get("Content-Encoding"), "gzip");
  const bytes = new Uint8Array(await res.arrayBuffer());
  assert.ok(bytes.length < 20_000, `htmx gzip ${bytes.length} bytes`);
  const login = await t.app.request("/login", { headers: { "Accept-Encoding": "gzip" } });
  assert.equal(login.headers.get("Content-Encoding"), "gzip");
  const page = await new Response(login.body!.pipeThrough(new DecompressionStream("gzip"))).text();
  assert.match(page, /登录/);
  // Answers without a body pass through untouched (the middleware never reads `res.body` to find out).
  const icon = await t.app.request("/favicon.ico", { headers: { "Accept-Encoding": "gzip" } });
  assert.equal(icon.status, 204);
  assert.equal(icon.headers.get("Content-Encoding"), null);
});

Deno.test("expand fragments are cached, gzipped once, and fresh after a write", async () => {
  await using t = await setup();
  const admin = await t.adminOf(MINI.root, 0);
  const plain = await (await admin.get(`/tree/${MINI.shandong}`, { hx: true })).text();
  const gz = await admin.get(`/tree/${MINI.shandong}`, {
    hx: true,
    headers: { "Accept-Encoding": "gzip, deflate" },
  });
  assert.equal(gz.headers.get("Content-Encoding"), "gzip");
  assert.match(gz.headers.get("Vary") ?? "", /Accept-Encoding/);
  const unzipped = await new Response(gz.body!.pipeThrough(new DecompressionStream("gzip"))).text();
  assert.equal(unzipped, plain);
  // A write (a new child) is visible on the next expand.
  const sd = await t.adminOf(MINI.shandong, 1);
  await sd.post(`/orgs/${MINI.shandong}/children/new`, {
    shortName: "山东大学团委",
    category: "2",
    fullName: "中国共产主义青年团山东大学委员会",
  });
  assert.match(await (await admin.get(`/tree/${MINI.shandong}`, { hx: true })).text(), /山东大学团委/);
});

Deno.test("cached fragments: every copy is whole, with its headers; a cache hit still checks permission", async () => {
  await using t = await setup();
  const root = await t.adminOf(MINI.root, 0);
  const first = await root.get(`/tree/${MINI.shandong}`, { hx: true });
  const body = await first.text();
  for (let i = 0; i < 3; i++) {
    const again = await root.get(`/tree/${MINI.shandong}`, { hx: true });
    assert.equal(await again.text(), body, "the cached bytes are sent whole every time");
    assert.equal(again.headers.get("X-Content-Type-Options"), "nosniff");
    assert.equal(again.headers.get("X-Frame-Options"), "DENY");
    assert.match(again.headers.get("Vary") ?? "", /HX-Request/);
    assert.match(again.headers.get("Content-Type") ?? "", /text\/html/);
  }
  // A browser that lost its CSRF cookie gets a new one even from a cached fragment.
  root.cookies.delete("csrf");
  const fresh = await root.get(`/tree/${MINI.shandong}`, { hx: true });
  assert.equal(await fresh.text(), body);
  assert.match(fresh.headers.getSetCookie().join("\n"), /^csrf=[^;]{20,}; Path=\/; HttpOnly; SameSite=Lax/m);
  assert.ok(root.cookies.has("csrf"));

  // The fragment of 山东 is cached now; an admin of 北京 still may not read it, nor 山东's own admin 团中央's.
  const bj = await t.adminOf(MINI.beijing, 1);
  const denied = await bj.get(`/tree/${MINI.shandong}`, { hx: true });
  assert.equal(denied.status, 403);
  assert.doesNotMatch(await denied.text(), /团济南市委/);
  await root.get("/tree/1", { hx: true });
  const sd = await t.adminOf(MINI.shandong, 2);
  assert.equal((await sd.get("/tree/1", { hx: true })).status, 403);

  // A session that ended is refused and its cookie dropped, cached fragment or not.
  const sid = root.cookies.get("sid")!;
  assert.equal((await root.post("/logout")).status, 303);
  const gone = t.client();
  gone.cookies.set("sid", sid);
  const after = await gone.get(`/tree/${MINI.shandong}`, { hx: true });
  assert.equal(after.status, 401);
  assert.ok(after.headers.get("HX-Redirect")?.startsWith("/login"));
  assert.match(after.headers.getSetCookie().join("\n"), /^sid=; Max-Age=0/m);
  assert.equal(gone.cookies.has("sid"), false);
});

Deno.test("tree: an org with many children expands 100 at a time; the rest follow by link or page", async () => {
  await using t = await setup();
  const LIXIA = 15;
  await addBranches(t.db, LIXIA, 250);
  const admin = await t.adminOf(MINI.root, 0);
  const items = (html: string) => [...html.matchAll(/<li class="leaf"><a href="\/tree\/(\d+)"/g)].length;

  const first = await (await admin.get(`/tree/${LIXIA}`, { hx: true })).text();
  assert.match(first, /^<ul class="tree">/);
  assert.equal(items(first), 100);
  assert.match(first, /第100团支部/);
  assert.doesNotMatch(first, /第101团支部/);
  assert.match(
    first,
    new RegExp(
      `<li class="more"><a href="/tree/${LIXIA}\\?page=2" hx-get="/tree/${LIXIA}\\?page=2&amp;more=1"`,
    ),
  );
  assert.match(first, /显示后 100 个（还有 150 个）/);

  const second = await (await admin.get(`/tree/${LIXIA}?page=2&more=1`, { hx: true })).text();
  assert.match(second, /^<li/, "just the next items, to replace the link");
  assert.equal(items(second), 100);
  assert.match(second, /显示后 50 个（还有 50 个）/);
  const last = await (await admin.get(`/tree/${LIXIA}?page=3&more=1`, { hx: true })).text();
  assert.equal(items(last), 50);
  assert.doesNotMatch(last, /class="more"/);

  // Without JavaScript: the same link is a full page with a pager.
  const page = await (await admin.get(`/tree/${LIXIA}?page=3`)).text();
  assert.match(page, /^<!DOCTYPE html>/);
  assert.equal(items(page), 50);
  assert.match(page, /第 3 \/ 3 页/);
  assert.match(page, /第250团支部/);
  for (const bad of ["0", "x", "9"]) {
    assert.equal((await admin.get(`/tree/${LIXIA}?page=${bad}`)).status, 200, bad);
  }
});
