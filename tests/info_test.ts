/** Own org info (SPEC §2.4): required sets, field errors, saving partial info, confirmation lock. */
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { auditLog, orgs } from "../db/schema.ts";
import { getOrg } from "../db/orgs.ts";
import { verifyCounters } from "../db/recount.ts";
import { fieldValue, MINI, setup, textOf } from "./helpers.ts";

const LEADING_INFO = {
  fullName: "中国共产主义青年团山东省委员会",
  phone: "0531-86012345",
  email: "tsw@sd.example.cn",
  adminQuota: "20",
  adminActual: "18",
  instQuota: "5",
  instActual: "7",
  secretaryName: "王五",
  secretaryIdNumber: "44011320141005001x",
  secretaryMobile: "13812345678",
};

Deno.test("info: the form shows the leading set with red stars and personal data unmasked to the owner", async () => {
  await using t = await setup();
  const c = await t.adminOf(MINI.shandong, 0);
  const res = await c.get(`/orgs/${MINI.shandong}/info?welcome=1`);
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /注册成功/);
  for (
    const label of [
      "团组织联系电话",
      "团组织电子邮箱",
      "本级团组织行政编制数",
      "事业编制实际配备数",
      "书记身份证号码",
    ]
  ) {
    assert.match(html, new RegExp(`<span class="req" aria-hidden="true">\\*</span>${label}`), label);
  }
  assert.doesNotMatch(
    html,
    /<span class="req" aria-hidden="true">\*<\/span>单位所属行业类别/,
    "no industry star for leading bodies",
  );
});

Deno.test("info: malformed fields are sent back with messages and nothing is saved", async () => {
  await using t = await setup();
  const c = await t.adminOf(MINI.shandong, 0);
  const bad = await c.post(`/orgs/${MINI.shandong}/info`, {
    ...LEADING_INFO,
    adminQuota: "-1",
    email: "nope",
    secretaryIdNumber: "440308199901101513",
    secretaryMobile: "1234",
    phone: "12",
  });
  assert.equal(bad.status, 422);
  const html = await bad.text();
  assert.match(html, /本级团组织行政编制数应为 0 或正整数/);
  assert.match(html, /电子邮箱格式不正确/);
  assert.match(html, /书记身份证号码校验位不正确/);
  assert.match(html, /书记手机号码应为 11 位数字/);
  assert.match(html, /联系电话应为/);
  assert.equal(fieldValue(html, "email"), "nope", "what was typed is kept");
  const org = (await getOrg(t.db, MINI.shandong))!;
  assert.equal(org.email, null);
  // The same with htmx: the form fragment comes back in place.
  const hx = await c.post(`/orgs/${MINI.shandong}/info`, { ...LEADING_INFO, email: "nope" }, { hx: true });
  assert.equal(hx.status, 422);
  const frag = await hx.text();
  assert.doesNotMatch(frag, /<html/);
  assert.match(frag, /id="info-form"/);
});

Deno.test("info: partial info is saved and reported missing; complete info is counted and can be confirmed", async () => {
  await using t = await setup();
  const c = await t.adminOf(MINI.shandong, 0);
  const rootBefore = (await getOrg(t.db, MINI.root))!;
  const partial = await c.post(`/orgs/${MINI.shandong}/info`, { phone: "0531-86012345" });
  assert.equal(partial.status, 303);
  assert.equal(partial.headers.get("Location"), `/orgs/${MINI.shandong}/info?saved=1#info-result`);
  const shown = await (await c.get(partial.headers.get("Location")!)).text();
  assert.match(shown, /还有 \d+ 项必填信息未填写/);
  assert.equal((await getOrg(t.db, MINI.shandong))!.phone, "0531-86012345");
  assert.equal((await getOrg(t.db, MINI.shandong))!.infoComplete, 0);

  const confirmEarly = await c.post(`/orgs/${MINI.shandong}/info/confirm`);
  assert.equal(confirmEarly.status, 409);
  await confirmEarly.body?.cancel();

  const full = await c.post(`/orgs/${MINI.shandong}/info`, LEADING_INFO, { hx: true });
  assert.equal(full.status, 200);
  const html = await full.text();
  assert.match(html, /事业编制实际配备数（7）大于本级团组织事业编制数（5）/, "warned, not refused");
  assert.match(html, /请核对后点击“确认信息”/);
  const org = (await getOrg(t.db, MINI.shandong))!;
  assert.equal(org.infoComplete, 1);
  assert.equal(org.secretaryIdNumber, "44011320141005001X", "x normalised");
  assert.equal((await getOrg(t.db, MINI.root))!.subComplete, rootBefore.subComplete + 1);
  assert.deepEqual(await verifyCounters(t.db), []);

  const confirm = await c.post(`/orgs/${MINI.shandong}/info/confirm`);
  assert.equal(confirm.status, 303);
  assert.ok((await getOrg(t.db, MINI.shandong))!.confirmedAt);
  // Locked: 全称 can no longer be changed by the org's own admin.
  await c.post(`/orgs/${MINI.shandong}/info`, { ...LEADING_INFO, fullName: "中国共产主义青年团别的委员会" });
  assert.equal((await getOrg(t.db, MINI.shandong))!.fullName, LEADING_INFO.fullName);
  const form = await (await c.get(`/orgs/${MINI.shandong}/info`)).text();
  assert.match(form, /信息已确认，不可修改/);
  const actions = (await t.db.select().from(auditLog).where(eq(auditLog.orgId, MINI.shandong))).map((a) =>
    a.action
  );
  assert.ok(actions.includes("org.info") && actions.includes("org.confirmed"));
  const detail = JSON.stringify(
    (await t.db.select().from(auditLog).where(eq(auditLog.action, "org.info"))).map((a) => a.detail),
  );
  assert.doesNotMatch(detail, /44011320141005001X/, "audit masks the ID number");
});

Deno.test("info: ancestors see a masked read-only view; others are refused", async () => {
  await using t = await setup();
  const own = await t.adminOf(MINI.shandong, 0);
  await own.post(`/orgs/${MINI.shandong}/info`, LEADING_INFO);
  const root = await t.adminOf(MINI.root, 1);
  const view = await (await root.get(`/orgs/${MINI.shandong}/info`)).text();
  assert.match(view, /4401\*\*\*\*\*\*\*\*\*\*001X/);
  assert.match(view, /138\*\*\*\*5678/);
  assert.equal(fieldValue(view, "phone"), undefined, "no form to fill in");
  assert.doesNotMatch(textOf(view), /保存/);
  assert.equal((await root.post(`/orgs/${MINI.shandong}/info`, LEADING_INFO)).status, 403);
  const sibling = await t.adminOf(MINI.beijing, 2);
  assert.equal((await sibling.get(`/orgs/${MINI.shandong}/info`)).status, 403);
  const anon = t.client();
  assert.equal((await anon.get(`/orgs/${MINI.shandong}/info`)).status, 303);
});

Deno.test("sign-in lands on the info form while the org's info is incomplete", async () => {
  await using t = await setup();
  const c = await t.adminOf(MINI.shandong, 0);
  await c.post("/logout");
  const res = await c.login("13800000001");
  assert.equal(res.headers.get("Location"), `/orgs/${MINI.shandong}/info`);
  await t.db.update(orgs).set({ infoComplete: 1 }).where(eq(orgs.id, MINI.shandong));
  await c.post("/logout");
  assert.equal(
    (await c.login("13800000001")).headers.get("Location"),
    `/orgs/${MINI.shandong}/progress?welcome=1`,
  );
});

Deno.test("info: saving the values already stored writes nothing, yet answers as a save; a change is written", async () => {
  await using t = await setup();
  const c = await t.adminOf(MINI.shandong, 0);
  const first = await c.post(`/orgs/${MINI.shandong}/info`, LEADING_INFO);
  assert.equal(first.status, 303);
  const saved = (await getOrg(t.db, MINI.shandong))!;
  assert.equal(saved.infoComplete, 1);
  const audits = async () =>
    (await t.db.select().from(auditLog).where(eq(auditLog.orgId, MINI.shandong))).filter((a) =>
      a.action === "org.info"
    ).length;
  assert.equal(await audits(), 1);

  // The same form again, plain and by htmx: the same answers, nothing written (not even the time).
  const again = await c.post(`/orgs/${MINI.shandong}/info`, LEADING_INFO);
  assert.equal(again.status, 303);
  assert.equal(again.headers.get("Location"), `/orgs/${MINI.shandong}/info?saved=1#info-result`);
  const hx = await c.post(`/orgs/${MINI.shandong}/info`, LEADING_INFO, { hx: true });
  assert.equal(hx.status, 200);
  assert.match(await hx.text(), /请核对后点击“确认信息”/);
  assert.equal((await getOrg(t.db, MINI.shandong))!.updatedAt?.getTime(), saved.updatedAt?.getTime());
  assert.equal(await audits(), 1, "no audit row for a save that changed nothing");

  // One field changed: written, audited, shown.
  const changed = await c.post(`/orgs/${MINI.shandong}/info`, { ...LEADING_INFO, phone: "0531-86099999" });
  assert.equal(changed.status, 303);
  assert.equal((await getOrg(t.db, MINI.shandong))!.phone, "0531-86099999");
  assert.equal(await audits(), 2);
  assert.match(await (await c.get(`/orgs/${MINI.shandong}/info`)).text(), /0531-86099999/);
  assert.deepEqual(await verifyCounters(t.db), []);
});
