/**
 * 团员 (SPEC §9): reads, single and batch writes, the member counters kept
 * exact on every write (one UPDATE over the org's ancestor chain, since they
 * are plain sums), the daily 应离团 roll, and a full recount for checks.
 */
import { and, asc, count, eq, inArray, isNull, lte, sql } from "drizzle-orm";
import {
  madd,
  MEMBER_COUNTERS,
  type MemberCounts,
  type MemberFlagInputs,
  memberFlags,
  misZero,
  mzero,
  recountMembers,
} from "../lib/member_counters.ts";
import { heldElsewhere, isDueToLeave, memberNoTaken, type MemberValue } from "../lib/member_rules.ts";
import { maskIdNumber } from "../lib/id_number.ts";
import { audit, auditMany } from "./audit.ts";
import { pace, type Tx } from "./client.ts";
import { changedOrg, nothing } from "./changes.ts";
import { type Conn, getOrg, pathIds } from "./orgs.ts";
import { fast, preparedQuery } from "./reader.ts";
import { type Member, members, type Org, orgs, settings } from "./schema.ts";

/** The member counter columns of `orgs`, by counter name. */
export const MEMBER_COLUMNS = {
  members: orgs.subMembers,
  filled: orgs.subFilled,
  small: orgs.subSmall,
  large: orgs.subLarge,
  due: orgs.subDue,
  membersW1: orgs.subMembersW1,
  membersW2: orgs.subMembersW2,
  filledW1: orgs.subFilledW1,
  filledW2: orgs.subFilledW2,
  branchesW1: orgs.subBranchesW1,
  branchesW2: orgs.subBranchesW2,
} as const satisfies Record<keyof MemberCounts, unknown>;

/** The property of `Org` holding each counter. */
const KEY = {
  members: "subMembers",
  filled: "subFilled",
  small: "subSmall",
  large: "subLarge",
  due: "subDue",
  membersW1: "subMembersW1",
  membersW2: "subMembersW2",
  filledW1: "subFilledW1",
  filledW2: "subFilledW2",
  branchesW1: "subBranchesW1",
  branchesW2: "subBranchesW2",
} as const satisfies Record<keyof MemberCounts, keyof Org>;

/** The member counters of an org row. */
export function memberCountsOf(o: Pick<Org, (typeof KEY)[keyof typeof KEY]>): MemberCounts {
  const c = mzero();
  for (const k of MEMBER_COUNTERS) c[k] = o[KEY[k]];
  return c;
}

/**
 * Adds `delta` to the member counters of every org on `path` (the org and its
 * ancestors): one statement, as the counters are sums of own flags.
 */
export async function carryMembers(tx: Tx, path: string, delta: MemberCounts): Promise<void> {
  if (misZero(delta)) return;
  changedOrg(tx, path); // every org on the path shows its member counters
  const set: Record<string, unknown> = {};
  for (const k of MEMBER_COUNTERS) {
    if (delta[k]) set[KEY[k]] = sql`${MEMBER_COLUMNS[k]} + ${delta[k]}`;
  }
  await tx.update(orgs).set(set).where(inArray(orgs.id, pathIds(path)));
}

/** The change in an org's own member flags when its row goes from `before` to `after`. */
export const memberDelta = (before: MemberFlagInputs, after: MemberFlagInputs): MemberCounts =>
  madd(memberFlags(after), memberFlags(before), -1);

/** Changes an org's own member and 应离团 counts by `members` and `due`, counters carried up. */
export async function changeMemberCount(tx: Tx, orgId: number, members_: number, due: number): Promise<void> {
  const org = (await getOrg(tx, orgId))!;
  changedOrg(tx, org.path); // its counters and its ancestors' (db/changes.ts)
  const next = { ...org, memberCount: org.memberCount + members_, dueCount: org.dueCount + due };
  await tx.update(orgs).set({ memberCount: next.memberCount, dueCount: next.dueCount }).where(
    eq(orgs.id, orgId),
  );
  await carryMembers(tx, org.path, memberDelta(org, next));
}

/**
 * Changes the own member and 应离团 counts of many orgs at once (the daily
 * roll): each org's counter delta is summed into every org on its path, and
 * all changed rows are written 200 to a statement.
 */
export async function changeManyCounts(
  tx: Tx,
  changes: Map<number, { members: number; due: number }>,
): Promise<void> {
  const ids = [...changes.keys()];
  const acc = new Map<number, MemberCounts>();
  const own: [number, number, number][] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await tx.select().from(orgs).where(inArray(orgs.id, ids.slice(i, i + 500)));
    for (const o of rows) {
      changedOrg(tx, o.path); // its counters and its ancestors' (db/changes.ts)
      const ch = changes.get(o.id)!;
      const next = { ...o, memberCount: o.memberCount + ch.members, dueCount: o.dueCount + ch.due };
      own.push([o.id, next.memberCount, next.dueCount]);
      const d = memberDelta(o, next);
      for (const a of pathIds(o.path)) acc.set(a, madd(acc.get(a) ?? mzero(), d));
    }
    await pace();
  }
  for (let i = 0; i < own.length; i += 200) {
    const values = sql.join(own.slice(i, i + 200).map((r) => sql`(${r[0]}, ${r[1]}, ${r[2]})`), sql`, `);
    await tx.run(
      sql`UPDATE orgs SET member_count = v.column2, due_count = v.column3 FROM (VALUES ${values}) AS v WHERE orgs.id = v.column1`,
    );
    await pace();
  }
  const sums = [...acc].filter(([, d]) => !misZero(d));
  const cols = MEMBER_COUNTERS.map((k, j) => `${columnOf(k)} = ${columnOf(k)} + v.column${j + 2}`).join(", ");
  for (let i = 0; i < sums.length; i += 200) {
    const values = sql.join(
      sums.slice(i, i + 200).map(([id, d]) =>
        sql`(${sql.join([id, ...MEMBER_COUNTERS.map((k) => d[k])], sql`, `)})`
      ),
      sql`, `,
    );
    await tx.run(
      sql`UPDATE orgs SET ${sql.raw(cols)} FROM (VALUES ${values}) AS v WHERE orgs.id = v.column1`,
    );
    await pace();
  }
}

/** The SQL column of a member counter. */
const columnOf = (k: keyof MemberCounts) => MEMBER_COLUMNS[k].name;

// ---- the 应离团 roll ------------------------------------------------------------------------------------

const ROLL_KEY = "members.rolled_to";

/** The day (YYYYMMDD) the 应离团 flags are exact for; set to `today` when never rolled. */
export async function rolledDay(tx: Tx | Conn, today: number): Promise<number> {
  const [row] = await tx.select().from(settings).where(eq(settings.key, ROLL_KEY));
  if (row) return row.value as number;
  await tx.insert(settings).values({ key: ROLL_KEY, value: today }).onConflictDoNothing();
  return today;
}

/** The stored roll day, or null before the first roll. */
export async function storedRollDay(db: Conn): Promise<number | null> {
  const [row] = await db.select().from(settings).where(eq(settings.key, ROLL_KEY));
  return row ? row.value as number : null;
}

/**
 * The daily roll (in the caller's write transaction): members without a 团内职务
 * who turned 28 after the last roll and by `today` are flagged 应离团 and
 * counted, branch by branch, and the roll day moves to `today`. Idempotent:
 * a second roll the same day finds nobody. Returns the members flagged.
 */
export async function rollDue(tx: Tx, today: number): Promise<number> {
  nothing(tx); // the roll day itself is in no cached read; the counters it moves are recorded below
  const from = await rolledDay(tx, today);
  if (from >= today) return 0;
  // Literal 0 and IS NULL: the partial index members_leave_idx is only used when they are not parameters.
  const due = and(sql`${members.due} = 0`, isNull(members.position), lte(members.leaveOn, today));
  // INDEXED BY: with GROUP BY the planner would rather scan the whole (org_id, id) index.
  const byOrg = await tx.all<{ orgId: number; n: number }>(
    sql`SELECT org_id AS orgId, count(*) AS n FROM members INDEXED BY members_leave_idx
      WHERE due = 0 AND position IS NULL AND leave_on <= ${today} GROUP BY org_id`,
  );
  await pace();
  await tx.update(members).set({ due: 1 }).where(due);
  await pace();
  await changeManyCounts(tx, new Map(byOrg.map((r) => [r.orgId, { members: 0, due: r.n }])));
  const total = byOrg.reduce((n, r) => n + r.n, 0);
  await tx.update(settings).set({ value: today }).where(eq(settings.key, ROLL_KEY));
  return total;
}

// ---- reads ----------------------------------------------------------------------------------------------

/** Members per page of a branch's list. */
export const MEMBERS_PER_PAGE = 100;

/** One page of a branch's members, in entry order. */
export function membersPage(db: Conn, orgId: number, offset: number, limit = MEMBERS_PER_PAGE) {
  return membersQuery(fast(db)).all({ orgId, offset, limit });
}

const membersQuery = preparedQuery((db) =>
  db.select().from(members).where(eq(members.orgId, sql.placeholder("orgId"))).orderBy(asc(members.id))
    .limit(sql.placeholder("limit")).offset(sql.placeholder("offset")).prepare()
);
const memberById = preparedQuery((db) =>
  db.select().from(members).where(
    and(eq(members.id, sql.placeholder("id")), eq(members.orgId, sql.placeholder("orgId"))),
  ).prepare()
);

/** One member of a branch. */
export async function getMember(db: Conn, orgId: number, id: number): Promise<Member | undefined> {
  if (!Number.isSafeInteger(id)) return undefined;
  const [row] = await memberById(fast(db)).all({ id, orgId });
  return row;
}

/** Who already holds an ID number nationally: the member id, branch id and branch name. */
export async function holderOfId(db: Conn, idNumber: string) {
  const [row] = await holderBy.idNumber(fast(db)).all({ key: idNumber });
  return row;
}

/** The same for a 团员编号. */
export async function holderOfNo(db: Conn, memberNo: string) {
  const [row] = await holderBy.memberNo(fast(db)).all({ key: memberNo });
  return row;
}

/** The holder lookups, prepared: by ID number and by 团员编号 (each a unique index). */
const holderQuery = (column: typeof members.idNumber | typeof members.memberNo) =>
  preparedQuery((db) =>
    db.select({ id: members.id, orgId: members.orgId, shortName: orgs.shortName })
      .from(members).innerJoin(orgs, eq(orgs.id, members.orgId)).where(eq(column, sql.placeholder("key")))
      .prepare()
  );
const holderBy = { idNumber: holderQuery(members.idNumber), memberNo: holderQuery(members.memberNo) };

/** A holder of an ID number or 团员编号. */
export interface Holder {
  id: number;
  orgId: number;
  shortName: string;
  idNumber: string;
  memberNo: string | null;
}

/** Holders of many ID numbers and 团员编号 at once (500 a query), for a batch. */
export async function holdersOf(db: Conn, ids: string[], nos: string[]) {
  const byId = new Map<string, Holder>(), byNo = new Map<string, Holder>();
  const cols = {
    id: members.id,
    orgId: members.orgId,
    shortName: orgs.shortName,
    idNumber: members.idNumber,
    memberNo: members.memberNo,
  };
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.select(cols).from(members).innerJoin(orgs, eq(orgs.id, members.orgId))
      .where(inArray(members.idNumber, ids.slice(i, i + 500)));
    for (const r of rows) byId.set(r.idNumber, r);
    await pace();
  }
  for (let i = 0; i < nos.length; i += 500) {
    const rows = await db.select(cols).from(members).innerJoin(orgs, eq(orgs.id, members.orgId))
      .where(inArray(members.memberNo, nos.slice(i, i + 500)));
    for (const r of rows) if (r.memberNo) byNo.set(r.memberNo, r);
    await pace();
  }
  return { byId, byNo };
}

// ---- writes ---------------------------------------------------------------------------------------------

/** Why a member cannot be stored: the field and the message. */
export interface Refusal {
  field: "idNumber" | "memberNo";
  message: string;
}

/** The refusal for an ID number or 团员编号 held by another member (`self`: the member being edited). */
export async function clash(tx: Conn, v: Pick<MemberValue, "idNumber" | "memberNo">, self?: number) {
  const holder = await holderOfId(tx, v.idNumber);
  if (holder && holder.id !== self) {
    return { field: "idNumber", message: heldElsewhere(holder.shortName) } as Refusal;
  }
  if (v.memberNo) {
    const h = await holderOfNo(tx, v.memberNo);
    if (h && h.id !== self) return { field: "memberNo", message: memberNoTaken(h.shortName) } as Refusal;
  }
  return null;
}

/** What the audit log keeps of a member (personal data masked). */
export const audited = (v: Pick<MemberValue, "name" | "idNumber">) => ({
  name: v.name,
  idNumber: maskIdNumber(v.idNumber),
});

/** Columns of a new member row. */
export const rowOf = (orgId: number, v: MemberValue, day: number, now: Date) => ({
  orgId,
  ...v,
  due: isDueToLeave(v.leaveOn, v.position, day) ? 1 : 0,
  createdAt: now,
});

/** Adds a member to a 团支部 (in the caller's transaction). Returns the new id, or why not. */
export async function addMember(
  tx: Tx,
  org: Org,
  v: MemberValue,
  actorId: number,
  now: Date,
  today: number,
): Promise<{ id: number } | Refusal> {
  const refused = await clash(tx, v);
  if (refused) return refused;
  const day = await rolledDay(tx, today);
  const row = rowOf(org.id, v, day, now);
  const [{ id }] = await tx.insert(members).values(row).returning({ id: members.id });
  await changeMemberCount(tx, org.id, 1, row.due);
  await audit(tx, { org, actorId, action: "member.added", detail: audited(v), at: now });
  return { id };
}

/** Saves a member's fields. Returns why not, or null. */
export async function updateMember(
  tx: Tx,
  org: Org,
  before: Member,
  v: MemberValue,
  actorId: number,
  now: Date,
  today: number,
): Promise<Refusal | null> {
  const refused = await clash(tx, v, before.id);
  if (refused) return refused;
  const day = await rolledDay(tx, today);
  const due = isDueToLeave(v.leaveOn, v.position, day) ? 1 : 0;
  await tx.update(members).set({ ...v, due, updatedAt: now }).where(eq(members.id, before.id));
  changedOrg(tx, org.path); // the branch's member list shows the row (db/changes.ts)
  if (due !== before.due) await changeMemberCount(tx, org.id, 0, due - before.due);
  const changed = (Object.keys(v) as (keyof MemberValue)[]).filter((k) =>
    k !== "leaveOn" && (before[k] ?? null) !== (v[k] ?? null)
  );
  const masked = (k: string, x: unknown) =>
    k === "idNumber" ? maskIdNumber(String(x ?? "")) : k === "mobile" ? "（已修改）" : x;
  await audit(tx, {
    org,
    actorId,
    action: "member.updated",
    detail: {
      ...audited(v),
      changes: Object.fromEntries(
        changed.map((k) => [k, { before: masked(k, before[k]), after: masked(k, v[k]) }]),
      ),
    },
    at: now,
  });
  return null;
}

/** Removes a member (a data-entry mistake; leaving the league is not decided here). */
export async function removeMember(tx: Tx, org: Org, m: Member, actorId: number, now: Date): Promise<void> {
  await tx.delete(members).where(eq(members.id, m.id));
  await changeMemberCount(tx, org.id, -1, -m.due);
  await audit(tx, { org, actorId, action: "member.removed", detail: audited(m), at: now });
}

/**
 * Adds many checked members to one branch (a confirmed batch): 100-row
 * inserts, one counter change, one audit entry per member. The caller has
 * checked for clashes in this transaction.
 */
export async function addMembers(
  tx: Tx,
  org: Org,
  values: MemberValue[],
  actorId: number,
  now: Date,
  today: number,
): Promise<Map<string, number>> {
  const day = await rolledDay(tx, today);
  const rows = values.map((v) => rowOf(org.id, v, day, now));
  const ids = new Map<string, number>();
  for (let i = 0; i < rows.length; i += 100) {
    const out = await tx.insert(members).values(rows.slice(i, i + 100)).returning({
      id: members.id,
      idNumber: members.idNumber,
    });
    for (const r of out) ids.set(r.idNumber, r.id);
    await pace();
  }
  await changeMemberCount(tx, org.id, rows.length, rows.reduce((n, r) => n + r.due, 0));
  await auditMany(
    tx,
    values.map((v) => ({ org, actorId, action: "member.added" as const, detail: audited(v), at: now })),
  );
  return ids;
}

// ---- checks ---------------------------------------------------------------------------------------------

/**
 * Recomputes every member counter (and each member's 应离团 flag as of the
 * roll day) from the members and orgs tables and compares them with the
 * stored ones. Returns one line per mismatch (empty when exact).
 */
export async function verifyMemberCounters(db: Conn): Promise<string[]> {
  const problems: string[] = [];
  const day = await storedRollDay(db);
  if (day !== null) {
    const [{ n }] = await db.select({ n: count() }).from(members).where(
      sql`${members.due} <> (${members.position} IS NULL AND ${members.leaveOn} <= ${day})`,
    );
    if (n) problems.push(`${n} members with a 应离团 flag that does not match the roll day ${day}`);
  }
  const own = await db.select({
    orgId: members.orgId,
    n: count(),
    due: sql<number>`coalesce(sum(${members.due}), 0)`,
  }).from(members).groupBy(members.orgId);
  const ownOf = new Map(own.map((r) => [r.orgId, r]));
  const rows = await db.select().from(orgs);
  const fresh = recountMembers(rows.map((r) => ({
    id: r.id,
    parentId: r.parentId,
    level: r.level,
    category: r.category,
    industry: r.industry,
    memberCount: ownOf.get(r.id)?.n ?? 0,
    dueCount: ownOf.get(r.id)?.due ?? 0,
  })));
  for (const r of rows) {
    const o = ownOf.get(r.id);
    if (r.memberCount !== (o?.n ?? 0) || r.dueCount !== (o?.due ?? 0)) {
      problems.push(
        `org ${r.id}: own ${r.memberCount}/${r.dueCount}, members table ${o?.n ?? 0}/${o?.due ?? 0}`,
      );
    }
    const want = fresh.get(r.id)!, have = memberCountsOf(r);
    const bad = MEMBER_COUNTERS.filter((k) => want[k] !== have[k]);
    if (bad.length) {
      problems.push(
        `org ${r.id} ${r.shortName}: ${
          bad.map((k) => `${k} stored ${have[k]} recount ${want[k]}`).join(", ")
        }`,
      );
    }
  }
  return problems;
}

/** Recomputes and writes every org's member counters (after a bulk load of orgs). */
export async function recountMembersIn(tx: Tx): Promise<void> {
  const rows = await tx.select({
    id: orgs.id,
    parentId: orgs.parentId,
    level: orgs.level,
    category: orgs.category,
    industry: orgs.industry,
    memberCount: orgs.memberCount,
    dueCount: orgs.dueCount,
    ...MEMBER_COLUMNS,
  }).from(orgs);
  const fresh = recountMembers(rows);
  for (const r of rows) {
    const want = fresh.get(r.id)!;
    if (MEMBER_COUNTERS.some((k) => want[k] !== r[k])) {
      const set: Record<string, number> = {};
      for (const k of MEMBER_COUNTERS) set[KEY[k]] = want[k];
      await tx.update(orgs).set(set).where(eq(orgs.id, r.id));
    }
  }
}
