/** Security and reliability (issue 11): each test failed before the fix it names. */
import assert from "node:assert/strict";
import { count, eq } from "drizzle-orm";
import { createApp } from "../app.ts";
import { addAdmin } from "../db/accounts.ts";
import { writeTx } from "../db/client.ts";
import { issueCodes } from "../db/codes.ts";
import { saveImport } from "../db/imports.ts";
import { accounts, imports, orgs, sessions, throttles } from "../db/schema.ts";
import type { CheckedRow } from "../lib/import_rows.ts";
import { readChildRows } from "../lib/import_xlsx.ts";
import { safeNext } from "../lib/next.ts";
import { checkZip } from "../lib/zip_limits.ts";
import { Client, idNumberFor, makeAdmin, MINI, PASSWORD, PEOPLE, setup } from "./helpers.ts";
import { branchRows, manyRows, uploadForm, xlsxFile, zipBomb } from "./import_files.ts";

const JINAN = 11;

type T = Awaited<ReturnType<typeof setup>>;

async function codeFor(t: T, orgId: number) {
  const [c] = await writeTx(t.db, (tx) => issueCodes(tx, [orgId], { accountId: null }, new Date()));
  return c.code;
}

const existingStep = (org: number, code: string, login: string, password: string) => ({
  org: String(org),
  position: "书记",
  code,
  existing: "1",
  login,
  password,
});

async function orgNamed(t: T, name: string) {
  const [o] = await t.db.select().from(orgs).where(eq(orgs.shortName, name));
  return o;
}

// 1, 4: registration's existing-account step is the sign-in check, throttled per account, atomically.
Deno.test("1/4: password guessing through registration is throttled; 30 parallel guesses check only 5", async () => {
  await using t = await setup();
  await makeAdmin(t.db, MINI.shandong, PEOPLE[0]);
  const code = await codeFor(t, MINI.beijing);
  const guesses = await Promise.all(Array.from({ length: 30 }, async (_, i) => {
    const attacker = t.client(); // a new browser each time: only the per-account budget is left
    const res = await attacker.post(
      "/register",
      existingStep(MINI.beijing, code, PEOPLE[0].idNumber, `wrong${i}x`),
    );
    await res.body?.cancel();
    return res.status;
  }));
  assert.equal(guesses.filter((s) => s === 422).length, 5, "five passwords checked");
  assert.equal(guesses.filter((s) => s === 429).length, 25);
  // The right password is not let through while the account is slowed down, by registration or sign-in.
  const right = await t.client().post(
    "/register",
    existingStep(MINI.beijing, code, PEOPLE[0].idNumber, PASSWORD),
  );
  assert.equal(right.status, 429);
  assert.equal((await t.client().login(PEOPLE[0].mobile)).status, 429, "mobile and ID share one budget");
  const [{ n }] = await t.db.select({ n: count() }).from(sessions);
  assert.equal(n, 0);
});

Deno.test("4: an account is slowed, not locked: a minute after five failures its owner signs in", async () => {
  let clock = Date.parse("2026-12-01T02:00:00Z");
  await using t = await setup({ now: () => new Date(clock) });
  await makeAdmin(t.db, MINI.shandong, PEOPLE[0]);
  const attacker = t.client();
  for (let i = 0; i < 3; i++) await (await attacker.login(PEOPLE[0].mobile, `bad${i}xxxx`)).body?.cancel();
  for (let i = 0; i < 2; i++) await (await attacker.login(PEOPLE[0].idNumber, `bad${i}yyyy`)).body?.cancel();
  const owner = t.client();
  assert.equal((await owner.login(PEOPLE[0].mobile)).status, 429);
  clock += 61_000;
  assert.equal((await owner.login(PEOPLE[0].mobile)).status, 303);
});

Deno.test("4: behind one NAT address, one client's failures never refuse another client's right password", async () => {
  await using t = await setup();
  await makeAdmin(t.db, MINI.shandong, PEOPLE[0]);
  await makeAdmin(t.db, MINI.beijing, PEOPLE[1]);
  const typist = t.client();
  for (let i = 0; i < 25; i++) {
    await (await typist.login(`1390000${String(i).padStart(4, "0")}`, "wrong1234")).body?.cancel();
  }
  assert.equal((await typist.login(PEOPLE[1].mobile)).status, 429, "the typist's own client is limited");
  const neighbour = t.client(); // same address ("local" in-process), another browser
  assert.equal((await neighbour.login(PEOPLE[0].mobile)).status, 303);
});

Deno.test("4: budgets live in the database: another instance on the same database sees them", async () => {
  await using t = await setup();
  await makeAdmin(t.db, MINI.shandong, PEOPLE[0]);
  for (let i = 0; i < 5; i++) await (await t.client().login(PEOPLE[0].mobile, `wrong${i}abc`)).body?.cancel();
  const other = new Client(createApp({ db: t.db, sheets: t.sheets }));
  assert.equal((await other.login(PEOPLE[0].mobile)).status, 429);
  const [{ n }] = await t.db.select({ n: count() }).from(throttles);
  assert.ok(n >= 1);
});

Deno.test("4: the forwarded address counts only from a trusted proxy", async () => {
  await using t = await setup();
  const trusting = new Client(createApp({ db: t.db, sheets: t.sheets, trustProxy: ["local"] }));
  const plain = new Client(createApp({ db: t.db, sheets: t.sheets }));
  const guess = (c: Client, ip: string) =>
    c.post("/register/code", { org: String(MINI.beijing), position: "书记", code: "WRONGAAA" }, {
      headers: { "X-Forwarded-For": ip },
    });
  for (const c of [trusting, plain]) {
    for (let i = 0; i < 10; i++) await (await guess(c, "10.0.0.1")).body?.cancel();
    assert.equal((await guess(c, "10.0.0.1")).status, 429);
  }
  assert.equal((await guess(trusting, "10.0.0.2")).status, 422, "behind the proxy: another client");
  assert.equal((await guess(plain, "10.0.0.2")).status, 429, "a forged header from anyone else is ignored");
});

Deno.test("4: losers of a registration race (a used code) are not counted as code guesses", async () => {
  await using t = await setup();
  const code = await codeFor(t, MINI.beijing);
  await makeAdmin(t.db, MINI.shandong, PEOPLE[0]);
  const winner = t.client();
  const ok = await winner.post("/register", existingStep(MINI.beijing, code, PEOPLE[0].mobile, PASSWORD));
  assert.equal(ok.status, 303);
  const loser = t.client();
  for (let i = 0; i < 15; i++) {
    const res = await loser.post("/register/code", { org: String(MINI.beijing), position: "书记", code });
    assert.equal(res.status, 422);
    assert.match(await res.text(), /已被使用/);
  }
});

// 2: spreadsheets stop at the limits while inflating; nothing is stored.
Deno.test("2: a zip bomb, a million rows and an over-long cell are refused with a message", async () => {
  const bomb = zipBomb(100);
  assert.ok(bomb.length < 150_000);
  const checked = checkZip(bomb);
  assert.equal(checked.ok, false);
  assert.equal(checked.kind, "too-big");
  assert.equal(checkZip(manyRows(200_000)).kind, "rows");
  assert.equal(checkZip(manyRows(1_000_000)).ok, false);
  const long = await readChildRows(await xlsxFile([["团".repeat(300) + "团支部", "团支部", "", ""]]));
  assert.match(!long.ok ? long.error : "", /A2 的内容超过 200 个字符/);
  const fine = checkZip(await xlsxFile(branchRows(10_000)));
  assert.equal(fine.ok, true);
});

Deno.test("2: bombs uploaded over HTTP are refused, nothing is stored, the server keeps answering", async () => {
  await using t = await setup();
  const admin = await t.adminOf(JINAN, 0);
  const cases: [Uint8Array<ArrayBuffer>, RegExp][] = [
    [zipBomb(100), /解压后超过 32 MB/],
    [manyRows(200_000), /超过每个文件 10,000 行的上限/],
    [manyRows(1_000_000), /解压后超过/],
  ];
  for (const [bytes, message] of cases) {
    const res = await admin.post(`/orgs/${JINAN}/import`, uploadForm(bytes));
    assert.equal(res.status, 422);
    assert.match(await res.text(), message);
  }
  const [{ n }] = await t.db.select({ n: count() }).from(imports);
  assert.equal(n, 0);
  assert.equal((await admin.get(`/orgs/${JINAN}`)).status, 200);
});

Deno.test("2: a stored batch is bounded in size", async () => {
  await using t = await setup();
  const row = (i: number): CheckedRow => ({
    row: i,
    shortName: "团".repeat(200),
    category: "团支部",
    fullName: "团".repeat(200),
    sortOrder: "",
    status: "error",
    problems: [{ column: "shortName", message: "团".repeat(200) }],
  } as unknown as CheckedRow);
  const huge = Array.from({ length: 10_000 }, (_, i) => row(i + 2));
  assert.equal(await saveImport(t.db, JINAN, 1, huge, new Date()), null);
  assert.notEqual(await saveImport(t.db, JINAN, 1, huge.slice(0, 100), new Date()), null);
});

// 3: one body limit for everything but the upload, enforced while reading.
Deno.test("3: a large anonymous body is refused while it is read, with or without Content-Length", async () => {
  await using t = await setup();
  const c = t.client();
  const big = await c.request("/register", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: "a=" + "x".repeat(1024 * 1024),
  });
  assert.equal(big.status, 413);
  assert.match(await big.text(), /64 KB/);
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(ctl) {
      if (sent > 50 * 1024 * 1024) return ctl.close();
      sent += 65536;
      ctl.enqueue(new Uint8Array(65536).fill(0x61));
    },
  });
  const chunked = await c.request("/login", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: stream,
    // @ts-ignore: Deno's fetch wants duplex for a streamed body
    duplex: "half",
  });
  assert.equal(chunked.status, 413);
  await chunked.body?.cancel();
  assert.ok(sent < 1024 * 1024, `stopped reading after ${sent} bytes`);
  const admin = await t.adminOf(JINAN, 0);
  const upload = await admin.post(`/orgs/${JINAN}/import`, uploadForm(await xlsxFile(branchRows(3000))));
  assert.equal(upload.status, 303, "the upload route has its own, larger limit");
});

// 5: the reset rule.
Deno.test("5: a reset code never reaches orgs outside the issuer's subtree (the cross-province case)", async () => {
  await using t = await setup();
  const dongcheng = await orgNamed(t, "团东城区委");
  const shandongAdmin = await t.adminOf(MINI.shandong, 0);
  const both = await makeAdmin(t.db, JINAN, { idNumber: PEOPLE[1].idNumber, mobile: PEOPLE[1].mobile });
  await writeTx(t.db, (tx) => addAdmin(tx, both, dongcheng.id, "书记", null, new Date()));
  const refused = await shandongAdmin.post(`/orgs/${JINAN}/admins/${both}/reset`);
  assert.equal(refused.status, 403);
  assert.match(await refused.text(), /团东城区委/);
  // A code issued while the account was only Jinan's is refused once it also administers Dongcheng.
  const only = await makeAdmin(t.db, JINAN, { idNumber: PEOPLE[3].idNumber, mobile: PEOPLE[3].mobile });
  const issued = await shandongAdmin.post(`/orgs/${JINAN}/admins/${only}/reset`);
  assert.equal(issued.status, 200);
  const code = (await issued.text()).match(/<code class="code" translate="no">([^<]+)<\/code>/)![1];
  await writeTx(t.db, (tx) => addAdmin(tx, only, dongcheng.id, "书记", null, new Date()));
  const use = await t.client().post("/password/reset", {
    login: PEOPLE[3].mobile,
    code,
    password: "Taken0ver1",
    password2: "Taken0ver1",
  });
  assert.equal(use.status, 403);
  assert.match(await use.text(), /团东城区委/);
  assert.equal((await t.client().login(PEOPLE[3].mobile, "Taken0ver1")).status, 422, "password unchanged");
  assert.equal((await t.client().login(PEOPLE[3].mobile, PASSWORD)).status, 303);
});

// 6: open redirect.
Deno.test("6: next after sign-in stays on this site", async () => {
  for (
    const evil of [
      "/\\evil.example/",
      "/\t/evil.example/",
      "//evil.example",
      "/\\/evil.example",
      "https://e.x/",
    ]
  ) {
    assert.equal(safeNext(evil), undefined, JSON.stringify(evil));
  }
  assert.equal(safeNext("/orgs/3?x=1#a"), "/orgs/3?x=1#a");
  await using t = await setup();
  await makeAdmin(t.db, MINI.shandong, PEOPLE[0]);
  for (const next of ["/\\evil.example/", "/\t/evil.example/"]) {
    const res = await t.client().post("/login", { login: PEOPLE[0].mobile, password: PASSWORD, next });
    assert.equal(res.status, 303);
    const to = new URL(res.headers.get("Location")!, "http://app.test");
    assert.equal(to.host, "app.test", next);
  }
});

// 8: enumeration.
Deno.test("8: registration answers alike for a taken ID number and a taken mobile; sign-in alike for unknown", async () => {
  await using t = await setup();
  await makeAdmin(t.db, MINI.shandong, PEOPLE[0]);
  const code = await codeFor(t, MINI.beijing);
  const person = (p: { idNumber: string; mobile: string }) => ({
    org: String(MINI.beijing),
    position: "书记",
    code,
    name: "李四",
    joined: "2010-05",
    password: PASSWORD,
    password2: PASSWORD,
    ...p,
  });
  const c = t.client();
  const texts = [];
  for (
    const p of [{ ...PEOPLE[0], mobile: "13700000009" }, {
      idNumber: idNumberFor(7),
      mobile: PEOPLE[0].mobile,
    }]
  ) {
    const res = await c.post("/register", person(p));
    assert.equal(res.status, 422);
    texts.push((await res.text()).match(/<div class="errors"[^]*?<\/div>/)?.[0] ?? "");
  }
  assert.match(texts[0], /该身份证号码或手机号码已用于其他账号/);
  assert.equal(texts[0], texts[1]);
  // Unknown and known logins: the same answer, and the same budget (both are hashed and throttled).
  const unknown = t.client(), known = t.client();
  for (let i = 0; i < 5; i++) {
    const a = await unknown.login("13999999999", "wrong1234");
    const b = await known.login(PEOPLE[0].mobile, "wrong1234");
    assert.equal(a.status, b.status);
    const box = async (r: Response) => (await r.text()).match(/<div class="errors"[^]*?<\/div>/)?.[0];
    assert.equal(await box(a), await box(b));
  }
  assert.equal((await unknown.login("13999999999", "wrong1234")).status, 429);
  assert.equal((await known.login(PEOPLE[0].mobile, "wrong1234")).status, 429);
  const [{ n }] = await t.db.select({ n: count() }).from(accounts);
  assert.equal(n, 1);
});

// 9: hardening.
Deno.test("9: a Content-Security-Policy without inline script; HSTS only behind HTTPS", async () => {
  await using t = await setup();
  const admin = await t.adminOf(JINAN, 0);
  for (
    const path of ["/login", "/register", `/orgs/${JINAN}`, `/orgs/${JINAN}/import`, `/orgs/${JINAN}/info`]
  ) {
    const res = await (path.startsWith("/orgs") ? admin : t.client()).get(path);
    const csp = res.headers.get("Content-Security-Policy") ?? "";
    assert.match(csp, /script-src 'self'(;|$)/, path);
    assert.match(csp, /frame-ancestors 'none'/);
    const html = await res.text();
    assert.doesNotMatch(html, /<script(?![^>]*\ssrc=)[^>]*>/, `${path}: inline script`);
    assert.doesNotMatch(html, /\s(on[a-z]+|hx-on[:-][^=]*)=/i, `${path}: inline handler`);
    assert.equal(res.headers.get("Strict-Transport-Security"), null);
  }
  const secure = createApp({ db: t.db, sheets: t.sheets, secureCookies: true });
  assert.match(
    (await secure.request("/login")).headers.get("Strict-Transport-Security") ?? "",
    /max-age=31536000/,
  );
});

Deno.test("9: sessions end after 2 hours idle, even within the 7 days", async () => {
  let clock = Date.parse("2026-12-01T02:00:00Z");
  await using t = await setup({ now: () => new Date(clock) });
  await makeAdmin(t.db, MINI.shandong, PEOPLE[0]);
  const c = t.client();
  assert.equal((await c.login(PEOPLE[0].mobile)).status, 303);
  for (let i = 0; i < 3; i++) {
    clock += 100 * 60_000; // 1 h 40 min between requests: still signed in
    assert.equal((await c.get(`/orgs/${MINI.shandong}`)).status, 200, `request ${i}`);
  }
  clock += 2 * 3600_000 + 1000;
  const idle = await c.get(`/orgs/${MINI.shandong}`);
  assert.equal(idle.status, 303);
  assert.match(idle.headers.get("Location") ?? "", /^\/login/);
});

Deno.test("9: the CSRF token is renewed at sign-in and bound to the session; a second sign-in ends the first", async () => {
  await using t = await setup();
  await makeAdmin(t.db, MINI.shandong, PEOPLE[0]);
  await makeAdmin(t.db, MINI.beijing, PEOPLE[1]);
  const c = t.client();
  await c.get("/login");
  const before = c.cookies.get("csrf")!;
  assert.equal((await c.login(PEOPLE[0].mobile)).status, 303);
  const after = c.cookies.get("csrf")!;
  assert.notEqual(after, before);
  const [row] = await t.db.select().from(sessions);
  assert.equal(row.csrf, after);
  // The token from before sign-in (which a page could have planted) no longer works.
  const old = await c.request("/logout", { method: "POST", body: new URLSearchParams({ _csrf: before }) });
  assert.equal(old.status, 403);
  await old.body?.cancel();
  // Another browser's valid token does not work for this session.
  const other = t.client();
  await other.get("/login");
  const foreign = await c.request("/logout", {
    method: "POST",
    body: new URLSearchParams({ _csrf: other.cookies.get("csrf")! }),
  });
  assert.equal(foreign.status, 403);
  await foreign.body?.cancel();
  // Signing in again in the same browser (as someone else) ends the first session.
  assert.equal((await c.login(PEOPLE[1].mobile)).status, 303);
  const left = await t.db.select().from(sessions);
  assert.equal(left.length, 1);
  assert.notEqual(left[0].accountId, row.accountId);
});
