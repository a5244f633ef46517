/** Accounts, org admins and sessions. */
import { and, asc, count, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import { createHash } from "node:crypto";
import type { Tx } from "./client.ts";
import { applyChange, type Conn, getOrg } from "./orgs.ts";
import { type Account, accounts, type Org, orgAdmins, orgs, resetCodes, sessions } from "./schema.ts";
import { audit } from "./audit.ts";
import { changedAccount, changedSession, nothing } from "./changes.ts";
import { fast, preparedQuery } from "./reader.ts";

/** Session lifetime: at most 7 days from sign-in… */
export const SESSION_DAYS = 7;
/** …and it ends after 2 hours without a request. */
export const SESSION_IDLE_MS = 2 * 3600_000;
/** How stale `last_seen_at` may get before a request writes it again (one write per 5 minutes, not per request). */
export const SEEN_EVERY_MS = 5 * 60_000;

/** SHA-256 of a bearer secret; only the hash is stored. */
export const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");

/** Finds an account by 手机号码 or 身份证号码. */
export async function findAccountByLogin(
  db: Conn,
  login: string,
): Promise<Account | undefined> {
  const key = login.trim().toUpperCase();
  const [row] = await db.select().from(accounts).where(
    or(eq(accounts.mobile, key), eq(accounts.idNumber, key)),
  );
  return row;
}

/** Finds an account by 身份证号码. */
export async function findAccountByIdNumber(
  db: Conn,
  idNumber: string,
): Promise<Account | undefined> {
  const [row] = await db.select().from(accounts).where(
    eq(accounts.idNumber, idNumber),
  );
  return row;
}

/** The orgs an account administers, in the order they were added. */
export function orgsOfAccount(db: Conn, accountId: number) {
  return db.select({ org: orgs, position: orgAdmins.position }).from(orgAdmins)
    .innerJoin(orgs, eq(orgs.id, orgAdmins.orgId))
    .where(eq(orgAdmins.accountId, accountId)).orderBy(
      asc(orgAdmins.createdAt),
    );
}

/** The admins of an org. */
export function adminsOf(db: Conn, orgId: number) {
  return adminsQuery(fast(db)).all({ orgId });
}

const adminsQuery = preparedQuery((db) =>
  db.select({
    accountId: accounts.id,
    name: accounts.name,
    mobile: accounts.mobile,
    position: orgAdmins.position,
    since: orgAdmins.createdAt,
  }).from(orgAdmins).innerJoin(accounts, eq(accounts.id, orgAdmins.accountId))
    .where(eq(orgAdmins.orgId, sql.placeholder("orgId"))).orderBy(asc(orgAdmins.createdAt)).prepare()
);

/** True when the account administers the org. */
export async function isAdminOf(
  db: Conn,
  accountId: number,
  orgId: number,
): Promise<boolean> {
  const [row] = await db.select({ one: sql`1` }).from(orgAdmins).where(
    and(eq(orgAdmins.accountId, accountId), eq(orgAdmins.orgId, orgId)),
  );
  return !!row;
}

/** Adds an admin to an org and updates the counters. */
export async function addAdmin(
  tx: Tx,
  accountId: number,
  orgId: number,
  position: string,
  codeId: number | null,
  now: Date,
): Promise<void> {
  await tx.insert(orgAdmins).values({
    accountId,
    orgId,
    position,
    codeId,
    createdAt: now,
  });
  changedAccount(tx, accountId);
  const org = (await getOrg(tx, orgId))!;
  await applyChange(tx, orgId, { adminCount: org.adminCount + 1 });
}

/** Stores a session under the hash of its cookie secret. */
export async function createSession(
  db: Conn,
  accountId: number,
  orgId: number,
  secret: string,
  now: Date,
  csrf: string | null = null,
): Promise<void> {
  nothing(db); // a new secret: nothing cached can be about it
  await db.insert(sessions).values({
    id: sha256(secret),
    accountId,
    orgId,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + SESSION_DAYS * 86400_000),
    csrf,
  });
}

/** Records that a session was used at `now`. */
export async function touchSession(db: Conn, secret: string, now: Date): Promise<void> {
  changedSession(db, sha256(secret)); // its cached copy holds the idle deadline
  await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, sha256(secret)));
}

/** When a session row ends: the 7-day cap or 2 hours idle, whichever comes first (ms). */
export const sessionEnd = (s: { expiresAt: Date; lastSeenAt: Date | null; createdAt: Date }): number =>
  Math.min(s.expiresAt.getTime(), (s.lastSeenAt ?? s.createdAt).getTime() + SESSION_IDLE_MS);

/**
 * What a session shows of the org it acts for: the columns that change only
 * with a rename or a move, which name everything (db/changes.ts), so a
 * session kept in the read cache need not be dropped when the org's
 * counters move.
 */
export const sessionOrgColumns = {
  id: orgs.id,
  parentId: orgs.parentId,
  path: orgs.path,
  shortName: orgs.shortName,
};

/** The org a session acts for, as `sessionOrgColumns` reads it. */
export type SessionOrg = Pick<Org, keyof typeof sessionOrgColumns>;

const sessionQuery = preparedQuery((db) =>
  db.select({ session: sessions, account: accounts, org: sessionOrgColumns }).from(sessions)
    .innerJoin(accounts, eq(accounts.id, sessions.accountId))
    .innerJoin(orgs, eq(orgs.id, sessions.orgId))
    .where(and(eq(sessions.id, sql.placeholder("id")), gt(sessions.expiresAt, sql.placeholder("now"))))
    .prepare()
);

/** Loads a live session with its account and current org. */
export async function loadSession(db: Conn, secret: string, now: Date) {
  const [row] = await sessionQuery(fast(db)).all({ id: sha256(secret), now: now.getTime() });
  return row && sessionEnd(row.session) > now.getTime() ? row : undefined;
}

const adminOrgCountQuery = preparedQuery((db) =>
  db.select({ n: count() }).from(orgAdmins).where(eq(orgAdmins.accountId, sql.placeholder("accountId")))
    .prepare()
);

/** How many orgs an account administers (a session offers switching between them). */
export async function adminOrgCount(db: Conn, accountId: number): Promise<number> {
  const [row] = await adminOrgCountQuery(fast(db)).all({ accountId });
  return row?.n ?? 0;
}

/** Ends a session. */
export async function deleteSession(db: Conn, secret: string): Promise<void> {
  changedSession(db, sha256(secret));
  await db.delete(sessions).where(eq(sessions.id, sha256(secret)));
}

/** Switches the org a session acts for. */
export async function setSessionOrg(
  db: Conn,
  secret: string,
  orgId: number,
): Promise<void> {
  changedSession(db, sha256(secret));
  await db.update(sessions).set({ orgId }).where(
    eq(sessions.id, sha256(secret)),
  );
}

/** Ends every session of an account (after a password reset), and expired ones. */
export async function deleteSessionsOf(
  db: Conn,
  accountId: number,
  now: Date,
): Promise<void> {
  changedAccount(db, accountId);
  await db.delete(sessions).where(
    or(eq(sessions.accountId, accountId), lt(sessions.expiresAt, now)),
  );
}

/** Reset codes are valid for 3 days. */
export const RESET_TTL_MS = 3 * 86400_000;

/** Stores a one-time password reset code for `accountId` (only its hash), audited on `org`. Returns its expiry. */
export async function issueResetCode(
  tx: Conn,
  r: { org: Org; accountId: number; code: string; issuedBy: number; issuerOrgId: number; now: Date },
): Promise<Date> {
  const expiresAt = new Date(r.now.getTime() + RESET_TTL_MS);
  nothing(tx); // reset codes are never part of a cached read
  await tx.insert(resetCodes).values({
    accountId: r.accountId,
    codeHash: sha256(r.code),
    issuedBy: r.issuedBy,
    issuerOrgId: r.issuerOrgId,
    createdAt: r.now,
    expiresAt,
  });
  await audit(tx, {
    org: r.org,
    actorId: r.issuedBy,
    action: "password.reset_issued",
    detail: { accountId: r.accountId },
    at: r.now,
  });
  return expiresAt;
}

/** A reset code of the account that is unused and unexpired, by its plain text. */
export async function findResetCode(db: Conn, accountId: number, code: string, now: Date) {
  const [row] = await db.select().from(resetCodes).where(
    and(
      eq(resetCodes.accountId, accountId),
      eq(resetCodes.codeHash, sha256(code)),
      isNull(resetCodes.usedAt),
      gt(resetCodes.expiresAt, now),
    ),
  );
  return row;
}

/**
 * Redeems a reset code: marks it used, sets the new password hash, ends the
 * account's sessions and audits the reset on `orgId` (its first org) when given.
 */
export async function resetPassword(
  tx: Tx,
  r: { codeId: number; accountId: number; hash: string; orgId?: number; now: Date },
): Promise<void> {
  await tx.update(resetCodes).set({ usedAt: r.now }).where(eq(resetCodes.id, r.codeId));
  await tx.update(accounts).set({ passwordHash: r.hash }).where(eq(accounts.id, r.accountId));
  await deleteSessionsOf(tx, r.accountId, r.now);
  const org = r.orgId ? await getOrg(tx, r.orgId) : undefined;
  if (org) await audit(tx, { org, actorId: r.accountId, action: "password.reset", at: r.now });
}

/** Inserts a new account; returns its id. */
export async function insertAccount(tx: Conn, account: typeof accounts.$inferInsert): Promise<number> {
  const [{ id }] = await tx.insert(accounts).values(account).returning({ id: accounts.id });
  return id;
}

/**
 * The orgs `accountId` administers outside the subtree of org `scopeOrgId`
 * (all of them when the scope is unknown). A reset code issued from that org
 * may restore access only when this is empty.
 */
export async function orgsOutside(db: Conn, accountId: number, scopeOrgId: number | null) {
  const scope = scopeOrgId === null ? undefined : await getOrg(db, scopeOrgId);
  const mine = await orgsOfAccount(db, accountId);
  return mine.map((r) => r.org).filter((o) => !scope || !o.path.startsWith(scope.path));
}
