/**
 * Member roll-up counters (SPEC §9), as pure functions, alongside the org
 * counters of lib/counters.ts: every org stores the sum over its subtree
 * (itself included) of each org's own member flags, which depend only on the
 * org's own row (类别, 行业类别, its member count and 应离团 count). A change is
 * carried up the ancestor chain once; nothing walks the subtree.
 *
 * 空心团支部 (no members) is not stored: it is 团支部 − branches with members,
 * per wave likewise.
 */
import { BRANCH } from "./org_rules.ts";
import { waveOf } from "./waves.ts";

/** Counter names, matching the `sub_*` member columns of `orgs`. */
export const MEMBER_COUNTERS = [
  "members",
  "filled",
  "small",
  "large",
  "due",
  "membersW1",
  "membersW2",
  "filledW1",
  "filledW2",
  "branchesW1",
  "branchesW2",
] as const;

/** A vector of member counters. */
export type MemberCounts = Record<(typeof MEMBER_COUNTERS)[number], number>;

/** Fewer members than this is below the 团章 minimum of 3. */
export const MIN_BRANCH = 3;
/** More members than this: the branch should split. */
export const MAX_BRANCH = 50;

/** What an org's own member flags depend on. */
export interface MemberFlagInputs {
  category: number;
  industry: string | null;
  memberCount: number;
  dueCount: number;
}

/** All zeros. */
export const mzero = (): MemberCounts =>
  Object.fromEntries(MEMBER_COUNTERS.map((k) => [k, 0])) as MemberCounts;

/** a + sign·b. */
export function madd(a: MemberCounts, b: MemberCounts, sign = 1): MemberCounts {
  const r = mzero();
  for (const k of MEMBER_COUNTERS) r[k] = a[k] + sign * b[k];
  return r;
}

/** True when every counter is 0. */
export const misZero = (a: MemberCounts): boolean => MEMBER_COUNTERS.every((k) => a[k] === 0);

/** An org's own contribution. Members of an org that is no longer a 团支部 still count as members. */
export function memberFlags(o: MemberFlagInputs): MemberCounts {
  const branch = o.category === BRANCH;
  const wave = waveOf(o.industry);
  const filled = branch && o.memberCount > 0 ? 1 : 0;
  return {
    members: o.memberCount,
    filled,
    small: filled && o.memberCount < MIN_BRANCH ? 1 : 0,
    large: branch && o.memberCount > MAX_BRANCH ? 1 : 0,
    due: o.dueCount,
    membersW1: wave === 1 ? o.memberCount : 0,
    membersW2: wave === 2 ? o.memberCount : 0,
    filledW1: wave === 1 ? filled : 0,
    filledW2: wave === 2 ? filled : 0,
    branchesW1: branch && wave === 1 ? 1 : 0,
    branchesW2: branch && wave === 2 ? 1 : 0,
  };
}

/** A node for a full recount. */
export interface MemberRecountNode extends MemberFlagInputs {
  id: number;
  parentId: number | null;
  level: number;
}

/** Recomputes every org's member counters from scratch (deepest level first, O(n)). */
export function recountMembers(nodes: readonly MemberRecountNode[]): Map<number, MemberCounts> {
  const out = new Map<number, MemberCounts>();
  const sorted = [...nodes].sort((a, b) => b.level - a.level);
  for (const n of sorted) out.set(n.id, memberFlags(n));
  for (const n of sorted) {
    if (n.parentId === null || !out.has(n.parentId)) continue;
    out.set(n.parentId, madd(out.get(n.parentId)!, out.get(n.id)!));
  }
  return out;
}

/** Figures of a set of branches for one wave (or all): branches, with members, 空心, members. */
export interface WaveFigures {
  branches: number;
  filled: number;
  empty: number;
  members: number;
  /** Branches with members, in percent (one decimal). */
  rate: number;
}

/** The per-wave figures from a counter vector (and, for "all", the 团支部 count of lib/counters.ts). */
export function waveFigures(c: MemberCounts, wave: 1 | 2 | "all", allBranches = 0): WaveFigures {
  const branches = wave === "all" ? allBranches : c[`branchesW${wave}`];
  const filled = wave === "all" ? c.filled : c[`filledW${wave}`];
  const members = wave === "all" ? c.members : c[`membersW${wave}`];
  return {
    branches,
    filled,
    empty: branches - filled,
    members,
    rate: branches === 0 ? 0 : Math.round((filled / branches) * 1000) / 10,
  };
}
