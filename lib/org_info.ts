/** Required org info per category (SPEC §2.4), shared by the info form and the counters. */
import { parseIdNumber } from "./id_number.ts";
import { parseMobile } from "./mobile.ts";
import { categoryOf, INDUSTRIES } from "./org_rules.ts";

/** The info fields of an org. */
export interface OrgInfo {
  category: number;
  shortName: string;
  fullName: string | null;
  industry: string | null;
  phone: string | null;
  email: string | null;
  adminQuota: number | null;
  adminActual: number | null;
  instQuota: number | null;
  instActual: number | null;
  secretaryName: string | null;
  secretaryIdNumber: string | null;
  secretaryMobile: string | null;
}

/** Labels as shown on forms and in messages. */
export const FIELD_LABELS: Record<keyof OrgInfo, string> = {
  category: "组织类别",
  shortName: "组织简称",
  fullName: "组织全称",
  industry: "单位所属行业类别",
  phone: "团组织联系电话",
  email: "团组织电子邮箱",
  adminQuota: "本级团组织行政编制数",
  adminActual: "行政编制实际配备数",
  instQuota: "本级团组织事业编制数",
  instActual: "事业编制实际配备数",
  secretaryName: "书记姓名",
  secretaryIdNumber: "书记身份证号码",
  secretaryMobile: "书记手机号码",
};

const STAFFING = [
  "adminQuota",
  "adminActual",
  "instQuota",
  "instActual",
] as const;
const SECRETARY = [
  "secretaryName",
  "secretaryIdNumber",
  "secretaryMobile",
] as const;

/** The red-starred fields of a category. */
export function requiredFields(category: number): (keyof OrgInfo)[] {
  const set = categoryOf(category)?.fieldSet;
  const base: (keyof OrgInfo)[] = ["category", "shortName", "fullName"];
  if (set === "leading") {
    return [...base, "phone", "email", ...STAFFING, ...SECRETARY];
  }
  if (set === "committee") {
    return [...base, "industry", ...STAFFING, ...SECRETARY];
  }
  return [...base, "industry", ...SECRETARY];
}

const empty = (v: unknown) => v === null || v === undefined || v === "";
const LANDLINE = /^0\d{2,3}-?\d{7,8}(-\d{1,6})?$/;
const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;

/** Field errors (per field) and warnings (allowed but worth a look). */
export function validateOrgInfo(
  info: OrgInfo,
): { errors: Partial<Record<keyof OrgInfo, string>>; warnings: string[] } {
  const errors: Partial<Record<keyof OrgInfo, string>> = {};
  const warnings: string[] = [];
  const required = new Set(requiredFields(info.category));
  for (const key of required) {
    if (empty(info[key])) errors[key] = `请填写${FIELD_LABELS[key]}`;
  }
  if (!categoryOf(info.category)) errors.category = "请选择组织类别";
  if (
    !empty(info.industry) &&
    !(INDUSTRIES as readonly string[]).includes(info.industry!)
  ) {
    errors.industry = "请从列表中选择单位所属行业类别";
  }
  if (
    !empty(info.fullName) &&
    !/^中国共产主义青年团.+(委员会|工作委员会|总支部委员会|支部委员会)$/.test(
      info.fullName!,
    )
  ) {
    errors.fullName =
      "组织全称应以“中国共产主义青年团”开头，以“委员会/工作委员会/总支部委员会/支部委员会”结尾";
  }
  if (
    !empty(info.phone) && !LANDLINE.test(info.phone!) &&
    !parseMobile(info.phone!).ok
  ) {
    errors.phone = "联系电话应为“区号-号码”（如 0531-86012345）或 11 位手机号码";
  }
  if (!empty(info.email) && !EMAIL.test(info.email!)) {
    errors.email = "电子邮箱格式不正确，例如 tuanwei@example.cn";
  }
  for (const key of STAFFING) {
    const v = info[key];
    if (!empty(v) && !(Number.isInteger(v) && (v as number) >= 0)) {
      errors[key] = `${FIELD_LABELS[key]}应为 0 或正整数（没有请填 0）`;
    }
  }
  for (
    const [quota, actual] of [["adminQuota", "adminActual"], [
      "instQuota",
      "instActual",
    ]] as const
  ) {
    const q = info[quota], a = info[actual];
    if (
      typeof q === "number" && typeof a === "number" && !errors[quota] &&
      !errors[actual] && a > q
    ) {
      warnings.push(
        `${FIELD_LABELS[actual]}（${a}）大于${FIELD_LABELS[quota]}（${q}），请确认`,
      );
    }
  }
  if (
    !empty(info.secretaryName) &&
    !/^[\p{Script=Han}A-Za-z·]{2,20}$/u.test(info.secretaryName!)
  ) {
    errors.secretaryName = "书记姓名应为 2–20 个汉字或字母";
  }
  if (!empty(info.secretaryIdNumber)) {
    const r = parseIdNumber(info.secretaryIdNumber!);
    if (!r.ok) {
      errors.secretaryIdNumber = r.error.replace(
        /^身份证号码/,
        "书记身份证号码",
      );
    }
  }
  if (!empty(info.secretaryMobile)) {
    const r = parseMobile(info.secretaryMobile!);
    if (!r.ok) {
      errors.secretaryMobile = r.error.replace(/^手机号码/, "书记手机号码");
    }
  }
  return { errors, warnings };
}

/** True when every required field is filled and valid. */
export function isInfoComplete(info: OrgInfo): boolean {
  return Object.keys(validateOrgInfo(info).errors).length === 0;
}
