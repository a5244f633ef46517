/** 管理员注册码: issuing, looking up and redeeming. */
import { and, asc, count, eq, gt, inArray, isNull, or, sql } from "drizzle-orm";
import { CODE_TTL_DAYS, codeExpiry, generateCode } from "../lib/codes.ts";
import { beijingDate } from "../lib/time.ts";
import { type Db, pace, runAll, type Tx } from "./client.ts";
import type { Conn } from "./orgs.ts";
import { type AuditEntry, auditMany, auditRow } from "./audit.ts";
import { auditLog, orgs, regCodes } from "./schema.ts";
import { Restage, stagedWrite } from "./staging.ts";
import { changedOrg, nothing } from "./changes.ts";

/** A code as shown to the issuing admin. */
export interface IssuedCode {
  orgId: number;
  code: string;
  expiresAt: Date;
  fresh: boolean;
}

/** The valid, unused codes of some orgs (at most one per org, the newest). */
export async function validCodes(
  db: Conn,
  orgIds: number[],
  now: Date,
): Promise<Map<number, IssuedCode>> {
  const out = new Map<number, IssuedCode>();
  for (let i = 0; i < orgIds.length; i += 500) {
    await pace();
    const rows = await db.select().from(regCodes).where(
      and(
        inArray(regCodes.orgId, orgIds.slice(i, i + 500)),
        isNull(regCodes.usedAt),
        gt(regCodes.expiresAt, now),
      ),
    ).orderBy(asc(regCodes.createdAt));
    for (const r of rows) {
      out.set(r.orgId, {
        orgId: r.orgId,
        code: r.code,
        expiresAt: r.expiresAt,
        fresh: false,
      });
    }
  }
  return out;
}

/** What issuing codes for some orgs writes: the orgs' valid codes, and the new codes with their audit entries. */
interface Drawn {
  /** Every org's code, the new ones included. */
  codes: Map<number, IssuedCode>;
  /** The orgs that get a new code, and their paths. */
  paths: Map<number, string>;
  rows: (typeof regCodes.$inferInsert)[];
  audits: AuditEntry[];
}

/**
 * Reads each org's valid unused code and draws one for each org without:
 * codes are drawn and checked against those issued 500 at a time (with 56⁸
 * codes a redraw almost never happens), `seen` spanning every chunk.
 */
async function drawCodes(
  db: Conn,
  orgIds: number[],
  issuer: { accountId: number | null },
  now: Date,
): Promise<Drawn> {
  const codes = await validCodes(db, orgIds, now);
  const missing = orgIds.filter((id) => !codes.has(id));
  const paths = new Map<number, string>();
  for (let i = 0; i < missing.length; i += 500) {
    await pace();
    const rows = await db.select({ id: orgs.id, path: orgs.path }).from(orgs)
      .where(inArray(orgs.id, missing.slice(i, i + 500)));
    for (const r of rows) paths.set(r.id, r.path);
  }
  const expiresAt = codeExpiry(now);
  const seen = new Set<string>();
  const rows: Drawn["rows"] = [];
  for (let i = 0; i < missing.length; i += 500) {
    await pace();
    const chunk = missing.slice(i, i + 500);
    const drawn = chunk.map(() => generateCode());
    for (let attempt = 0; attempt < 5; attempt++) {
      const taken = new Set(
        (await db.select({ code: regCodes.code }).from(regCodes).where(inArray(regCodes.code, drawn))).map((
          r,
        ) => r.code),
      );
      const here = new Set<string>();
      let redrawn = false;
      drawn.forEach((code, k) => {
        if (taken.has(code) || seen.has(code) || here.has(code)) {
          drawn[k] = generateCode();
          redrawn = true;
        }
        here.add(drawn[k]);
      });
      if (!redrawn) break;
    }
    chunk.forEach((orgId, k) => {
      seen.add(drawn[k]);
      rows.push({ orgId, code: drawn[k], issuedBy: issuer.accountId, createdAt: now, expiresAt });
      codes.set(orgId, { orgId, code: drawn[k], expiresAt, fresh: true });
    });
  }
  const audits = missing.map((orgId) => ({
    org: { id: orgId, path: paths.get(orgId)! },
    actorId: issuer.accountId,
    action: "code.issued" as const,
    detail: { expiresAt: expiresAt.toISOString() },
    at: now,
  }));
  return { codes, paths, rows, audits };
}

// A child's code status shows on its parent's to-do list and in every ancestor's progress and problem rows
// (lib/chasing.ts), so a new code changes the child's row as far as cached pages go.
function noteNewCodes(tx: Tx, drawn: Drawn): void {
  nothing(tx);
  for (const path of drawn.paths.values()) changedOrg(tx, path);
}

/**
 * Returns each org's valid unused code, generating one where none is valid,
 * in the caller's transaction (a few orgs: a code for one child). The
 * issuing admin's org is audited once per generated code.
 */
export async function issueCodes(
  tx: Tx,
  orgIds: number[],
  issuer: { accountId: number | null },
  now: Date,
): Promise<IssuedCode[]> {
  const drawn = await drawCodes(tx, orgIds, issuer, now);
  noteNewCodes(tx, drawn);
  const inserts = [];
  for (let j = 0; j < drawn.rows.length; j += 250) {
    inserts.push(tx.insert(regCodes).values(drawn.rows.slice(j, j + 250)));
  }
  await runAll(tx, inserts);
  await auditMany(tx, drawn.audits);
  return orgIds.map((id) => drawn.codes.get(id)!);
}

/**
 * `issueCodes` for thousands of orgs (every child of a big parent), as a
 * staged long write (db/staging.ts): codes are drawn and staged first; the
 * short final transaction checks that no org got a code and no drawn code
 * was issued meanwhile (otherwise all is drawn again), then copies them in.
 */
export async function issueManyCodes(
  db: Db,
  orgIds: number[],
  issuer: { accountId: number | null },
  now: Date,
): Promise<IssuedCode[]> {
  const drawn = await stagedWrite(db, async (stage, reader) => {
    const drawn = await drawCodes(reader, orgIds, issuer, now);
    await stage.rows(regCodes, drawn.rows);
    await stage.rows(auditLog, drawn.audits.map(auditRow));
    return drawn;
  }, async (tx, stage, drawn) => {
    noteNewCodes(tx, drawn);
    if (drawn.rows.length === 0) return drawn;
    const [{ taken }] = await tx.select({ taken: count() }).from(regCodes).where(
      or(
        sql`${regCodes.code} IN (${stage.column(regCodes, "code")})`,
        and(
          sql`${regCodes.orgId} IN (${stage.column(regCodes, "orgId")})`,
          isNull(regCodes.usedAt),
          gt(regCodes.expiresAt, now),
        ),
      ),
    );
    if (taken) throw new Restage("a code was issued for one of these orgs, or a drawn code, meanwhile");
    await stage.copy(tx, regCodes);
    await stage.copy(tx, auditLog);
    return drawn;
  });
  return orgIds.map((id) => drawn.codes.get(id)!);
}

/** Why a code cannot be used. */
export type CodeProblem = "wrong" | "expired" | "used" | "other-org";

/** Checks a code for an org without using it. */
export async function checkCode(
  db: Conn,
  orgId: number,
  code: string,
  now: Date,
): Promise<
  { ok: true; id: number } | {
    ok: false;
    problem: CodeProblem;
    expiresAt?: Date;
  }
> {
  const [row] = await db.select().from(regCodes).where(eq(regCodes.code, code));
  if (!row) return { ok: false, problem: "wrong" };
  if (row.orgId !== orgId) return { ok: false, problem: "other-org" };
  if (row.usedAt) return { ok: false, problem: "used" };
  if (row.expiresAt <= now) {
    return { ok: false, problem: "expired", expiresAt: row.expiresAt };
  }
  return { ok: true, id: row.id };
}

/**
 * Marks a code used, exactly once: a conditional update that only the first
 * of any number of concurrent redemptions can win.
 */
export async function redeemCode(
  tx: Tx,
  codeId: number,
  accountId: number,
  now: Date,
): Promise<boolean> {
  nothing(tx);
  const res = await tx.update(regCodes).set({ usedAt: now, usedBy: accountId })
    .where(
      and(
        eq(regCodes.id, codeId),
        isNull(regCodes.usedAt),
        gt(regCodes.expiresAt, now),
      ),
    );
  return res.rowsAffected === 1;
}

/** Chinese message for a code problem, saying what to do next. */
export function codeProblemText(p: CodeProblem, expiresAt?: Date): string {
  switch (p) {
    case "wrong":
      return "注册码不正确：请核对大小写（注册码区分大小写，不含 0、O、o、1、l、I 等易混字符）；如仍不正确，请向上级团组织管理员索取新的注册码。";
    case "other-org":
      return "注册码与所选组织不匹配：请确认选择的是上级为您生成注册码的那个组织。";
    case "used":
      return "注册码已被使用（每个注册码只能注册一名管理员）：请联系上级团组织管理员为您生成新的注册码。";
    case "expired":
      return `注册码已过期（有效期 ${CODE_TTL_DAYS} 天${
        expiresAt ? `，已于 ${beijingDate(expiresAt)}（北京时间）到期` : ""
      }）：请联系上级团组织管理员生成新的注册码。`;
  }
}
