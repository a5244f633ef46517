/** 管理员注册码: issuing, looking up and redeeming. */
import { and, asc, eq, gt, inArray, isNull } from "drizzle-orm";
import { CODE_TTL_DAYS, codeExpiry, generateCode } from "../lib/codes.ts";
import { beijingDate } from "../lib/time.ts";
import { pace, runAll, type Tx } from "./client.ts";
import type { Conn } from "./orgs.ts";
import { auditMany } from "./audit.ts";
import { orgs, regCodes } from "./schema.ts";
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

/**
 * Returns each org's valid unused code, generating one where none is valid.
 * The issuing admin's org is audited once per generated code.
 */
export async function issueCodes(
  tx: Tx,
  orgIds: number[],
  issuer: { accountId: number | null },
  now: Date,
): Promise<IssuedCode[]> {
  // A child's code status shows on its parent's to-do list and in every ancestor's progress and problem
  // rows (lib/chasing.ts), so a new code changes the child's row as far as cached pages go.
  nothing(tx);
  const existing = await validCodes(tx, orgIds, now);
  const missing = orgIds.filter((id) => !existing.has(id));
  const paths = new Map<number, string>();
  for (let i = 0; i < missing.length; i += 500) {
    await pace();
    const rows = await tx.select({ id: orgs.id, path: orgs.path }).from(orgs)
      .where(
        inArray(orgs.id, missing.slice(i, i + 500)),
      );
    for (const r of rows) paths.set(r.id, r.path);
  }
  for (const path of paths.values()) changedOrg(tx, path);
  const expiresAt = codeExpiry(now);
  // Codes are drawn and checked 500 at a time, and inserted together at the end (`runAll`: one round trip
  // to a libSQL server), so `seen` spans every chunk.
  const seen = new Set<string>();
  const inserts = [];
  for (let i = 0; i < missing.length; i += 500) {
    await pace();
    const chunk = missing.slice(i, i + 500);
    const codes = chunk.map(() => generateCode());
    // Redraw any code already issued (or drawn twice): with 56⁸ codes this almost never loops.
    for (let attempt = 0; attempt < 5; attempt++) {
      const taken = new Set(
        (await tx.select({ code: regCodes.code }).from(regCodes).where(inArray(regCodes.code, codes))).map((
          r,
        ) => r.code),
      );
      const drawn = new Set<string>();
      let redrawn = false;
      codes.forEach((code, k) => {
        if (taken.has(code) || seen.has(code) || drawn.has(code)) {
          codes[k] = generateCode();
          redrawn = true;
        }
        drawn.add(codes[k]);
      });
      if (!redrawn) break;
    }
    for (const code of codes) seen.add(code);
    for (let j = 0; j < chunk.length; j += 250) {
      inserts.push(
        tx.insert(regCodes).values(
          chunk.slice(j, j + 250).map((orgId, k) => ({
            orgId,
            code: codes[j + k],
            issuedBy: issuer.accountId,
            createdAt: now,
            expiresAt,
          })),
        ),
      );
    }
    chunk.forEach((orgId, k) => existing.set(orgId, { orgId, code: codes[k], expiresAt, fresh: true }));
  }
  await runAll(tx, inserts);
  await auditMany(
    tx,
    missing.map((orgId) => ({
      org: { id: orgId, path: paths.get(orgId)! },
      actorId: issuer.accountId,
      action: "code.issued" as const,
      detail: { expiresAt: expiresAt.toISOString() },
      at: now,
    })),
  );
  return orgIds.map((id) => existing.get(id)!);
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
