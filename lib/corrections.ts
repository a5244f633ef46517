/**
 * The parent's correction of a direct child (SPEC §2.4): 简称 and 类别 (and,
 * once the child confirmed its info, 全称 and 行业类别 too, with a reason for
 * the audit log). The name and category rules are those of a new child
 * (lib/new_child.ts); this adds what only a correction can break.
 */
import type { CheckedChild, FieldProblem } from "./new_child.ts";
import { BRANCH, INDUSTRIES } from "./org_rules.ts";

/** The child being corrected. */
export interface CorrectedChild {
  childCount: number;
  confirmed: boolean;
}

/** What the parent entered beyond the new-child fields. */
export interface CorrectionInput {
  industry: string;
  reason: string;
}

/** The result: the problems (with the reason's own message), or the normalised extras. */
export type CheckedCorrection =
  | { ok: true; industry: string | null; reason: string | null }
  | { ok: false; problems: FieldProblem[]; reasonError?: string };

/** Checks a correction on top of the new-child check of its name, category and 全称. */
export function checkCorrection(
  child: CorrectedChild,
  checked: CheckedChild,
  input: CorrectionInput,
): CheckedCorrection {
  const problems = checked.ok ? [] : [...checked.problems];
  if (checked.ok && checked.category === BRANCH && child.childCount > 0) {
    problems.push({ field: "category", message: `该组织有 ${child.childCount} 个下级组织，不能改为团支部` });
  }
  const industry = input.industry.trim() || null;
  if (child.confirmed && industry && !(INDUSTRIES as readonly string[]).includes(industry)) {
    problems.push({ field: "category", message: "请从列表中选择单位所属行业类别" });
  }
  const reason = input.reason.trim() || null;
  const reasonError = child.confirmed && !reason ? "该组织已确认信息，更正须填写原因" : undefined;
  if (!checked.ok || problems.length || reasonError) return { ok: false, problems, reasonError };
  return { ok: true, industry, reason };
}
