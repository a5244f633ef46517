/**
 * The audit log's words, in one table: a Chinese label for every action the
 * code writes and for every key of their details, and how each value is shown
 * (Beijing time for instants, 是/否, category names). Nothing raw reaches a page.
 */
import { FIELD_LABELS, type OrgInfo } from "./org_info.ts";
import { categoryOf } from "./org_rules.ts";
import { MEMBER_FIELDS } from "./member_rules.ts";
import { formatBeijing } from "./time.ts";

/** Audited actions and their Chinese labels. */
export const ACTIONS = {
  "org.created": "创建组织",
  "org.info": "修改组织信息",
  "org.confirmed": "确认组织信息",
  "org.corrected": "上级更正",
  "org.reordered": "调整排序",
  "org.moved": "移动组织",
  "code.issued": "生成注册码",
  "admin.registered": "管理员注册",
  "password.reset_issued": "生成密码重置码",
  "password.reset": "重置密码",
  "export.unmasked": "导出未脱敏数据",
  "import.confirmed": "批量导入",
  "settings.deadlines": "修改截止日期",
  "member.added": "录入团员",
  "member.updated": "修改团员信息",
  "member.removed": "删除团员",
  "member.imported": "批量录入团员",
  "settings.waves": "修改团员录入截止日期",
} as const;

/** An audited action. */
export type Action = keyof typeof ACTIONS;

/** Labels of detail keys, the same in every action unless {@link ACTION_DETAIL_LABELS} says otherwise. */
export const DETAIL_LABELS: Record<string, string> = {
  ...FIELD_LABELS,
  importId: "导入批次",
  rows: "表中行数",
  created: "已创建",
  skipped: "已存在（跳过）",
  failed: "有错误未创建",
  expiresAt: "有效期至",
  accountId: "管理员账号编号",
  position: "团内职务",
  newAccount: "新注册账号",
  direction: "方向",
  from: "原来",
  to: "改为",
  orgs: "涉及组织数",
  before: "修改前",
  after: "修改后",
  members: "团员人数",
};

/** A member's fields, for the member actions (the spreadsheet headers' words). */
const MEMBER_LABELS: Record<string, string> = Object.fromEntries(
  MEMBER_FIELDS.map((f) => [f.field, f.label]),
);

/** Keys whose meaning depends on the action. */
export const ACTION_DETAIL_LABELS: Partial<Record<Action, Record<string, string>>> = {
  "org.moved": { from: "原上级组织", to: "新上级组织", orgs: "随之移动的组织数（含本组织）" },
  "org.reordered": { from: "原排序号" },
  "member.added": MEMBER_LABELS,
  "member.updated": MEMBER_LABELS,
  "member.removed": MEMBER_LABELS,
};

/** The label of a detail key in an action (the key itself only if the table lacks it; a test forbids that). */
export const detailLabel = (action: string, key: string): string =>
  ACTION_DETAIL_LABELS[action as Action]?.[key] ?? DETAIL_LABELS[key] ?? key;

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;

/** A detail value as shown: instants in Beijing time, 是/否, category names, a schedule as dates per level. */
export function showValue(key: string, v: unknown): string {
  if (v === null || v === undefined || v === "") return "（空）";
  if (key === "category") return categoryOf(Number(v))?.label ?? String(v);
  if (typeof v === "boolean") return v ? "是" : "否";
  if (typeof v === "string" && ISO.test(v)) return `${formatBeijing(new Date(v))}（北京时间）`;
  if (v instanceof Date) return `${formatBeijing(v)}（北京时间）`;
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o.levels && typeof o.levels === "object") {
      const levels = Object.entries(o.levels as Record<string, string>)
        .map(([l, d]) => `第${l === "6" ? "六级及以下" : l + "级"} ${d}`).join("，");
      return `${o.year ?? ""} 年度：${levels}`;
    }
    return Object.entries(o).map(([k, x]) => `${detailLabel("", k)}：${showValue(k, x)}`).join("，");
  }
  return String(v);
}

/** A field change of an org's info, as "组织简称：旧 → 新". */
export function describeChange(key: string, change: { before: unknown; after: unknown }): string {
  return `${FIELD_LABELS[key as keyof OrgInfo] ?? detailLabel("", key)}：${showValue(key, change.before)} → ${
    showValue(key, change.after)
  }`;
}

/** The details of an entry other than field changes, as label：value pairs. */
export function describeDetail(action: string, detail: Record<string, unknown>): string[] {
  return Object.entries(detail).filter(([k]) => k !== "changes")
    .map(([k, v]) => `${detailLabel(action, k)}：${showValue(k, v)}`);
}
