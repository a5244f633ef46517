/**
 * Excel batches: the parent's existing children as the row checks need them,
 * stored uploads waiting for confirmation, and the confirmation itself (all
 * valid rows created in one transaction, counters moved once).
 */
import { and, eq, lt } from "drizzle-orm";
import { type CheckedRow, checkRows, countRows, type ExistingChild } from "../lib/import_rows.ts";
import { generateSecret } from "../lib/codes.ts";
import { audit } from "./audit.ts";
import { createChildren } from "./children.ts";
import { breathe, type Db, pace, type Tx, writeTx } from "./client.ts";
import { type Conn, getOrg } from "./orgs.ts";
import { imports, orgs } from "./schema.ts";
import { nothing } from "./changes.ts";

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

/** The direct children of `parentId` by 简称. */
export async function existingChildren(db: Conn, parentId: number): Promise<Map<string, ExistingChild>> {
  const rows = await db.select({
    id: orgs.id,
    shortName: orgs.shortName,
    category: orgs.category,
    initialised: orgs.initialised,
  }).from(orgs).where(eq(orgs.parentId, parentId));
  return new Map(
    rows.map((r) => [r.shortName, { id: r.id, category: r.category, initialised: r.initialised }]),
  );
}

/**
 * Stores checked rows for the admin's confirmation (dropping batches older than a week). Returns its id,
 * or null when the batch would exceed MAX_BATCH_BYTES.
 */
export async function saveImport(
  db: Db,
  orgId: number,
  accountId: number,
  rows: unknown[],
  now: Date,
  kind: "children" | "members" = "children",
): Promise<string | null> {
  const json = JSON.stringify(rows);
  if (json.length * 3 > MAX_BATCH_BYTES && new TextEncoder().encode(json).length > MAX_BATCH_BYTES) {
    return null;
  }
  const id = generateSecret(12);
  await writeTx(db, async (tx) => {
    nothing(tx); // uploads waiting for confirmation are never part of a cached read
    await tx.delete(imports).where(lt(imports.createdAt, new Date(now.getTime() - KEEP_MS)));
    await tx.insert(imports).values({ id, orgId, accountId, rows, kind, createdAt: now });
  });
  return id;
}

/** A stored batch of one org (of direct children unless `kind` says otherwise), or undefined. */
export async function loadImport<R = CheckedRow>(
  db: Conn,
  orgId: number,
  id: string,
  kind: "children" | "members" = "children",
): Promise<(Omit<StoredImport, "rows"> & { rows: R[] }) | undefined> {
  const [row] = await db.select().from(imports).where(
    and(eq(imports.id, id), eq(imports.orgId, orgId), eq(imports.kind, kind)),
  );
  return row ? { ...row, rows: row.rows as R[] } : undefined;
}

/**
 * Confirms a batch in the caller's transaction: checks the rows again against
 * the children as they are now (rows created since the preview are skipped),
 * creates every valid row at once, stores the outcome and audits the counts.
 * Returns the number created, or null when the batch was already confirmed.
 */
export async function confirmImport(
  tx: Tx,
  imp: StoredImport,
  actorId: number,
  now: Date,
): Promise<number | null> {
  nothing(tx); // the batch row itself; new children name their parent (createChildren)
  const [fresh] = await tx.select({ doneAt: imports.doneAt }).from(imports).where(eq(imports.id, imp.id));
  if (!fresh || fresh.doneAt) return null;
  const parent = (await getOrg(tx, imp.orgId))!;
  const existing = await existingChildren(tx, parent.id);
  await pace();
  const rows = checkRows(parent, imp.rows, existing);
  await breathe();
  const valid = rows.filter((r) => r.status === "ok");
  const created = valid.length
    ? await createChildren(tx, parent.id, valid.map((r) => r.value!), actorId, now)
    : [];
  await pace();
  const idOf = new Map(created.map((o) => [o.shortName, o.id]));
  for (const r of valid) r.createdId = idOf.get(r.value!.shortName);
  await tx.update(imports).set({ rows, doneAt: now }).where(eq(imports.id, imp.id));
  await pace();
  const counts = countRows(rows);
  await audit(tx, {
    org: parent,
    actorId,
    action: "import.confirmed",
    detail: {
      importId: imp.id,
      rows: counts.total,
      created: created.length,
      skipped: counts.skip,
      failed: counts.error,
    },
    at: now,
  });
  return created.length;
}
