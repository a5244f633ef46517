/**
 * The rules for a new direct child (SPEC §2.1, §2.5, §5), shared by the
 * single-create form, the Excel import and the parent's corrections.
 */
import {
  type Category,
  checkShortName,
  fullNameProblem,
  mayHaveChildren,
  parseCategory,
  placementRefusal,
  proposeFullName,
} from "./org_rules.ts";
import type { FullNameParent } from "./org_rules.ts";

/** What is known about the parent when checking a child. */
export interface ParentInfo extends FullNameParent {
  category: number;
}

/** A child as entered (form fields or Excel cells, untrimmed). */
export interface ChildInput {
  shortName: string;
  category: string;
  fullName?: string;
  sortOrder?: string;
}

/** A problem with one field. */
export interface FieldProblem {
  field: "shortName" | "category" | "fullName" | "sortOrder";
  message: string;
  suggestion?: string;
}

/** A checked child: normalised values, or the problems found. */
export type CheckedChild =
  | {
    ok: true;
    shortName: string;
    category: Category;
    fullName: string;
    sortOrder: number | null;
    proposed: boolean;
  }
  | { ok: false; problems: FieldProblem[] };

/** Checks a category for a parent. */
export function checkChildCategory(parent: ParentInfo, category: Category): string | null {
  if (!mayHaveChildren(parent.category)) return "团支部不能有下级组织";
  return placementRefusal(parent.category, category);
}

/**
 * Checks one new child against the rules. `siblings` holds the 简称 of the
 * parent's existing children (and of rows earlier in the same import).
 */
export function checkNewChild(
  parent: ParentInfo,
  input: ChildInput,
  siblings: ReadonlyMap<string, unknown>,
): CheckedChild {
  const problems: FieldProblem[] = [];
  const rawCategory = String(input.category ?? "").trim();
  const category = parseCategory(rawCategory);
  if (!rawCategory) problems.push({ field: "category", message: "请选择组织类别" });
  else if (!category) {
    problems.push({
      field: "category",
      message: `组织类别“${rawCategory}”不正确，应为：团委、团工委、团总支、团支部或领导机关团组织`,
    });
  } else {
    const refusal = checkChildCategory(parent, category);
    if (refusal) problems.push({ field: "category", message: refusal });
  }
  const name = String(input.shortName ?? "").trim();
  if (category) {
    const r = checkShortName(name, category);
    if (!r.ok) problems.push({ field: "shortName", message: r.error, suggestion: r.suggestion });
  } else if (!name) problems.push({ field: "shortName", message: "请填写组织简称" });
  if (name && siblings.has(name)) {
    problems.push({ field: "shortName", message: `本组织下已有名为“${name}”的直属下级组织，简称不能重复` });
  }
  let fullName = String(input.fullName ?? "").trim();
  const proposed = !fullName;
  const fullNameRefusal = fullName ? fullNameProblem(fullName) : null;
  if (fullNameRefusal) problems.push({ field: "fullName", message: `${fullNameRefusal}；可留空由系统生成` });
  const rawSort = String(input.sortOrder ?? "").trim();
  let sortOrder: number | null = null;
  if (rawSort) {
    sortOrder = Number(rawSort);
    if (!Number.isInteger(sortOrder) || sortOrder < 1 || sortOrder > 100_000) {
      problems.push({ field: "sortOrder", message: "排序应为正整数，可留空（排在最后）" });
    }
  }
  if (problems.length || !category) return { ok: false, problems };
  if (!fullName) fullName = proposeFullName(parent, name, category);
  return { ok: true, shortName: name, category, fullName, sortOrder, proposed };
}

/**
 * What single create says when the 简称 is taken by an org the system
 * initialised (levels 1–4, the `initialised` column): it need not be created.
 */
export const alreadyInitialised = (name: string): FieldProblem => ({
  field: "shortName",
  message: `“${name}”是系统已初始化的组织，无需再次创建，请在下级组织列表中核对其名称和排序`,
});
