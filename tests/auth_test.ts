/** Sign-in, sessions, CSRF, throttling and password reset (SPEC §4). */
import assert from "node:assert/strict";
import { count, eq } from "drizzle-orm";
import { auditLog, sessions } from "../db/schema.ts";
import { commitSequence } from "../db/cache.ts";
import { MINI, PASSWORD, PEOPLE, setup } from "./helpers.ts";

Deno.test("sign-in: cookies are HttpOnly and SameSite; sessions are stored hashed", async () => {
  await using t = await setup();
  await t.adminOf(MINI.shandong, 0);
  const c = t.client();
  const res = await c.login(PEOPLE[0].mobile);
  assert.equal(res.status, 303);
  const cookie = res.headers.getSetCookie().find((s) => s.startsWith("sid="))!;
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Lax/);
  const sid = c.cookies.get("sid")!;
  const rows = await t.db.select().from(sessions);
  assert.ok(rows.length >= 1);
  assert.ok(rows.every((r) => r.id !== sid), "the cookie value itself is not stored");
  const page = await c.get(`/orgs/${MINI.shandong}`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /团山东省委/);
});

Deno.test("sign-in: wrong password and unknown account get one message; the next is kept", async () => {
  await using t = await setup();
  await t.adminOf(MINI.shandong, 0);
  const c = t.client();
  const bad = await c.login(PEOPLE[0].mobile, "nope12345");
  assert.equal(bad.status, 422);
  assert.match(await bad.text(), /手机号码\/身份证号码或密码不正确/);
  const unknown = await c.login("13999999999");
  assert.match(await unknown.text(), /手机号码\/身份证号码或密码不正确/);
  const empty = await c.post("/login", { login: "", password: "" });
  assert.match(await empty.text(), /请输入/);
  const next = await c.post("/login", { login: PEOPLE[0].idNumber, password: PASSWORD, next: "/tree/3" });
  assert.equal(next.headers.get("Location"), "/tree/3");
  const evil = await t.client().post("/login", {
    login: PEOPLE[0].mobile,
    password: PASSWORD,
    next: "//evil.example/",
  });
  assert.notEqual(evil.headers.get("Location"), "//evil.example/");
});

Deno.test("sign-in: failures are throttled per account", async () => {
  await using t = await setup();
  await t.adminOf(MINI.shandong, 0);
  const c = t.client();
  for (let i = 0; i < 5; i++) await (await c.login(PEOPLE[0].mobile, "wrong" + i)).body?.cancel();
  const blocked = await c.login(PEOPLE[0].mobile);
  assert.equal(blocked.status, 429);
  assert.match(await blocked.text(), /登录失败次数过多/);
  // Another account from the same client is still allowed (below the per-client limit).
  await t.adminOf(MINI.beijing, 1);
  assert.equal((await c.login(PEOPLE[1].mobile)).status, 303);
});

Deno.test("CSRF: POSTs without the token or from another origin are refused", async () => {
  await using t = await setup();
  const c = await t.adminOf(MINI.root, 0);
  const noToken = await c.request("/logout", { method: "POST", body: new URLSearchParams({}) });
  assert.equal(noToken.status, 403);
  assert.match(await noToken.text(), /请求已失效/);
  const wrong = await c.request("/logout", {
    method: "POST",
    body: new URLSearchParams({ _csrf: "x".repeat(32) }),
  });
  assert.equal(wrong.status, 403);
  await wrong.body?.cancel();
  const cross = await c.post("/logout", {}, { headers: { Origin: "https://evil.example" } });
  assert.equal(cross.status, 403);
  await cross.body?.cancel();
  const header = await c.request("/logout", {
    method: "POST",
    headers: { "X-CSRF-Token": c.cookies.get("csrf")! },
  });
  assert.equal(header.status, 303, "htmx's header form of the token works");
});

Deno.test("password reset: a same-level or parent admin issues a one-time code", async () => {
  await using t = await setup();
  const parent = await t.adminOf(MINI.root, 0);
  await t.adminOf(MINI.shandong, 1);
  const [{ accountId }] = await t.db.query.orgAdmins.findMany({
    where: (a, { eq }) => eq(a.orgId, MINI.shandong),
  });
  const issued = await parent.post(`/orgs/${MINI.shandong}/admins/${accountId}/reset`);
  assert.equal(issued.status, 200);
  const code = (await issued.text()).match(/<code class="code" translate="no">([^<]+)<\/code>/)![1];
  assert.equal(code.length, 16);

  const user = t.client();
  const mismatch = await user.post("/password/reset", {
    login: PEOPLE[1].mobile,
    code,
    password: "NewPassw0rd",
    password2: "Other0000",
  });
  assert.match(await mismatch.text(), /两次输入的密码不一致/);
  const wrong = await user.post("/password/reset", {
    login: PEOPLE[1].mobile,
    code: "WRONGWRONGWRONG1",
    password: "NewPassw0rd",
    password2: "NewPassw0rd",
  });
  assert.match(await wrong.text(), /重置码不正确/);
  const ok = await user.post("/password/reset", {
    login: PEOPLE[1].mobile,
    code,
    password: "NewPassw0rd",
    password2: "NewPassw0rd",
  });
  assert.equal(ok.status, 200);
  assert.match(await ok.text(), /密码已重置/);
  assert.equal((await user.login(PEOPLE[1].mobile, PASSWORD)).status, 422, "old password no longer works");
  assert.equal((await user.login(PEOPLE[1].mobile, "NewPassw0rd")).status, 303);
  const reuse = await t.client().post("/password/reset", {
    login: PEOPLE[1].mobile,
    code,
    password: "Another0pw",
    password2: "Another0pw",
  });
  assert.match(await reuse.text(), /重置码不正确、已使用或已过期/);
  const [{ n }] = await t.db.select({ n: count() }).from(auditLog).where(
    eq(auditLog.action, "password.reset"),
  );
  assert.equal(n, 1);
  // Nobody issues a reset code for themselves.
  const self = await t.adminOf(MINI.beijing, 2);
  const [{ accountId: me }] = await t.db.query.orgAdmins.findMany({
    where: (a, { eq }) => eq(a.orgId, MINI.beijing),
  });
  assert.equal((await self.post(`/orgs/${MINI.beijing}/admins/${me}/reset`)).status, 403);
});

Deno.test("batch codes: an .xlsx with every direct child's code; a second run reuses valid codes", async () => {
  await using t = await setup();
  const c = await t.adminOf(MINI.shandong, 0);
  const res = await c.post(`/orgs/${MINI.shandong}/codes.xlsx`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("Content-Type")!, /spreadsheetml/);
  assert.match(res.headers.get("Content-Disposition")!, /filename\*=UTF-8''/);
  const ExcelJS = (await import("exceljs")).default;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  const ws = wb.worksheets[0];
  assert.deepEqual((ws.getRow(1).values as string[]).slice(1), [
    "序号",
    "组织简称",
    "组织全称",
    "管理员注册码",
    "有效期至（北京时间）",
    "发到微信群的文字",
  ]);
  assert.equal(ws.rowCount, 3, "团济南市委 and 团青岛市委");
  const first = String(ws.getRow(2).getCell(4).value);
  assert.match(first, /^[2-9A-HJ-NP-Za-km-z]{8}$/);
  const again = await c.post(`/orgs/${MINI.shandong}/codes.xlsx`);
  const wb2 = new ExcelJS.Workbook();
  await wb2.xlsx.load(await again.arrayBuffer());
  assert.equal(
    String(wb2.worksheets[0].getRow(2).getCell(4).value),
    first,
    "valid unused codes are not replaced",
  );

  const popup = await c.post(`/orgs/${MINI.shandong}/children/11/code`, {}, { hx: true });
  const html = await popup.text();
  assert.match(html, new RegExp(first));
  assert.match(html, /有效期至/);
  assert.doesNotMatch(html, /<html/);
  // Showing a valid code again commits nothing (no write transaction at all).
  const before = commitSequence();
  const plain = await c.post(`/orgs/${MINI.shandong}/children/11/code`);
  assert.equal(commitSequence(), before);
  assert.equal(plain.status, 303);
  assert.equal(plain.headers.get("Location"), `/orgs/${MINI.shandong}/children/11/code`);
  assert.match(await (await c.get(plain.headers.get("Location")!)).text(), new RegExp(first));
  // A grandchild is not a direct child.
  assert.equal((await c.post(`/orgs/${MINI.shandong}/children/13/code`)).status, 403);
});
