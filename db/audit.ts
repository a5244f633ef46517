/** The audit log: who changed what, when. */
import { pace } from "./client.ts";
import type { Conn } from "./orgs.ts";
import { auditLog } from "./schema.ts";

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

/** One entry to write. */
export interface AuditEntry {
  org: { id: number; path: string };
  actorId: number | null;
  action: Action;
  detail?: Record<string, unknown>;
  reason?: string | null;
  at: Date;
}

const row = (e: AuditEntry) => ({
  orgId: e.org.id,
  path: e.org.path,
  actorId: e.actorId,
  action: e.action,
  detail: e.detail ?? null,
  reason: e.reason ?? null,
  createdAt: e.at,
});

/** Appends an entry (inside the caller's transaction). */
export async function audit(tx: Conn, e: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values(row(e));
}

/** Appends many entries, 200 rows a statement, letting other requests run between chunks. */
export async function auditMany(tx: Conn, entries: AuditEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 200) {
    await tx.insert(auditLog).values(entries.slice(i, i + 200).map(row));
    await pace();
  }
}
