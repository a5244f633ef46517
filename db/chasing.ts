/**
 * What chasing an org needs beside its counters (SPEC §6, issue 12 item 8):
 * the trail of names below the viewer's org, the first admin's name and
 * mobile, and the code status. Read for the rows of one page only, by
 * indexed lookups (org ids, org_admins by org, reg_codes by org), never by
 * walking the tree.
 */
import { and, asc, eq, gt, or, sql, type SQLWrapper } from "drizzle-orm";
import { CODE_STATUS_LABEL, type CodeStatus, codeStatus, trailIds } from "../lib/chasing.ts";
import { maskMobile } from "../lib/mobile.ts";
import { pace } from "./client.ts";
import { fast, preparedQuery } from "./reader.ts";
import { type Conn, listedColumns, subtreeOf } from "./orgs.ts";
import { accounts, orgAdmins, orgs, regCodes } from "./schema.ts";

/** What a row about one org needs to chase it. */
export interface ChaseInfo {
  /** Names from below the viewer's org down to the org's parent ("团济南市委 › 团历下区委"). */
  trail: string[];
  /** The first admin's name and masked mobile, when there is an admin. */
  adminName: string | null;
  adminMobile: string | null;
  /** The org's 团组织联系电话. */
  phone: string | null;
  code: CodeStatus;
  codeLabel: string;
}

/** The org fields chasing reads. */
export type ChaseOrg = { id: number; path: string; adminCount: number; phone: string | null };

/**
 * Rows whose `column` is one of the ids passed as one JSON array in the
 * `ids` placeholder: one prepared statement for any number of ids (an
 * `IN (?, ?, …)` list is a new statement, and new SQL to build, for every
 * length).
 */
const inIds = (column: SQLWrapper) =>
  sql`${column} IN (SELECT value FROM json_each(${sql.placeholder("ids")}))`;

const namesOf = preparedQuery((db) =>
  db.select({ id: orgs.id, shortName: orgs.shortName }).from(orgs).where(inIds(orgs.id)).prepare()
);
const adminsOf = preparedQuery((db) =>
  db.select({ orgId: orgAdmins.orgId, name: accounts.name, mobile: accounts.mobile })
    .from(orgAdmins).innerJoin(accounts, eq(accounts.id, orgAdmins.accountId))
    .where(inIds(orgAdmins.orgId)).orderBy(asc(orgAdmins.createdAt)).prepare()
);
const codesOf = preparedQuery((db) =>
  db.select({ orgId: regCodes.orgId, expiresAt: regCodes.expiresAt, usedAt: regCodes.usedAt })
    .from(regCodes).where(inIds(regCodes.orgId)).prepare()
);

/** Chase details of `rows` (one page, ≤ 1,000 rows), keyed by org id; `viewerPath` is the viewer's org. */
export async function chaseInfo(
  db: Conn,
  rows: ChaseOrg[],
  viewerPath: string,
  now: Date,
): Promise<Map<number, ChaseInfo>> {
  const out = new Map<number, ChaseInfo>();
  if (rows.length === 0) return out;
  const read = fast(db);
  const trailOf = new Map(rows.map((r) => [r.id, trailIds(r.path, viewerPath)]));
  const ancestorIds = [...new Set([...trailOf.values()].flat())];
  const names = new Map<number, string>();
  if (ancestorIds.length) {
    for (const r of await namesOf(read).all({ ids: JSON.stringify(ancestorIds) })) {
      names.set(r.id, r.shortName);
    }
  }
  const admins = new Map<number, { name: string; mobile: string }>();
  const withAdmin = rows.filter((r) => r.adminCount > 0).map((r) => r.id);
  if (withAdmin.length) {
    for (const a of await adminsOf(read).all({ ids: JSON.stringify(withAdmin) })) {
      if (!admins.has(a.orgId)) admins.set(a.orgId, a);
    }
  }
  const codes = new Map<number, { expiresAt: Date; usedAt: Date | null }[]>();
  for (const c of await codesOf(read).all({ ids: JSON.stringify(rows.map((r) => r.id)) })) {
    codes.set(c.orgId, [...(codes.get(c.orgId) ?? []), c]);
  }
  await pace();
  for (const r of rows) {
    const admin = admins.get(r.id);
    const code = codeStatus(r.adminCount, codes.get(r.id) ?? [], now);
    out.set(r.id, {
      trail: trailOf.get(r.id)!.map((id) => names.get(id) ?? ""),
      adminName: admin?.name ?? null,
      adminMobile: admin ? maskMobile(admin.mobile) : null,
      phone: r.phone,
      code,
      codeLabel: CODE_STATUS_LABEL[code],
    });
  }
  return out;
}

/** Columns of an org that the chase list shows. */
const CHASE_COLUMNS = {
  ...listedColumns, // a change to one of them reaches the ancestors' cached pages (db/orgs.ts applyChange)
  adminCount: orgs.adminCount,
  infoComplete: orgs.infoComplete,
};

/** An org that still needs chasing. */
export type ChaseRow = { [K in keyof typeof CHASE_COLUMNS]: (typeof CHASE_COLUMNS)[K]["_"]["data"] };

/**
 * One keyset page (by path) of the orgs below `rootPath` (the root excluded)
 * that still need chasing: no admin yet, or info not complete.
 */
export function chasePage(db: Conn, rootPath: string, after: string | undefined, limit: number) {
  return db.select(CHASE_COLUMNS).from(orgs).where(
    and(
      subtreeOf(rootPath),
      gt(orgs.path, after ?? rootPath),
      or(eq(orgs.adminCount, 0), eq(orgs.infoComplete, 0)),
    ),
  ).orderBy(asc(orgs.path)).limit(limit);
}

/** Rows read per page while a 催办 spreadsheet is built. */
const SHEET_PAGE = 500;

/**
 * The rows of a 催办 spreadsheet (the 催办清单, a problem list): keyset pages from `page(after, size)`,
 * each with its {@link chaseInfo} as `viewer` (the viewer's org path, now) sees it, mapped by `row` (given
 * the number of rows before it) until `limit` rows or the last page, letting other requests run between
 * pages.
 */
export async function chaseSheetRows<T extends ChaseOrg, R>(
  db: Conn,
  page: (after: string | undefined, size: number) => Promise<T[]>,
  viewer: { path: string; now: Date },
  limit: number,
  row: (o: T, chase: ChaseInfo, before: number) => R,
): Promise<R[]> {
  const out: R[] = [];
  let after: string | undefined;
  while (out.length < limit) {
    const rows = await page(after, SHEET_PAGE);
    const chase = await chaseInfo(db, rows, viewer.path, viewer.now);
    for (const o of rows) out.push(row(o, chase.get(o.id)!, out.length));
    if (rows.length < SHEET_PAGE) break;
    after = rows.at(-1)!.path;
    await pace();
  }
  return out;
}
