/** Registration codes and stepwise admin registration (SPEC §3, §4). */
import assert from "node:assert/strict";
import { count, eq } from "drizzle-orm";
import { accounts, orgAdmins, orgs, regCodes } from "../db/schema.ts";
import { writeTx } from "../db/client.ts";
import { issueCodes } from "../db/codes.ts";
import { CODE_ALPHABET } from "../lib/codes.ts";
import { addBranches, type Client, MINI, PASSWORD, setup, withCheckDigit } from "./helpers.ts";
import { verifyCounters } from "../db/recount.ts";

const PERSON = {
  name: "张三",
  idNumber: "440308199901101512",
  mobile: "13912345678",
  joined: "2013-05",
};

async function codeFor(
  t: Awaited<ReturnType<typeof setup>>,
  orgId: number,
  now = new Date(),
) {
  const [c] = await writeTx(
    t.db,
    (tx) => issueCodes(tx, [orgId], { accountId: null }, now),
  );
  return c.code;
}

/** Runs the whole wizard; returns the last response. */
async function register(
  client: Client,
  orgId: number,
  code: string,
  person: Record<string, string> = PERSON,
) {
  const pos = await client.get(
    `/register/code?org=${orgId}&position=${encodeURIComponent("书记")}`,
  );
  assert.equal(pos.status, 200);
  const step2 = await client.post("/register/code", {
    org: String(orgId),
    position: "书记",
    code,
  });
  if (step2.status !== 200) return step2;
  return client.post("/register", {
    org: String(orgId),
    position: "书记",
    code,
    ...person,
    password: PASSWORD,
    password2: PASSWORD,
  });
}

Deno.test("registration: the whole flow signs the admin in and leads to the info form", async () => {
  await using t = await setup();
  const code = await codeFor(t, MINI.shandong);
  const c = t.client();

  const step1 = await c.get("/register?q=山东");
  assert.match(await step1.text(), /团山东省委/);
  const start = await c.get(`/register/start?org=${MINI.shandong}`);
  const startHtml = await start.text();
  assert.match(startHtml, /团内职务/);
  assert.match(
    startHtml,
    /候补委员/,
    "leading bodies get the leading positions",
  );

  const step2 = await c.post("/register/code", {
    org: String(MINI.shandong),
    position: "书记",
    code,
  });
  assert.equal(step2.status, 200);
  assert.match(await step2.text(), /填写个人信息/);

  const done = await register(c, MINI.shandong, code);
  assert.equal(done.status, 303);
  assert.equal(
    done.headers.get("Location"),
    `/orgs/${MINI.shandong}/info?welcome=1`,
  );
  assert.ok(c.cookies.has("sid"));
  const [acct] = await t.db.select().from(accounts).where(
    eq(accounts.idNumber, PERSON.idNumber),
  );
  assert.equal(acct.name, "张三");
  assert.notEqual(acct.passwordHash, PASSWORD);
  assert.match(acct.passwordHash, /^scrypt\$/);
  const [org] = await t.db.select().from(orgs).where(
    eq(orgs.id, MINI.shandong),
  );
  assert.equal(org.adminCount, 1);
  assert.deepEqual(await verifyCounters(t.db), []);

  const [used] = await t.db.select().from(regCodes).where(
    eq(regCodes.code, code),
  );
  assert.equal(used.usedBy, acct.id);

  // Signing out and in again with the mobile number and with the ID number.
  const out = await c.post("/logout");
  assert.equal(out.status, 303);
  assert.ok(!c.cookies.has("sid"));
  assert.equal((await c.login(PERSON.mobile)).status, 303);
  await c.post("/logout");
  assert.equal((await c.login(PERSON.idNumber)).status, 303);
});

Deno.test("registration: wrong, used, expired and other-org codes each get their own message", async () => {
  await using t = await setup();
  const now = new Date();
  const c = t.client();
  const step2 = (code: string) =>
    c.post("/register/code", {
      org: String(MINI.shandong),
      position: "书记",
      code,
    });

  const wrong = await step2("AAAAAAAA");
  assert.equal(wrong.status, 422);
  assert.match(await wrong.text(), /注册码不正确/);

  const expired = await codeFor(
    t,
    MINI.shandong,
    new Date(now.getTime() - 21 * 86400_000),
  );
  const exp = await step2(expired);
  assert.equal(exp.status, 422);
  const expHtml = await exp.text();
  assert.match(expHtml, /注册码已过期/);
  assert.match(expHtml, /联系上级团组织管理员/);

  const other = await codeFor(t, MINI.beijing);
  assert.match(await (await step2(other)).text(), /注册码与所选组织不匹配/);

  const good = await codeFor(t, MINI.shandong);
  assert.equal((await register(c, MINI.shandong, good)).status, 303);
  const again = await register(t.client(), MINI.shandong, good, {
    ...PERSON,
    idNumber: "110101199003078670",
    mobile: "13700000000",
  });
  assert.equal(again.status, 422);
  assert.match(await again.text(), /注册码已被使用/);

  // Codes are case-sensitive.
  const fresh = await codeFor(t, MINI.shandong);
  const flipped = fresh.replace(/[a-z]/, (ch) => ch.toUpperCase()) === fresh
    ? fresh.replace(/[A-Z]/, (ch) => ch.toLowerCase())
    : fresh.replace(/[a-z]/, (ch) => ch.toUpperCase());
  if (flipped !== fresh) {
    assert.match(await (await step2(flipped)).text(), /注册码不正确/);
  }
});

Deno.test("registration: code guessing is throttled per client", async () => {
  await using t = await setup();
  const c = t.client();
  for (let i = 0; i < 10; i++) {
    const r = await c.post("/register/code", {
      org: String(MINI.shandong),
      position: "书记",
      code: "BBBBBBBB",
    });
    assert.equal(r.status, 422);
    await r.body?.cancel();
  }
  const code = await codeFor(t, MINI.shandong);
  const blocked = await c.post("/register/code", {
    org: String(MINI.shandong),
    position: "书记",
    code,
  });
  assert.equal(blocked.status, 429);
  assert.match(await blocked.text(), /次数过多/);
});

Deno.test("registration: many concurrent registrations with one code, exactly one succeeds", async () => {
  await using t = await setup();
  const code = await codeFor(t, MINI.shandong);
  const people = Array.from({ length: 12 }, (_, i) => {
    return {
      name: "并发",
      idNumber: withCheckDigit(`11010119900101${String(100 + i)}`),
      mobile: `1350000${String(1000 + i)}`,
      joined: "2008-01",
    };
  });
  const clients = people.map(() => t.client());
  for (const c of clients) await c.get("/login");
  const results = await Promise.all(
    clients.map((c, i) =>
      c.post("/register", {
        org: String(MINI.shandong),
        position: "书记",
        code,
        ...people[i],
        password: PASSWORD,
        password2: PASSWORD,
      })
    ),
  );
  const statuses = results.map((r) => r.status);
  assert.equal(
    statuses.filter((s) => s === 303).length,
    1,
    `statuses: ${statuses}`,
  );
  for (const r of results.filter((r) => r.status !== 303)) {
    assert.match(await r.text(), /注册码已被使用/);
  }
  const [{ n: admins }] = await t.db.select({ n: count() }).from(orgAdmins)
    .where(eq(orgAdmins.orgId, MINI.shandong));
  assert.equal(admins, 1);
  const [{ n: accts }] = await t.db.select({ n: count() }).from(accounts);
  assert.equal(accts, 1, "nothing half-written: losers left no account behind");
  assert.deepEqual(await verifyCounters(t.db), []);
});

Deno.test("registration: personal info is validated with clear messages", async () => {
  await using t = await setup();
  const code = await codeFor(t, MINI.shandong);
  const c = t.client();
  const cases: [Record<string, string>, RegExp][] = [
    [{ idNumber: "440308199901101513" }, /校验/],
    [{ idNumber: "440308199902301512" }, /日期/],
    [{ mobile: "12345678901" }, /手机号码/],
    [{ joined: "2010-05" }, /年满13周岁/],
    [{ joined: "2099-01" }, /将来|未来|晚于/],
    [{ name: "张" }, /姓名/],
  ];
  for (const [patch, message] of cases) {
    const r = await register(c, MINI.shandong, code, { ...PERSON, ...patch });
    assert.equal(r.status, 422, JSON.stringify(patch));
    assert.match(await r.text(), message);
  }
  const mismatch = await c.post("/register", {
    org: String(MINI.shandong),
    position: "书记",
    code,
    ...PERSON,
    password: PASSWORD,
    password2: PASSWORD + "x",
  });
  assert.match(await mismatch.text(), /两次输入的密码不一致/);
  const [{ n }] = await t.db.select({ n: count() }).from(accounts);
  assert.equal(n, 0);
});

Deno.test("registration: a second code adds the org to the same account after the password", async () => {
  await using t = await setup();
  const c = t.client();
  assert.equal(
    (await register(c, MINI.shandong, await codeFor(t, MINI.shandong))).status,
    303,
  );
  const c2 = t.client();
  const code = await codeFor(t, MINI.beijing);
  const first = await register(c2, MINI.beijing, code);
  assert.equal(first.status, 422);
  assert.match(await first.text(), /该身份证号码或手机号码已用于其他账号/);
  const base = {
    org: String(MINI.beijing),
    position: "书记",
    code,
    idNumber: PERSON.idNumber,
    existing: "1",
  };
  const bad = await c2.post("/register", { ...base, password: "wrong1234" });
  assert.match(await bad.text(), /身份证号码\/手机号码或密码不正确/);
  const ok = await c2.post("/register", { ...base, password: PASSWORD });
  assert.equal(ok.status, 303);
  const [{ n }] = await t.db.select({ n: count() }).from(accounts);
  assert.equal(n, 1);
  const switcher = await c2.get("/account/switch");
  const html = await switcher.text();
  assert.match(html, /团山东省委/);
  assert.match(html, /团北京市委/);
  const sw = await c2.post("/account/switch", { orgId: String(MINI.shandong) });
  assert.equal(sw.status, 303);
  assert.equal((await c2.get(`/tree/${MINI.shandong}`)).status, 200);
  assert.equal((await c2.post("/account/switch", { orgId: "1" })).status, 403);
});

Deno.test("codes: alphabet has no confusable characters", () => {
  for (const ch of "0Oo1lI") assert.ok(!CODE_ALPHABET.includes(ch), ch);
});

Deno.test("registration: choosing the org in the tree, 100 names at a time, for anyone", async () => {
  await using t = await setup();
  const LIXIA = 15;
  await addBranches(t.db, LIXIA, 150);
  const anon = t.client();
  const top = await (await anon.get(`/register/orgs/${MINI.root}`, { hx: true })).text();
  assert.match(top, /^<ul class="tree pick">/);
  assert.match(top, /团北京市委/);
  assert.match(top, /hx-get="\/register\/orgs\/3"/);
  assert.doesNotMatch(top, /class="more"/);
  const first = await (await anon.get(`/register/orgs/${LIXIA}`, { hx: true })).text();
  assert.equal([...first.matchAll(/register\/start\?org=/g)].length, 100);
  assert.match(first, /显示后 50 个（还有 50 个）/);
  const rest = await (await anon.get(`/register/orgs/${LIXIA}?page=2&more=1`, { hx: true })).text();
  assert.match(rest, /^<li>/);
  assert.equal([...rest.matchAll(/register\/start\?org=/g)].length, 50);
  assert.match(rest, /第150团支部/);
  // Without JavaScript the link opens that page whole; bad ids and pages are handled.
  const page = await anon.get(`/register/orgs/${LIXIA}?page=2`);
  assert.match(await page.text(), /<!DOCTYPE html>[^]*第150团支部/);
  assert.equal((await anon.get(`/register/orgs/${LIXIA}?page=x`)).status, 200);
  const missing = await anon.get("/register/orgs/999999");
  assert.equal(missing.status, 404);
  assert.match(await missing.text(), /组织不存在/);
});
