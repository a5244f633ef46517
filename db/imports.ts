/**
 * Excel batches: the parent's existing children as the row checks need them,
 * stored uploads waiting for confirmation, and the confirmation itself (all
 * valid rows staged, then created in one short transaction, counters moved
 * once).
 */
import { and, asc, count, eq, gt, gte, lt, lte, sql } from "drizzle-orm";
import {
  type CheckedRow,
  countRows,
  type ExistingChild,
  type RawRow,
  rowChecker,
} from "../lib/import_rows.ts";
import type { ParentInfo } from "../lib/new_child.ts";
import { add, zero } from "../lib/counters.ts";
import { generateSecret } from "../lib/codes.ts";
import { audit, auditRow } from "./audit.ts";
import { placeAt } from "./children.ts";
import { type Db, mapPaced, pace, writeTx } from "./client.ts";
import { applyChange, type Conn, getOrg, reserveIds } from "./orgs.ts";
import { auditLog, imports, orgs } from "./schema.ts";
import { createdOrgs, nothing } from "./changes.ts";
import { Restage, stagedWrite } from "./staging.ts";
import { childRows, gramRows, orgNameGrams } from "./staging_rows.ts";

/** Largest stored batch (its rows as JSON): 10,000 full rows with messages take about 5 MB. */
export const MAX_BATCH_BYTES = 12 * 1024 * 1024;

/** Unconfirmed uploads are kept this long. */
export const KEEP_MS = 7 * 86400_000;

/** A stored batch. */
export interface StoredImport {
  id: string;
  orgId: number;
  accountId: number;
  rows: CheckedRow[];
  createdAt: Date;
  doneAt: Date | null;
}

/** Children read per statement: a libSQL server refuses a response of more than about 10 MB. */
const CHILDREN_PAGE = 10_000;

/** The direct children of `parentId` by 简称. */
export async function existingChildren(db: Conn, parentId: number): Promise<Map<string, ExistingChild>> {
  const out = new Map<string, ExistingChild>();
  // In sibling order (the parent's index), a page at a time.
  let after: number | undefined;
  for (;;) {
    const rows = await db.select({
      id: orgs.id,
      shortName: orgs.shortName,
      category: orgs.category,
      initialised: orgs.initialised,
      sortOrder: orgs.sortOrder,
    }).from(orgs).where(
      and(eq(orgs.parentId, parentId), after === undefined ? undefined : gt(orgs.sortOrder, after)),
    ).orderBy(asc(orgs.sortOrder))
      .limit(CHILDREN_PAGE);
    for (const r of rows) {
      out.set(r.shortName, { id: r.id, category: r.category, initialised: r.initialised });
    }
    if (rows.length < CHILDREN_PAGE) return out;
    after = rows[rows.length - 1].sortOrder;
  }
}

/**
 * Checks uploaded rows against `parent`'s children as they are now (lib/import_rows.ts), 500 rows between
 * breaths: all 5,000 at once held the event loop for 63 ms.
 */
export async function checkImport(
  db: Conn,
  parent: ParentInfo & { id: number },
  rows: readonly RawRow[],
): Promise<CheckedRow[]> {
  return await mapPaced(rows, rowChecker(parent, await existingChildren(db, parent.id)));
}

/** Rows a piece when a batch is written or read (a 5,000-row batch is about 3 MB of JSON). */
const PIECE = 500;

/**
 * Stores checked rows for the admin's confirmation (dropping batches older than a week). Returns its id,
 * or null when the batch would exceed MAX_BATCH_BYTES. The JSON is built 500 rows at a time with a
 * breath between (one `JSON.stringify` of 5,000 rows held the event loop for tens of ms).
 */
export async function saveImport(
  db: Db,
  orgId: number,
  accountId: number,
  rows: unknown[],
  now: Date,
  kind: "children" | "members" = "children",
): Promise<string | null> {
  const parts: string[] = [];
  for (let i = 0; i < rows.length; i += PIECE) {
    parts.push(JSON.stringify(rows.slice(i, i + PIECE)).slice(1, -1));
    await pace();
  }
  const json = `[${parts.join(",")}]`;
  if (json.length * 3 > MAX_BATCH_BYTES && new TextEncoder().encode(json).length > MAX_BATCH_BYTES) {
    return null;
  }
  const id = generateSecret(12);
  await writeTx(db, async (tx) => {
    nothing(tx); // uploads waiting for confirmation are never part of a cached read
    await tx.delete(imports).where(lt(imports.createdAt, new Date(now.getTime() - KEEP_MS)));
    // The text as built (the json column would stringify the whole array again, at once).
    await tx.insert(imports).values({ id, orgId, accountId, rows: sql`${json}`, kind, createdAt: now });
  });
  return id;
}

/**
 * A stored batch of one org (of direct children unless `kind` says otherwise), or undefined. Its rows
 * are read 500 at a time (SQLite cuts the stored array, each piece is parsed with a breath between:
 * one `JSON.parse` of a 5,000-row batch held the event loop for 25–35 ms).
 */
export async function loadImport<R = CheckedRow>(
  db: Conn,
  orgId: number,
  id: string,
  kind: "children" | "members" = "children",
): Promise<(Omit<StoredImport, "rows"> & { rows: R[] }) | undefined> {
  const [row] = await db.select({
    id: imports.id,
    orgId: imports.orgId,
    accountId: imports.accountId,
    createdAt: imports.createdAt,
    doneAt: imports.doneAt,
    n: sql<number>`json_array_length(${imports.rows})`,
  }).from(imports).where(and(eq(imports.id, id), eq(imports.orgId, orgId), eq(imports.kind, kind)));
  if (!row) return undefined;
  const { n, ...batch } = row;
  const rows: R[] = [];
  for (let from = 0; from < n; from += PIECE) {
    const [{ piece }] = await db.select({
      piece: sql<string>`(SELECT json_group_array(json(j.value)) FROM json_each(${imports.rows}) j
        WHERE j.key >= ${from} AND j.key < ${from + PIECE})`,
    }).from(imports).where(eq(imports.id, id));
    rows.push(...JSON.parse(piece) as R[]);
    await pace();
  }
  return { ...batch, rows };
}

/**
 * Confirms a batch, a staged long write (db/staging.ts): the rows are checked
 * again against the children as they are now on the primary (rows created
 * since the preview are skipped) and every valid one is staged with its
 * name-index and audit rows; one short transaction then checks that the
 * parent did not move and no child took a staged name meanwhile (otherwise
 * all is staged again), copies them into place after the last child (others
 * may have added some), moves the counters once, stores the outcome and
 * audits the counts. Returns the number created, or null when
 * the batch was already confirmed.
 */
export async function confirmImport(
  db: Db,
  imp: StoredImport,
  actorId: number,
  now: Date,
): Promise<number | null> {
  const lastSort = async (conn: Conn, parentId: number) => {
    const [{ last }] = await conn.select({ last: sql<number>`coalesce(max(${orgs.sortOrder}), 0)` }).from(
      orgs,
    )
      .where(eq(orgs.parentId, parentId));
    return last;
  };
  const done = async (conn: Conn) => {
    const [fresh] = await conn.select({ doneAt: imports.doneAt }).from(imports).where(eq(imports.id, imp.id));
    return !fresh || fresh.doneAt !== null;
  };
  return await stagedWrite(db, async (stage, reader) => {
    if (await done(reader)) return null;
    const parent = (await getOrg(reader, imp.orgId))!;
    const existing = await existingChildren(reader, parent.id);
    const last = await lastSort(reader, parent.id);
    // Checked, built and staged 500 rows at a time, breathing between (5,000 at once held the event loop).
    const rows = await mapPaced(imp.rows, rowChecker(parent, existing));
    const valid = rows.filter((r) => r.status === "ok");
    const firstId = valid.length
      ? await writeTx(db, (tx) => reserveIds(tx, valid.length), { quiet: true })
      : 0;
    let delta = zero();
    for (let i = 0; i < valid.length; i += 500) {
      const chunk = valid.slice(i, i + 500);
      const made = childRows(parent, chunk.map((r) => r.value!), firstId + i, last + i, now);
      delta = add(delta, made.delta);
      chunk.forEach((r, k) => r.createdId = made.rows[k].id);
      await stage.rows(orgs, made.rows);
      await stage.rows(orgNameGrams, gramRows(made.rows));
      await stage.rows(
        auditLog,
        made.rows.map((r) =>
          auditRow({
            org: { id: r.id!, path: r.path },
            actorId,
            action: "org.created",
            detail: { shortName: r.shortName, category: r.category, fullName: r.fullName },
            at: now,
          })
        ),
      );
    }
    await stage.json("imports.rows", rows);
    return {
      path: parent.path,
      last,
      firstId,
      n: valid.length,
      delta,
      wanted: valid.map((r) => r.value!.sortOrder),
      counts: countRows(rows),
    };
  }, async (tx, stage, p) => {
    nothing(tx); // the batch row itself; the new children name their parent (createdOrgs, applyChange)
    if (!p || await done(tx)) return null;
    const parent = await getOrg(tx, imp.orgId);
    if (!parent || parent.path !== p.path) throw new Restage("the parent moved since the rows were staged");
    const { n, firstId } = p;
    if (n) {
      const [{ clash }] = await tx.select({ clash: count() }).from(orgs).where(
        and(eq(orgs.parentId, parent.id), sql`${orgs.shortName} IN (${stage.column(orgs, "shortName")})`),
      );
      if (clash) throw new Restage("a child with a staged name was created or renamed meanwhile");
      // Children added or removed meanwhile by others: the new ones still come after the last one.
      const shift = await lastSort(tx, parent.id) - p.last;
      await stage.copy(tx, orgs);
      await stage.copy(tx, orgNameGrams, { orIgnore: true, orderBy: ["gram", "path"] });
      await stage.copy(tx, auditLog);
      createdOrgs(tx, Array.from({ length: n }, (_, i) => firstId + i));
      if (shift) {
        await tx.update(orgs).set({ sortOrder: sql`${orgs.sortOrder} + ${shift}` }).where(
          and(gte(orgs.id, firstId), lte(orgs.id, firstId + n - 1)),
        );
      }
      // Requested positions: move each such child into place (later siblings shift).
      for (const [i, pos] of p.wanted.entries()) {
        if (pos && pos < p.last + i + 1 + shift) await placeAt(tx, parent.id, firstId + i, pos);
      }
      await applyChange(tx, parent.id, {}, p.delta, n);
    }
    await tx.update(imports).set({ rows: stage.text("imports.rows"), doneAt: now }).where(
      eq(imports.id, imp.id),
    );
    await pace(); // the outcome of 5,000 rows is 2 MB of JSON written (about 25 ms)
    await audit(tx, {
      org: parent,
      actorId,
      action: "import.confirmed",
      detail: {
        importId: imp.id,
        rows: p.counts.total,
        created: n,
        skipped: p.counts.skip,
        failed: p.counts.error,
      },
      at: now,
    });
    return n;
  });
}
