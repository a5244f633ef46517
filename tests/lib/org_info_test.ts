import assert from "node:assert/strict";
import {
  infoFromForm,
  isInfoComplete,
  lockedFields,
  type OrgInfo,
  parseCount,
  requiredFields,
  STAFFING,
  validateOrgInfo,
} from "../../lib/org_info.ts";
import { checkNewChild } from "../../lib/new_child.ts";

const leading: OrgInfo = {
  category: 1,
  shortName: "团济南市委",
  fullName: "中国共产主义青年团济南市委员会",
  industry: null,
  phone: "0531-86012345",
  email: "tuanwei@jinan.example.cn",
  adminQuota: 10,
  adminActual: 8,
  instQuota: 0,
  instActual: 0,
  secretaryName: "王五",
  secretaryIdNumber: "110101199003078670",
  secretaryMobile: "13812345678",
};

Deno.test("org info: required sets per category (SPEC §2.4)", () => {
  assert.ok(requiredFields(1).includes("phone"));
  assert.ok(!requiredFields(1).includes("industry"));
  assert.ok(requiredFields(2).includes("industry") && requiredFields(2).includes("instActual"));
  assert.ok(!requiredFields(2).includes("email"));
  assert.ok(!requiredFields(5).includes("adminQuota"));
  assert.ok(requiredFields(5).includes("secretaryMobile"));
});

Deno.test("org info: complete leading body; each missing or bad field named", () => {
  assert.ok(isInfoComplete(leading));
  const { errors } = validateOrgInfo({
    ...leading,
    phone: null,
    adminQuota: -1,
    secretaryIdNumber: "440308199901101513",
  });
  assert.match(errors.phone!, /请填写团组织联系电话/);
  assert.match(errors.adminQuota!, /0 或正整数/);
  assert.match(errors.secretaryIdNumber!, /校验位/);
  assert.match(validateOrgInfo({ ...leading, email: "x@" }).errors.email!, /电子邮箱/);
  assert.match(
    validateOrgInfo({ ...leading, fullName: "济南团市委" }).errors.fullName!,
    /中国共产主义青年团/,
  );
});

Deno.test("org info: actual staffing above the quota is a warning only", () => {
  const r = validateOrgInfo({ ...leading, adminActual: 12 });
  assert.deepEqual(r.errors, {});
  assert.match(r.warnings[0], /大于/);
});

Deno.test("org info: a branch needs industry and the secretary only", () => {
  const branch: OrgInfo = {
    ...leading,
    category: 5,
    shortName: "包装车间团支部",
    fullName: "中国共产主义青年团某某公司包装车间支部委员会",
    phone: null,
    email: null,
    adminQuota: null,
    adminActual: null,
    instQuota: null,
    instActual: null,
    industry: "非公企业",
  };
  assert.ok(isInfoComplete(branch));
  assert.match(validateOrgInfo({ ...branch, industry: "外星企业" }).errors.industry!, /行业类别/);
});

Deno.test("info: a 70-character 全称 middle is valid on the info form and on the child form alike", () => {
  const fullName = `中国共产主义青年团${"历".repeat(70)}委员会`;
  assert.equal(validateOrgInfo({ ...leading, fullName }).errors.fullName, undefined);
  const parent = {
    category: 1,
    level: 3,
    shortName: "团济南市委",
    fullName: "中国共产主义青年团济南市委员会",
  };
  const child = checkNewChild(parent, { shortName: "历下一中团委", category: "2", fullName }, new Map());
  assert.equal(child.ok, true);
});

Deno.test("info: locked fields, staffing numbers as typed", () => {
  assert.deepEqual(lockedFields(false), ["shortName", "category"]);
  assert.deepEqual(lockedFields(true), ["shortName", "category", "fullName", "industry"]);
  const stored = { ...leading, fullName: "中国共产主义青年团山东省委员会", industry: null };
  const entered = {
    fullName: "中国共产主义青年团山东省新委员会",
    shortName: "团鲁委",
    phone: "0531-86012345",
  };
  const before = infoFromForm(stored, entered, false);
  assert.equal(before.fullName, entered.fullName);
  assert.equal(before.shortName, stored.shortName, "简称 is corrected by the parent only");
  const after = infoFromForm(stored, entered, true);
  assert.equal(after.fullName, stored.fullName, "locked once confirmed");
  assert.equal(after.phone, "0531-86012345", "other fields stay editable");
  assert.deepEqual(STAFFING, ["adminQuota", "adminActual", "instQuota", "instActual"]);
  assert.equal(parseCount(""), null);
  assert.equal(parseCount(undefined), null);
  assert.equal(parseCount("12"), 12);
  assert.ok(Number.isNaN(parseCount("1.5")));
});
