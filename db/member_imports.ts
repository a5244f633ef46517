/**
 * Member batches: what the row checks need from the database, and the
 * confirmation (every valid row staged, then stored in one short
 * transaction, the counters moved once, each member audited).
 */
import { count, eq, or, sql } from "drizzle-orm";
import { type CheckedMemberRow, idOfRow, memberRowChecker, type RawMemberRow } from "../lib/member_import.ts";
import type { MemberContext } from "../lib/member_rules.ts";
import { countRows } from "../lib/import_rows.ts";
import { checkMemberNo } from "../lib/member_rules.ts";
import { audit, auditRow } from "./audit.ts";
import { breathe, type Db, mapPaced, pace } from "./client.ts";
import type { StoredImport } from "./imports.ts";
import { audited, changeMemberCount, holdersOf, rolledDay, rowOf, storedRollDay } from "./members.ts";
import { type Conn, getOrg } from "./orgs.ts";
import { auditLog, imports, members, type Org } from "./schema.ts";
import { Restage, stagedWrite } from "./staging.ts";

/** Checks rows against the members stored now (one lookup per 500 ID numbers and 团员编号). */
export async function checkAgainstStored(
  db: Conn,
  branch: Org,
  rows: readonly RawMemberRow[],
  ctx: MemberContext,
): Promise<CheckedMemberRow[]> {
  // 500 rows between breaths (5,000 at once held the event loop for 100 ms and more).
  const ids = new Set<string>(), nos = new Set<string>();
  for (let i = 0; i < rows.length; i += 500) {
    await pace();
    for (const r of rows.slice(i, i + 500)) {
      const id = idOfRow(r), no = r.memberNo.trim();
      if (id) ids.add(id);
      if (no && checkMemberNo(no, null).ok) nos.add(no);
    }
  }
  const known = await holdersOf(db, [...ids], [...nos]);
  const out = await mapPaced(rows, memberRowChecker({ branchId: branch.id, ...known }, ctx));
  await breathe();
  return out;
}

/**
 * Confirms a member batch, a staged long write (db/staging.ts): every row is
 * checked again against the members stored now on the primary (rows entered
 * since the preview are skipped, IDs taken since are refused) and the valid
 * ones are staged with their audit rows; one short transaction then checks
 * that the branch did not move, the roll day is the same and no staged ID
 * number or 团员编号 was entered meanwhile (otherwise all is staged again),
 * copies them in, moves the counters once, records the outcome (with each new
 * member's id) and audits it. Returns the number entered, or null when the
 * batch was already confirmed.
 */
export async function confirmMemberImport(
  db: Db,
  imp: Omit<StoredImport, "rows"> & { rows: CheckedMemberRow[] },
  branch: Org,
  actorId: number,
  ctx: MemberContext,
  today: number,
): Promise<number | null> {
  const done = async (conn: Conn) => {
    const [fresh] = await conn.select({ doneAt: imports.doneAt }).from(imports).where(eq(imports.id, imp.id));
    return !fresh || fresh.doneAt !== null;
  };
  return await stagedWrite(db, async (stage, reader) => {
    if (await done(reader)) return null;
    const day = await storedRollDay(reader) ?? today;
    const rows = await checkAgainstStored(reader, branch, imp.rows, ctx);
    const valid = rows.filter((r) => r.status === "ok").map((r) => r.value!);
    let due = 0;
    for (let i = 0; i < valid.length; i += 500) {
      const chunk = valid.slice(i, i + 500);
      const stored = chunk.map((v) => rowOf(branch.id, v, day, ctx.now));
      due += stored.reduce((n, r) => n + r.due, 0);
      await stage.rows(members, stored);
      await stage.rows(
        auditLog,
        chunk.map((v) =>
          auditRow({ org: branch, actorId, action: "member.added", detail: audited(v), at: ctx.now })
        ),
      );
    }
    await stage.json("imports.rows", rows);
    return { day, n: valid.length, due, counts: countRows(rows) };
  }, async (tx, stage, p) => {
    if (!p || await done(tx)) return null;
    const org = await getOrg(tx, branch.id);
    if (!org || org.path !== branch.path || await rolledDay(tx, today) !== p.day) {
      throw new Restage("the branch moved or the roll day changed since the rows were staged");
    }
    if (p.n) {
      const [{ taken }] = await tx.select({ taken: count() }).from(members).where(
        or(
          sql`${members.idNumber} IN (${stage.column(members, "idNumber")})`,
          sql`${members.memberNo} IN (${stage.column(members, "memberNo")})`,
        ),
      );
      if (taken) throw new Restage("an ID number or 团员编号 of the batch was entered meanwhile");
      await stage.copy(tx, members);
      await stage.copy(tx, auditLog);
      await changeMemberCount(tx, branch.id, p.n, p.due);
    }
    // The outcome, each entered row with its new member's id (looked up by ID number, in the batch's order).
    await tx.update(imports).set({
      rows: sql`(SELECT json_group_array(CASE WHEN m.id IS NULL THEN json(r.value)
          ELSE json_set(r.value, '$.createdId', m.id) END)
        FROM (SELECT j.key, j.value FROM json_each(${stage.text("imports.rows")}) j ORDER BY j.key) r
        LEFT JOIN members m ON r.value ->> '$.status' = 'ok' AND m.id_number = r.value ->> '$.value.idNumber')`,
      doneAt: ctx.now,
    }).where(eq(imports.id, imp.id));
    await audit(tx, {
      org: branch,
      actorId,
      action: "member.imported",
      detail: {
        importId: imp.id,
        rows: p.counts.total,
        created: p.n,
        skipped: p.counts.skip,
        failed: p.counts.error,
      },
      at: ctx.now,
    });
    return p.n;
  });
}
