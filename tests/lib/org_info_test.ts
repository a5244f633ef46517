import assert from "node:assert/strict";
import { isInfoComplete, type OrgInfo, requiredFields, validateOrgInfo } from "../../lib/org_info.ts";

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
