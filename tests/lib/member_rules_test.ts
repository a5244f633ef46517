import assert from "node:assert/strict";
import { idFor, validInput } from "../member_helpers.ts";
import {
  beijingDay,
  birthDateOf,
  checkMember,
  checkMemberNo,
  EDUCATION,
  ETHNICITIES,
  genderOf,
  heldElsewhere,
  isDueToLeave,
  leaveDay,
  type MemberInput,
  POLITICAL,
} from "../../lib/member_rules.ts";

const NOW = new Date("2026-12-03T06:00:00Z");
const ctx = { now: NOW, isPlace: (s: string) => s === "山东省济南市" || s === "山东省" };

Deno.test("member lists: 56 nationalities + 其他, three 政治面貌, eight 学历", () => {
  assert.equal(ETHNICITIES.length, 57);
  assert.equal(new Set(ETHNICITIES).size, 57);
  assert.equal(ETHNICITIES.at(-1), "其他");
  assert.deepEqual([...POLITICAL], ["共青团员", "中共预备党员", "中共党员"]);
  assert.equal(EDUCATION.length, 8);
});

Deno.test("性别 and 出生日期 come from the ID number", () => {
  assert.equal(genderOf(idFor(2005, 6, 15, 101)), "男");
  assert.equal(genderOf(idFor(2005, 6, 15, 102)), "女");
  assert.equal(birthDateOf(idFor(2005, 6, 15)), "2005-06-15");
  const r = checkMember(validInput(), ctx);
  assert.ok(r.ok);
  assert.equal(r.value.leaveOn, 20330615);
});

Deno.test("28-year rule: the day of the 28th birthday, 29 February in a common year, positions exempt", () => {
  assert.equal(leaveDay({ year: 1998, month: 12, day: 3 }), 20261203);
  assert.equal(leaveDay({ year: 2000, month: 2, day: 29 }), 20280229);
  assert.equal(leaveDay({ year: 1996, month: 2, day: 29 }), 20240229);
  assert.equal(leaveDay({ year: 1997, month: 2, day: 28 }), 20250228);
  assert.equal(leaveDay({ year: 2004, month: 2, day: 29 }), 20320229);
  assert.equal(leaveDay({ year: 2003, month: 2, day: 28 }), 20310228);
  assert.equal(leaveDay({ year: 2001, month: 3, day: 1 }), 20290301);
  assert.equal(isDueToLeave(20261203, null, 20261202), false);
  assert.equal(isDueToLeave(20261203, null, 20261203), true);
  assert.equal(isDueToLeave(20261203, "组织委员", 20261203), false, "a member holding a 团内职务 stays");
  // Beijing time: 16:00 UTC is already the next day.
  assert.equal(beijingDay(new Date("2026-12-02T15:59:59Z")), 20261202);
  assert.equal(beijingDay(new Date("2026-12-02T16:00:00Z")), 20261203);
});

Deno.test("团员编号: 12 digits, join year first from 2019 on, optional", () => {
  assert.deepEqual(checkMemberNo("", { year: 2020, month: 1 }), { ok: true, value: null });
  assert.equal(checkMemberNo("12345", null).ok, false);
  assert.match((checkMemberNo("20190000123a", null) as { error: string }).error, /12 位数字/);
  assert.equal(checkMemberNo("201800001234", { year: 2018, month: 5 }).ok, true, "before 2019 any 12 digits");
  assert.equal(checkMemberNo("000000001234", { year: 2018, month: 5 }).ok, true);
  assert.equal(checkMemberNo("202000001234", { year: 2020, month: 5 }).ok, true);
  const e = checkMemberNo("201900001234", { year: 2020, month: 5 });
  assert.equal(e.ok, false);
  assert.match((e as { error: string }).error, /前 4 位应为入团年份（2020）/);
});

Deno.test("checkMember: every field's rule, with its field and a Chinese message", () => {
  const problems = (over: Partial<MemberInput>) => {
    const r = checkMember(validInput(over), ctx);
    return r.ok ? [] : r.problems.map((p) => `${p.field}:${p.message}`);
  };
  assert.deepEqual(problems({}), []);
  assert.match(problems({ name: "" })[0], /^name:请填写姓名/);
  assert.match(problems({ name: "张" })[0], /^name:姓名应为/);
  assert.match(problems({ idNumber: "37010220050615101" })[0], /^idNumber:身份证号码应为 18 位/);
  assert.match(problems({ idNumber: idFor(2005, 6, 15).slice(0, 17) + "0" })[0], /idNumber:.*校验位/);
  assert.match(problems({ ethnicity: "汉" })[0], /^ethnicity:民族“汉”不在列表中/);
  assert.match(problems({ political: "群众" })[0], /^political:政治面貌应为/);
  // The 入团年月 age rule (§4): born 2005-06, 13 from 2018-06.
  assert.match(problems({ joinedYm: "2018-05", memberNo: "" })[0], /^joinedYm:入团时须年满13周岁/);
  assert.deepEqual(problems({ joinedYm: "2018-06", memberNo: "" }), []);
  // Before 2016-09 the limit is 12.
  assert.deepEqual(problems({ idNumber: idFor(2003, 1, 1), joinedYm: "2015-01", memberNo: "" }), []);
  assert.match(problems({ idNumber: idFor(2003, 2, 1), joinedYm: "2015-01", memberNo: "" })[0], /不满12周岁/);
  assert.match(problems({ joinedYm: "2027-01", memberNo: "" })[0], /^joinedYm:入团年月不能晚于当前月份/);
  assert.match(problems({ joinedYm: "2019/5/1" })[0], /^joinedYm:入团年月格式/);
  assert.match(problems({ memberNo: "202000001234" })[0], /^memberNo:.*前 4 位应为入团年份（2019）/);
  assert.match(problems({ eduFull: "" })[0], /^eduFull:请选择全日制学历/);
  assert.match(problems({ eduHighest: "初中" })[0], /^eduHighest:最高学历不能低于全日制学历/);
  assert.deepEqual(problems({ eduHighest: "研究生（硕士）" }), []);
  assert.match(problems({ mobile: "12345678901" })[0], /^mobile:手机号码号段/);
  assert.match(problems({ hukou: "火星" })[0], /^hukou:户籍所在地“火星”/);
  assert.match(problems({ partyYm: "2024-01" })[0], /^partyYm:政治面貌为共青团员时不填写入党年月/);
  assert.match(problems({ political: "中共党员" })[0], /^partyYm:政治面貌为中共党员时请填写入党年月/);
  assert.match(problems({ political: "中共党员", partyYm: "2022-01" })[0], /年满18周岁/);
  assert.deepEqual(problems({ political: "中共党员", partyYm: "2024-01" }), []);
  assert.match(problems({ position: "队长" })[0], /^position:团内职务应为/);
  assert.deepEqual(problems({ position: "组织委员" }), []);
  assert.match(problems({ email: "a@b" })[0], /^email:电子邮箱格式/);
  // Several problems at once, each reported.
  assert.equal(problems({ name: "", ethnicity: "", mobile: "" }).length, 3);
});

Deno.test("checkMember normalises: x → X, spaces, empty optionals as null", () => {
  const id = idFor(2005, 6, 15, 100);
  const withX = id.endsWith("X") ? id : null;
  const r = checkMember(validInput({ name: " 张 三 ", mobile: "138 0000 1234", email: "" }), ctx);
  assert.ok(r.ok);
  assert.equal(r.value.name, "张三");
  assert.equal(r.value.mobile, "13800001234");
  assert.equal(r.value.email, null);
  assert.equal(r.value.position, null);
  if (withX) {
    const lower = checkMember(validInput({ idNumber: withX.toLowerCase() }), ctx);
    assert.ok(lower.ok && lower.value.idNumber === withX);
  }
});

Deno.test("the duplicate-ID message names the holding org and the way forward", () => {
  const m = heldElsewhere("第3车间团支部");
  assert.match(m, /已是“第3车间团支部”的团员/);
  assert.match(m, /组织关系转接/);
});
