/**
 * 团员信息 (SPEC §9) as pure rules: the value lists, what the ID number gives
 * (性别, 出生日期), the 入团年月 age rule (lib/join_age.ts), the 团员编号 year
 * rule, the 28-year 应办理离团 rule, and one check of a whole member used by
 * the form, the Excel batch and the generator alike.
 */
import { type BirthDate, parseIdNumber } from "./id_number.ts";
import { checkJoinDate, parseYearMonth, type YearMonth } from "./join_age.ts";
import { parseMobile } from "./mobile.ts";
import { OTHER_POSITIONS } from "./org_rules.ts";
import { err, ok, type Result } from "./result.ts";

/** The 56 nationalities (GB 3304 order) and 其他. */
export const ETHNICITIES = [
  "汉族",
  "蒙古族",
  "回族",
  "藏族",
  "维吾尔族",
  "苗族",
  "彝族",
  "壮族",
  "布依族",
  "朝鲜族",
  "满族",
  "侗族",
  "瑶族",
  "白族",
  "土家族",
  "哈尼族",
  "哈萨克族",
  "傣族",
  "黎族",
  "傈僳族",
  "佤族",
  "畲族",
  "高山族",
  "拉祜族",
  "水族",
  "东乡族",
  "纳西族",
  "景颇族",
  "柯尔克孜族",
  "土族",
  "达斡尔族",
  "仫佬族",
  "羌族",
  "布朗族",
  "撒拉族",
  "毛南族",
  "仡佬族",
  "锡伯族",
  "阿昌族",
  "普米族",
  "塔吉克族",
  "怒族",
  "乌孜别克族",
  "俄罗斯族",
  "鄂温克族",
  "德昂族",
  "保安族",
  "裕固族",
  "京族",
  "塔塔尔族",
  "独龙族",
  "鄂伦春族",
  "赫哲族",
  "门巴族",
  "珞巴族",
  "基诺族",
  "其他",
] as const;

/** 政治面貌. */
export const POLITICAL = ["共青团员", "中共预备党员", "中共党员"] as const;

/** 学历, highest first (the index is the rank: lower is higher). */
export const EDUCATION = [
  "研究生（博士）",
  "研究生（硕士）",
  "大学本科",
  "大学专科",
  "中等职业教育",
  "普通高中",
  "初中",
  "小学及以下",
] as const;

/** 团内职务 a member may hold (one at most; §2.3, non-leading orgs). */
export const MEMBER_POSITIONS = OTHER_POSITIONS;

/** Age at which members without a 团内职务 are listed as 应办理离团. */
export const LEAVE_AGE = 28;

/** 性别 from the 17th digit of the ID number (odd 男, even 女). */
export const genderOf = (idNumber: string): "男" | "女" => Number(idNumber[16]) % 2 === 1 ? "男" : "女";

/** 出生日期 (YYYY-MM-DD) from a valid ID number. */
export const birthDateOf = (idNumber: string): string =>
  `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`;

/** A calendar date as the integer YYYYMMDD (what the database stores and compares). */
export const dayNumber = (y: number, m: number, d: number): number => y * 10000 + m * 100 + d;

/** Today's date in Beijing time as YYYYMMDD. */
export function beijingDay(now: Date): number {
  const t = new Date(now.getTime() + 8 * 3600_000);
  return dayNumber(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** YYYYMMDD as YYYY-MM-DD. */
export const dayText = (day: number): string =>
  `${Math.floor(day / 10000)}-${String(Math.floor(day / 100) % 100).padStart(2, "0")}-${
    String(day % 100).padStart(2, "0")
  }`;

/**
 * The day someone born on `birth` turns 28 (YYYYMMDD). Born on 29 February,
 * they turn 28 on 1 March of a common year.
 */
export function leaveDay(birth: BirthDate): number {
  const y = birth.year + LEAVE_AGE;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (birth.month === 2 && birth.day === 29 && !leap) return dayNumber(y, 3, 1);
  return dayNumber(y, birth.month, birth.day);
}

/** 应办理离团: reached 28 by `today` (YYYYMMDD) and holding no 团内职务. */
export const isDueToLeave = (leaveOn: number, position: string | null | undefined, today: number): boolean =>
  !position && leaveOn <= today;

/**
 * 团员编号: 12 digits; for joinings from 2019 on, its first 4 digits are the
 * join year. Empty is allowed (not every member has one yet).
 */
export function checkMemberNo(input: string, joined: YearMonth | null): Result<string | null> {
  const no = input.trim();
  if (!no) return ok(null);
  if (!/^\d{12}$/.test(no)) return err(`团员编号应为 12 位数字，您输入了 ${no.length} 位`);
  if (joined && joined.year >= 2019 && no.slice(0, 4) !== String(joined.year)) {
    return err(`2019 年起入团的团员，团员编号前 4 位应为入团年份（${joined.year}），现为 ${no.slice(0, 4)}`);
  }
  return ok(no);
}

/** The raw fields of a member, as typed into the form or a spreadsheet row. */
export interface MemberInput {
  name: string;
  idNumber: string;
  ethnicity: string;
  political: string;
  joinedYm: string;
  eduFull: string;
  eduHighest: string;
  mobile: string;
  memberNo: string;
  occupation: string;
  employer: string;
  hukou: string;
  partyYm: string;
  position: string;
  email: string;
}

/** A field of {@link MemberInput}. */
export type MemberField = keyof MemberInput;

/** Field labels (also the spreadsheet headers), required ones marked. */
export const MEMBER_FIELDS: readonly { field: MemberField; label: string; required: boolean }[] = [
  { field: "name", label: "姓名", required: true },
  { field: "idNumber", label: "身份证号码", required: true },
  { field: "ethnicity", label: "民族", required: true },
  { field: "political", label: "政治面貌", required: true },
  { field: "joinedYm", label: "入团年月", required: true },
  { field: "eduFull", label: "全日制学历", required: true },
  { field: "eduHighest", label: "最高学历", required: false },
  { field: "mobile", label: "手机号码", required: true },
  { field: "memberNo", label: "团员编号", required: false },
  { field: "occupation", label: "职业/在读状况", required: false },
  { field: "employer", label: "工作单位或学校", required: false },
  { field: "hukou", label: "户籍所在地", required: false },
  { field: "partyYm", label: "入党年月", required: false },
  { field: "position", label: "团内职务", required: false },
  { field: "email", label: "电子邮箱", required: false },
];

/** The label of a field. */
export const labelOf = (f: MemberField): string => MEMBER_FIELDS.find((x) => x.field === f)!.label;

/** A checked member, ready to store. */
export interface MemberValue {
  name: string;
  idNumber: string;
  ethnicity: string;
  political: string;
  joinedYm: string;
  eduFull: string;
  eduHighest: string | null;
  mobile: string;
  memberNo: string | null;
  occupation: string | null;
  employer: string | null;
  hukou: string | null;
  partyYm: string | null;
  position: string | null;
  email: string | null;
  /** The day the member turns 28 (YYYYMMDD). */
  leaveOn: number;
}

/** A problem of one field. */
export interface MemberProblem {
  field: MemberField;
  message: string;
}

/** What the member check needs besides the fields. */
export interface MemberContext {
  /** The clock (for "not in the future" and the age rules). */
  now: Date;
  /** True when a 户籍所在地 text names a known province (+ city). */
  isPlace: (s: string) => boolean;
}

const ym = (s: YearMonth) => `${s.year}-${String(s.month).padStart(2, "0")}`;
const months = (s: YearMonth) => s.year * 12 + s.month;
const oneOf = (list: readonly string[], v: string) => list.includes(v);

/**
 * Checks a whole member: every field of §9 with the §4 rules. Returns the
 * value to store or every problem found (field and Chinese message).
 */
export function checkMember(
  input: MemberInput,
  ctx: MemberContext,
): { ok: true; value: MemberValue } | { ok: false; problems: MemberProblem[] } {
  const problems: MemberProblem[] = [];
  const bad = (field: MemberField, message: string) => problems.push({ field, message });
  const t = (s: string | undefined) => (s ?? "").trim();

  const name = t(input.name).replace(/\s+/g, "");
  if (!name) bad("name", "请填写姓名");
  else if (!/^[\p{Script=Han}A-Za-z·•.]{2,20}$/u.test(name)) bad("name", "姓名应为 2–20 个汉字或字母");

  const id = parseIdNumber(t(input.idNumber));
  if (!id.ok) bad("idNumber", id.error);
  const birth = id.ok ? id.value.birth : null;

  const ethnicity = t(input.ethnicity);
  if (!ethnicity) bad("ethnicity", "请选择民族");
  else if (!oneOf(ETHNICITIES, ethnicity)) {
    bad("ethnicity", `民族“${ethnicity}”不在列表中，请从下拉列表中选择`);
  }

  const political = t(input.political);
  if (!political) bad("political", "请选择政治面貌");
  else if (!oneOf(POLITICAL, political)) {
    bad("political", `政治面貌应为：${POLITICAL.join("、")}`);
  }

  let joined: YearMonth | null = null;
  if (birth) {
    const j = checkJoinDate(t(input.joinedYm), birth, ctx.now);
    if (j.ok) joined = j.value;
    else bad("joinedYm", j.error);
  } else {
    const j = parseYearMonth(t(input.joinedYm));
    if (!j.ok) bad("joinedYm", j.error);
  }

  const eduFull = t(input.eduFull), eduHighest = t(input.eduHighest);
  if (!eduFull) bad("eduFull", "请选择全日制学历");
  else if (!oneOf(EDUCATION, eduFull)) bad("eduFull", `全日制学历应为：${EDUCATION.join("、")}`);
  if (eduHighest && !oneOf(EDUCATION, eduHighest)) {
    bad("eduHighest", `最高学历应为：${EDUCATION.join("、")}`);
  } else if (
    eduHighest && oneOf(EDUCATION, eduFull) &&
    EDUCATION.indexOf(eduHighest as never) > EDUCATION.indexOf(eduFull as never)
  ) bad("eduHighest", `最高学历不能低于全日制学历（${eduFull}）`);

  const mobile = parseMobile(t(input.mobile));
  if (!mobile.ok) bad("mobile", mobile.error);

  const memberNo = checkMemberNo(t(input.memberNo), joined);
  if (!memberNo.ok) bad("memberNo", memberNo.error);

  const occupation = t(input.occupation), employer = t(input.employer);
  if (occupation.length > 30) bad("occupation", "职业/在读状况不超过 30 个字");
  if (employer.length > 60) bad("employer", "工作单位或学校不超过 60 个字");

  const hukou = t(input.hukou);
  if (hukou && !ctx.isPlace(hukou)) {
    bad("hukou", `户籍所在地“${hukou}”不是有效的省份和地市名称，例如：山东省济南市`);
  }

  const partyText = t(input.partyYm);
  const isParty = political === "中共党员" || political === "中共预备党员";
  let partyYm: string | null = null;
  if (partyText) {
    const p = parseYearMonth(partyText);
    if (!p.ok) bad("partyYm", p.error.replace("入团年月", "入党年月"));
    else if (!isParty) bad("partyYm", "政治面貌为共青团员时不填写入党年月");
    else {
      const nowYm = months({ year: ctx.now.getUTCFullYear(), month: ctx.now.getUTCMonth() + 1 });
      if (months(p.value) > nowYm) bad("partyYm", "入党年月不能晚于当前月份");
      else if (birth && months(p.value) - months(birth) < 18 * 12) {
        bad("partyYm", "入党时须年满18周岁：按身份证出生年月，入党时不满18周岁");
      } else if (joined && months(p.value) < months(joined)) bad("partyYm", "入党年月不能早于入团年月");
      else partyYm = ym(p.value);
    }
  } else if (isParty) bad("partyYm", `政治面貌为${political}时请填写入党年月`);

  const position = t(input.position);
  if (position && !oneOf(MEMBER_POSITIONS, position)) {
    bad("position", `团内职务应为：${MEMBER_POSITIONS.join("、")}（可不填）`);
  }

  const email = t(input.email);
  if (email && (email.length > 60 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))) {
    bad("email", "电子邮箱格式不正确，例如：name@example.com");
  }

  if (problems.length || !id.ok || !joined || !mobile.ok || !memberNo.ok) {
    return { ok: false, problems };
  }
  return {
    ok: true,
    value: {
      name,
      idNumber: id.value.idNumber,
      ethnicity,
      political,
      joinedYm: ym(joined),
      eduFull,
      eduHighest: eduHighest || null,
      mobile: mobile.value,
      memberNo: memberNo.value,
      occupation: occupation || null,
      employer: employer || null,
      hukou: hukou || null,
      partyYm,
      position: position || null,
      email: email || null,
      leaveOn: leaveDay(id.value.birth),
    },
  };
}

/** The message for an ID number that is already a member elsewhere (§9: the way forward is a transfer). */
export function heldElsewhere(holder: string): string {
  return `该身份证号码已是“${holder}”的团员，一人只能在一个团支部。如该团员已转到本支部，请联系“${holder}”办理组织关系转接，不要重复录入`;
}

/** The message for a 团员编号 already used by another member. */
export function memberNoTaken(holder: string): string {
  return `团员编号已被“${holder}”的另一名团员使用，团员编号全国唯一，请核对`;
}
