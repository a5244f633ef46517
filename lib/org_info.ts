/** Required org info per category (SPEC §2.4), shared by the info form and the counters. */
import { parseIdNumber } from "./id_number.ts";
import { parseMobile } from "./mobile.ts";
import { categoryOf, fullNameProblem, INDUSTRIES } from "./org_rules.ts";
import { personNameProblem } from "./person_name.ts";

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

/** The four staffing numbers (integers ≥ 0). */
export const STAFFING = [
  "adminQuota",
  "adminActual",
  "instQuota",
  "instActual",
] as const;

/** Fields the org's own admin may fill in until the info is confirmed, and never change after (SPEC §2.4). */
export const LOCKED_AFTER_CONFIRM = ["fullName", "industry"] as const;

/** Fields the org's own admin cannot change: 简称 and 类别 always (the parent corrects them), more once confirmed. */
export const lockedFields = (confirmed: boolean): (keyof OrgInfo)[] =>
  confirmed ? ["shortName", "category", ...LOCKED_AFTER_CONFIRM] : ["shortName", "category"];

/**
 * The info the own admin's form leads to: the entered values over the
 * stored ones, except for the fields locked for it.
 */
export function infoFromForm(stored: OrgInfo, entered: Partial<OrgInfo>, confirmed: boolean): OrgInfo {
  const next: OrgInfo = { ...stored, ...entered };
  for (const k of lockedFields(confirmed)) (next as unknown as Record<string, unknown>)[k] = stored[k];
  return next;
}

/** A staffing number as typed: "" is null, digits a number, anything else NaN (an error to show). */
export const parseCount = (raw: string | undefined): number | null =>
  raw ? (/^\d+$/.test(raw) ? Number(raw) : NaN) : null;
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
  const fullName = empty(info.fullName) ? null : fullNameProblem(info.fullName!);
  if (fullName) errors.fullName = fullName;
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
  const name = empty(info.secretaryName) ? null : personNameProblem(info.secretaryName!, "书记姓名");
  if (name) errors.secretaryName = name;
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
