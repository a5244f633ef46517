/**
 * The structural rule of SPEC §2.1 (every leaf a 团支部, no 团委/团工委/团总支
 * without a 团支部 beneath), written once: each flag is "not a 团支部 and a
 * count of zero", from which come both the JS predicate (counters, overdue
 * checks) and the SQL expression (problem lists, their partial indexes, sums).
 */
import { BRANCH } from "./org_rules.ts";

/** The two structural flags: the label shown and the count (row key and column) that must not be zero. */
export const STRUCTURAL_FLAGS = {
  noBranch: { label: "团委/团工委/团总支下没有团支部", key: "subBranches", column: "sub_branches" },
  badLeaf: { label: "最下层不是团支部", key: "childCount", column: "child_count" },
} as const;

/** A structural flag. */
export type StructuralFlag = keyof typeof STRUCTURAL_FLAGS;

/** What the flags are judged on: an org's category, its 团支部 in the subtree (itself included), its children. */
export interface StructureInputs {
  category: number;
  subBranches: number;
  childCount: number;
}

/** True when the org has the flag. */
export const hasFlag = (flag: StructuralFlag, o: StructureInputs): boolean =>
  o.category !== BRANCH && o[STRUCTURAL_FLAGS[flag].key] === 0;

/**
 * The flag as an SQL condition over the `orgs` row's own columns, with the
 * category as a literal so SQLite can match it to the partial index built
 * from the same text (db/schema.ts).
 */
export const flagSql = (flag: StructuralFlag): string =>
  `category <> ${BRANCH} AND ${STRUCTURAL_FLAGS[flag].column} = 0`;
