/**
 * The rules for a new direct child (SPEC §2.1, §2.5, §5), shared by the
 * single-create form, the Excel import and the parent's corrections.
 */
import { type Category, categoryOf, checkShortName, parseCategory, proposeFullName } from "./org_rules.ts";
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

const FULL_NAME = /^中国共产主义青年团.{2,60}(委员会|工作委员会|总支部委员会|支部委员会)$/;

/** Checks a category for a parent. */
export function checkChildCategory(parent: ParentInfo, category: Category): string | null {
  if (!categoryOf(parent.category)?.mayHaveChildren) return "团支部不能有下级组织";
  if (category === 1 && parent.category !== 1) return "领导机关团组织只能设在领导机关团组织之下";
  return null;
}

/**
 * Checks one new child against the rules. `siblings` maps the 简称 of the
 * parent's existing children (and of rows earlier in the same import) to
 * their category.
 */
export function checkNewChild(
  parent: ParentInfo,
  input: ChildInput,
  siblings: ReadonlyMap<string, number>,
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
  if (fullName && !FULL_NAME.test(fullName)) {
    problems.push({
      field: "fullName",
      message:
        "组织全称应以“中国共产主义青年团”开头，以“委员会/工作委员会/总支部委员会/支部委员会”结尾；可留空由系统生成",
    });
  }
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
