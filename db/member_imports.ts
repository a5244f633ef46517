/**
 * Member batches: what the row checks need from the database, and the
 * confirmation (every valid row stored in the caller's one transaction, the
 * counters moved once, each member audited).
 */
import { eq } from "drizzle-orm";
import { type CheckedMemberRow, checkMemberRows, idOfRow, type RawMemberRow } from "../lib/member_import.ts";
import type { MemberContext } from "../lib/member_rules.ts";
import { countRows } from "../lib/import_rows.ts";
import { checkMemberNo } from "../lib/member_rules.ts";
import { audit } from "./audit.ts";
import { breathe, pace, type Tx } from "./client.ts";
import type { StoredImport } from "./imports.ts";
import { addMembers, holdersOf } from "./members.ts";
import type { Conn } from "./orgs.ts";
import { imports, type Org } from "./schema.ts";

/** Checks rows against the members stored now (one lookup per 500 ID numbers and 团员编号). */
export async function checkAgainstStored(
  db: Conn,
  branch: Org,
  rows: readonly RawMemberRow[],
  ctx: MemberContext,
): Promise<CheckedMemberRow[]> {
  const ids = [...new Set(rows.map(idOfRow).filter(Boolean))];
  const nos = [
    ...new Set(rows.map((r) => r.memberNo.trim()).filter((n) => checkMemberNo(n, null).ok && n)),
  ];
  const known = await holdersOf(db, ids, nos);
  await pace();
  const out = checkMemberRows(rows, { branchId: branch.id, ...known }, ctx);
  await breathe();
  return out;
}

/**
 * Confirms a member batch in the caller's transaction: re-checks every row
 * against the members as they are now (rows entered since the preview are
 * skipped, IDs taken since are refused), stores the valid ones, records the
 * outcome and audits it. Returns the number entered, or null when the batch
 * was already confirmed.
 */
export async function confirmMemberImport(
  tx: Tx,
  imp: Omit<StoredImport, "rows"> & { rows: CheckedMemberRow[] },
  branch: Org,
  actorId: number,
  ctx: MemberContext,
  today: number,
): Promise<number | null> {
  const [fresh] = await tx.select({ doneAt: imports.doneAt }).from(imports).where(eq(imports.id, imp.id));
  if (!fresh || fresh.doneAt) return null;
  const rows = await checkAgainstStored(tx, branch, imp.rows, ctx);
  const valid = rows.filter((r) => r.status === "ok");
  const ids = valid.length
    ? await addMembers(tx, branch, valid.map((r) => r.value!), actorId, ctx.now, today)
    : new Map();
  for (const r of valid) r.createdId = ids.get(r.value!.idNumber);
  await tx.update(imports).set({ rows, doneAt: ctx.now }).where(eq(imports.id, imp.id));
  await pace();
  const counts = countRows(rows);
  await audit(tx, {
    org: branch,
    actorId,
    action: "member.imported",
    detail: {
      importId: imp.id,
      rows: counts.total,
      created: valid.length,
      skipped: counts.skip,
      failed: counts.error,
    },
    at: ctx.now,
  });
  return valid.length;
}
