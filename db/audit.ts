/** The audit log: who changed what, when. */
import { and, desc, eq, lt } from "drizzle-orm";
import { type Db, runAll, type Tx, writeTx } from "./client.ts";
import type { Conn } from "./orgs.ts";
import { accounts, auditLog } from "./schema.ts";

import type { Action } from "../lib/audit_labels.ts";

export { type Action, ACTIONS } from "../lib/audit_labels.ts";

/** One entry to write. */
export interface AuditEntry {
  org: { id: number; path: string };
  actorId: number | null;
  action: Action;
  detail?: Record<string, unknown>;
  reason?: string | null;
  at: Date;
}

/** An entry as the `audit_log` row that stores it. */
export const auditRow = (e: AuditEntry) => ({
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
  await tx.insert(auditLog).values(auditRow(e));
}

/**
 * Replaces a setting (团中央's deadlines) in one write transaction, with an
 * audit entry holding the value before and after.
 */
export function changeSetting<T>(
  db: Db,
  s: { read: (tx: Tx) => Promise<T>; write: (tx: Tx, value: T) => Promise<void>; value: T },
  e: Omit<AuditEntry, "detail">,
): Promise<void> {
  return writeTx(db, async (tx) => {
    const before = await s.read(tx);
    await s.write(tx, s.value);
    await audit(tx, { ...e, detail: { before, after: s.value } });
  });
}

/** Appends many entries, 50 rows a statement, sent together in a write transaction (`runAll`). */
export async function auditMany(tx: Conn, entries: AuditEntry[]): Promise<void> {
  const statements = [];
  for (let i = 0; i < entries.length; i += 50) {
    statements.push(tx.insert(auditLog).values(entries.slice(i, i + 50).map(auditRow)));
  }
  await runAll(tx, statements);
}

/** One entry as the log shows it. */
export interface AuditItem {
  id: number;
  at: Date;
  actor: string | null;
  action: string;
  detail: Record<string, unknown> | null;
  reason: string | null;
}

/** A page of an org's log, newest first, before entry `before`; `next` is where the following page starts. */
export async function auditPage(
  db: Conn,
  orgId: number,
  before: number | undefined,
  limit: number,
): Promise<{ items: AuditItem[]; next: number | null }> {
  const rows = await db.select({ entry: auditLog, actor: accounts.name }).from(auditLog)
    .leftJoin(accounts, eq(accounts.id, auditLog.actorId))
    .where(before ? and(eq(auditLog.orgId, orgId), lt(auditLog.id, before)) : eq(auditLog.orgId, orgId))
    .orderBy(desc(auditLog.id)).limit(limit + 1);
  const items = rows.slice(0, limit).map(({ entry, actor }) => ({
    id: entry.id,
    at: entry.createdAt,
    actor,
    action: entry.action,
    detail: (entry.detail ?? null) as Record<string, unknown> | null,
    reason: entry.reason,
  }));
  return { items, next: rows.length > limit ? items.at(-1)!.id : null };
}
