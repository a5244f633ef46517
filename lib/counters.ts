/**
 * Roll-up counters of the org tree, as pure functions.
 *
 * Every org stores its own flags and the sum of the flags over its subtree
 * (itself included). Two flags depend on the subtree below the org: "no 团支部
 * beneath" and "non-branch leaf". A change anywhere is applied by walking the
 * org's ancestor chain once (≤ 10 rows), never its subtree.
 */
import { BRANCH } from "./org_rules.ts";
import { hasFlag } from "./structure.ts";

/** Counter names: the keys of the `sub_*` columns of `orgs` (db/schema.ts), so a vector is also a row update. */
export const COUNTERS = [
  "subOrgs",
  "subWithAdmin",
  "subComplete",
  "subBranches",
  "subNoBranch",
  "subBadLeaf",
  "subBadName",
] as const;

/** A vector of counters. */
export type Counts = Record<(typeof COUNTERS)[number], number>;

/** The inputs an org's own flags depend on. */
export interface FlagInputs {
  category: number;
  infoComplete: number | boolean;
  badName: number | boolean;
  adminCount: number;
  childCount: number;
  /** 团支部 in the subtree, the org itself included. */
  subBranches: number;
}

/** All zeros. */
export const zero = (): Counts => ({
  subOrgs: 0,
  subWithAdmin: 0,
  subComplete: 0,
  subBranches: 0,
  subNoBranch: 0,
  subBadLeaf: 0,
  subBadName: 0,
});

/** a + sign·b, as a new vector. */
export function add(a: Counts, b: Counts, sign = 1): Counts {
  const r = zero();
  for (const k of COUNTERS) r[k] = a[k] + sign * b[k];
  return r;
}

/** True when every counter is 0. */
export function isZero(a: Counts): boolean {
  return COUNTERS.every((k) => a[k] === 0);
}

/** An org's own contribution to the counters. */
export function ownFlags(o: FlagInputs): Counts {
  return {
    subOrgs: 1,
    subWithAdmin: o.adminCount > 0 ? 1 : 0,
    subComplete: o.infoComplete ? 1 : 0,
    subBranches: o.category === BRANCH ? 1 : 0,
    subNoBranch: hasFlag("noBranch", o) ? 1 : 0,
    subBadLeaf: hasFlag("badLeaf", o) ? 1 : 0,
    subBadName: o.badName ? 1 : 0,
  };
}

/** A node for a full recount. */
export interface RecountNode extends Omit<FlagInputs, "childCount" | "subBranches"> {
  id: number;
  parentId: number | null;
}

/**
 * Recomputes every org's subtree counters from scratch (bottom-up, O(n)).
 * `nodes` may come in any order. Returns counters and child counts by id.
 */
export function recount(
  nodes: RecountNode[],
): Map<number, { sub: Counts; childCount: number }> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const children = new Map<number, number[]>();
  for (const n of nodes) {
    if (n.parentId === null) continue;
    const list = children.get(n.parentId);
    if (list) list.push(n.id);
    else children.set(n.parentId, [n.id]);
  }
  // Post-order without recursion: order by depth, then fold deepest first.
  const order: number[] = nodes.filter((n) => n.parentId === null || !byId.has(n.parentId)).map((n) => n.id);
  for (let i = 0; i < order.length; i++) {
    for (const c of children.get(order[i]) ?? []) order.push(c);
  }
  const out = new Map<number, { sub: Counts; childCount: number }>();
  for (let i = order.length - 1; i >= 0; i--) {
    const id = order[i];
    const n = byId.get(id)!;
    const kids = children.get(id) ?? [];
    let below = zero();
    for (const c of kids) below = add(below, out.get(c)!.sub);
    const subBranches = below.subBranches + (n.category === BRANCH ? 1 : 0);
    const own = ownFlags({ ...n, childCount: kids.length, subBranches });
    out.set(id, { sub: add(below, own), childCount: kids.length });
  }
  return out;
}
