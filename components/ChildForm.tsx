/** Creating a direct child, and the parent's correction of one. */
import { categoriesUnder, INDUSTRIES } from "../lib/org_rules.ts";
import type { FieldProblem } from "../lib/new_child.ts";
import { Csrf, Field, FormErrors, Notice, Select } from "./Form.tsx";

/** Values of the child form. */
export interface ChildValues {
  shortName?: string;
  category?: string;
  fullName?: string;
  sortOrder?: string;
  industry?: string;
  reason?: string;
}

/** The category choices a parent offers (leading bodies only under leading bodies). */
export function categoryOptions(parentCategory: number) {
  return categoriesUnder(parentCategory).map((c) => ({
    value: String(c.code),
    label: c.label,
  }));
}

/** The 全称 field, swapped in place when the 简称 or 类别 changes. */
export function FullNameField(
  { value, error, proposed }: { value?: string; error?: string; proposed?: boolean },
) {
  return (
    <div id="fullname-field">
      <Field
        label="组织全称"
        name="fullName"
        value={value}
        error={error}
        required
        hint={proposed ? "系统根据上级组织和简称生成，请核对修正" : "可留空，由系统根据上级组织和简称生成"}
      />
    </div>
  );
}

/** Turns problems into per-field messages, plus the name suggestion if any. */
export function problemsByField(problems: FieldProblem[] = []) {
  const errors: Record<string, string> = {};
  let suggestion: string | undefined;
  for (const p of problems) {
    errors[p.field] = errors[p.field] ? `${errors[p.field]}；${p.message}` : p.message;
    suggestion ??= p.suggestion;
  }
  return { errors, suggestion };
}

/** The 简称 field, the one-click suggested correction, and the 类别 choice. */
function NameAndCategory(
  { values, errors, suggestion, parentCategory, hint }: {
    values: ChildValues;
    errors: Record<string, string>;
    suggestion?: string;
    parentCategory: number;
    hint?: string;
  },
) {
  return (
    <>
      <Field
        label="组织简称"
        name="shortName"
        value={values.shortName}
        error={errors.shortName}
        required
        maxlength={50}
        hint={hint}
      />
      {suggestion
        ? (
          <p>
            <button type="submit" name="useSuggestion" value={suggestion} class="link">
              使用建议名称：{suggestion}
            </button>
          </p>
        )
        : null}
      <Select
        label="组织类别"
        name="category"
        options={categoryOptions(parentCategory)}
        value={values.category}
        error={errors.category}
        required
      />
    </>
  );
}

/** Props of {@link NewChildForm}. */
export interface NewChildFormProps {
  parentId: number;
  parentCategory: number;
  csrf: string;
  values?: ChildValues;
  problems?: FieldProblem[];
  proposed?: boolean;
  created?: string;
}

/** The single-create form. */
export function NewChildForm(p: NewChildFormProps) {
  const { errors, suggestion } = problemsByField(p.problems);
  const v = p.values ?? {};
  const action = `/orgs/${p.parentId}/children/new`;
  return (
    <section id="child-form" class="narrow">
      <h2>单个创建直属下级组织</h2>
      {p.created ? <Notice>已创建“{p.created}”。可以继续创建下一个。</Notice> : null}
      {p.proposed ? <Notice kind="info">系统已生成组织全称，请核对修正后再次点击“创建”。</Notice> : null}
      <FormErrors errors={Object.values(errors)} />
      <form method="post" action={action} hx-post={action} hx-target="#child-form" hx-swap="outerHTML">
        <Csrf token={p.csrf} />
        <div
          hx-get={`/orgs/${p.parentId}/children/propose`}
          hx-trigger="change"
          hx-include="closest form"
          hx-target="#fullname-field"
          hx-swap="outerHTML"
        >
          <NameAndCategory
            values={v}
            errors={errors}
            suggestion={suggestion}
            parentCategory={p.parentCategory}
            hint="如：建国门街道团委、包装车间团支部、2017级1班团支部；后缀须与组织类别一致"
          />
        </div>
        <FullNameField value={v.fullName} error={errors.fullName} proposed={p.proposed} />
        <Field
          label="排序位置"
          name="sortOrder"
          value={v.sortOrder}
          error={errors.sortOrder}
          inputmode="numeric"
          hint="可留空，排在最后；填 1 排在最前"
        />
        <button type="submit" class="primary">创建</button>
      </form>
    </section>
  );
}

/** Props of {@link CorrectChildForm}. */
export interface CorrectChildFormProps {
  parentId: number;
  parentCategory: number;
  childId: number;
  csrf: string;
  confirmed: boolean;
  values: ChildValues;
  problems?: FieldProblem[];
  reasonError?: string;
}

/** The parent's correction of a child's names and category (with a reason once the child confirmed). */
export function CorrectChildForm(p: CorrectChildFormProps) {
  const { errors, suggestion } = problemsByField(p.problems);
  const action = `/orgs/${p.parentId}/children/${p.childId}/edit`;
  return (
    <section class="narrow" id="correct-form">
      {p.confirmed
        ? (
          <Notice kind="warn">
            该组织已确认本组织信息。更正简称、全称、类别或行业类别须填写原因，原因将记入操作记录。
          </Notice>
        )
        : null}
      <FormErrors errors={[...Object.values(errors), p.reasonError]} />
      <form method="post" action={action}>
        <Csrf token={p.csrf} />
        <NameAndCategory
          values={p.values}
          errors={errors}
          suggestion={suggestion}
          parentCategory={p.parentCategory}
        />
        <Field label="组织全称" name="fullName" value={p.values.fullName} error={errors.fullName} required />
        {p.confirmed
          ? (
            <>
              <Select
                label="单位所属行业类别"
                name="industry"
                options={INDUSTRIES}
                value={p.values.industry}
              />
              <Field
                label="更正原因"
                name="reason"
                value={p.values.reason}
                error={p.reasonError}
                required
                maxlength={200}
              />
            </>
          )
          : null}
        <button type="submit" class="primary">保存更正</button>
      </form>
    </section>
  );
}
