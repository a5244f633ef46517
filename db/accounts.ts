/** Accounts, org admins and sessions. */
import { and, asc, eq, gt, lt, or, sql } from "drizzle-orm";
import { createHash } from "node:crypto";
import type { Tx } from "./client.ts";
import { applyChange, type Conn, getOrg } from "./orgs.ts";
import { type Account, accounts, orgAdmins, orgs, sessions } from "./schema.ts";
import { changedAccount, changedSession, nothing } from "./changes.ts";

/** Session lifetime. */
export const SESSION_DAYS = 7;

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
  return db.select({
    accountId: accounts.id,
    name: accounts.name,
    mobile: accounts.mobile,
    position: orgAdmins.position,
    since: orgAdmins.createdAt,
  }).from(orgAdmins).innerJoin(accounts, eq(accounts.id, orgAdmins.accountId))
    .where(eq(orgAdmins.orgId, orgId)).orderBy(asc(orgAdmins.createdAt));
}

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
): Promise<void> {
  nothing(db); // a new secret: nothing cached can be about it
  await db.insert(sessions).values({
    id: sha256(secret),
    accountId,
    orgId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + SESSION_DAYS * 86400_000),
  });
}

/** Loads a live session with its account and current org. */
export async function loadSession(db: Conn, secret: string, now: Date) {
  const [row] = await db.select({
    session: sessions,
    account: accounts,
    org: orgs,
  }).from(sessions)
    .innerJoin(accounts, eq(accounts.id, sessions.accountId))
    .innerJoin(orgs, eq(orgs.id, sessions.orgId))
    .where(and(eq(sessions.id, sha256(secret)), gt(sessions.expiresAt, now)));
  return row;
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
