/** The own-org info form (red stars per category) and the read-only view for ancestors. */
import { FIELD_LABELS, lockedFields, type OrgInfo, requiredFields, STAFFING } from "../lib/org_info.ts";
import { categoryOf, INDUSTRIES } from "../lib/org_rules.ts";
import { maskIdNumber } from "../lib/id_number.ts";
import { maskMobile } from "../lib/mobile.ts";
import { Csrf, Field, FormErrors, Notice, Select } from "./Form.tsx";

/** Form values as strings (what the admin typed). */
export type InfoValues = Partial<Record<keyof OrgInfo, string | number | null>>;

/** Props of {@link InfoForm}. */
export interface InfoFormProps {
  orgId: number;
  csrf: string;
  category: number;
  values: InfoValues;
  errors?: Partial<Record<keyof OrgInfo, string>>;
  warnings?: string[];
  missing?: (keyof OrgInfo)[];
  confirmed: boolean;
  complete: boolean;
  saved?: boolean;
  welcome?: boolean;
}

/** Which fields an org of this category shows. */
export function shownFields(category: number): (keyof OrgInfo)[] {
  const set = categoryOf(category)?.fieldSet;
  const base: (keyof OrgInfo)[] = ["shortName", "fullName", "industry", "phone", "email"];
  const secretary: (keyof OrgInfo)[] = ["secretaryName", "secretaryIdNumber", "secretaryMobile"];
  return set === "branch" ? [...base, ...secretary] : [...base, ...STAFFING, ...secretary];
}

/** The editable info form of one's own org. */
export function InfoForm(p: InfoFormProps) {
  const required = new Set(requiredFields(p.category));
  const locked = new Set(lockedFields(p.confirmed));
  const errors = p.errors ?? {};
  const field = (key: keyof OrgInfo) => {
    const common = {
      label: FIELD_LABELS[key],
      name: key,
      value: p.values[key] ?? "",
      error: errors[key],
      required: required.has(key),
    };
    if (key === "industry") {
      return (
        <Select
          {...common}
          options={INDUSTRIES}
          disabled={locked.has(key)}
          hint={locked.has(key) ? "信息已确认，行业类别不可修改；如需更正请联系上级组织管理员" : undefined}
        />
      );
    }
    const hints: Partial<Record<keyof OrgInfo, string>> = {
      shortName: p.confirmed
        ? "信息已确认，不可修改"
        : "组织简称由上级组织创建，如需更正请联系上级组织管理员",
      fullName: p.confirmed ? "信息已确认，不可修改" : "如：中国共产主义青年团济南市天桥区建国门街道委员会",
      phone: "区号-号码，如 0531-86012345，或手机号码",
      adminQuota: "没有请填 0",
      instQuota: "没有请填 0",
      secretaryIdNumber: "18 位，末位可为 X",
    };
    return (
      <Field
        {...common}
        readonly={locked.has(key)}
        hint={hints[key]}
        inputmode={(STAFFING as readonly string[]).includes(key)
          ? "numeric"
          : key === "secretaryMobile"
          ? "tel"
          : key === "email"
          ? "email"
          : undefined}
        type={key === "email" ? "email" : "text"}
      />
    );
  };
  const fields = shownFields(p.category);
  return (
    <section id="info-form">
      {p.welcome ? <Notice kind="info">注册成功！请先完整填写本组织信息，红色星号为必填项。</Notice> : null}
      {p.saved
        ? (
          <Notice kind={p.missing?.length ? "warn" : "ok"}>
            已保存。
            {p.missing?.length
              ? `还有 ${p.missing.length} 项必填信息未填写：${
                p.missing.map((k) => FIELD_LABELS[k]).join("、")
              }。`
              : p.confirmed
              ? "本组织信息完整。"
              : "本组织信息已完整，请核对后点击“确认信息”。"}
          </Notice>
        )
        : null}
      {p.warnings?.length ? <Notice kind="warn">{p.warnings.join("；")}</Notice> : null}
      <FormErrors errors={Object.values(errors)} />
      <form
        method="post"
        action={`/orgs/${p.orgId}/info`}
        hx-post={`/orgs/${p.orgId}/info`}
        hx-target="#info-form"
        hx-swap="outerHTML"
      >
        <Csrf token={p.csrf} />
        <p>
          组织类别：<strong>{categoryOf(p.category)?.label}</strong>（由上级组织设定）
        </p>
        <fieldset>
          <legend>组织信息</legend>
          {fields.filter((k) => !k.startsWith("secretary")).map(field)}
        </fieldset>
        <fieldset>
          <legend>团组织书记</legend>
          {fields.filter((k) => k.startsWith("secretary")).map(field)}
        </fieldset>
        <button type="submit" class="primary">保存</button>
      </form>
      {p.complete && !p.confirmed
        ? (
          <form method="post" action={`/orgs/${p.orgId}/info/confirm`}>
            <Csrf token={p.csrf} />
            <p>确认后，组织简称、组织全称、组织类别和行业类别将不能再修改（只能由上级组织管理员更正）。</p>
            <button type="submit">确认信息</button>
          </form>
        )
        : null}
      {p.confirmed ? <p class="muted">本组织信息已确认。</p> : null}
    </section>
  );
}

/** Read-only view for ancestors' admins: personal data masked. */
export function InfoView({ info, confirmed }: { info: OrgInfo; confirmed: boolean }) {
  const show = (key: keyof OrgInfo) => {
    const v = info[key];
    if (v === null || v === undefined || v === "") return <span class="muted">未填写</span>;
    if (key === "secretaryIdNumber") return maskIdNumber(String(v));
    if (key === "secretaryMobile") return maskMobile(String(v));
    if (key === "category") return categoryOf(Number(v))?.label;
    return String(v);
  };
  const required = new Set(requiredFields(info.category));
  return (
    <dl class="info">
      {(["category", ...shownFields(info.category)] as (keyof OrgInfo)[]).map((k) => (
        <>
          <dt>
            {required.has(k) ? <span class="req" aria-hidden="true">*</span> : null}
            {FIELD_LABELS[k]}
          </dt>
          <dd>{show(k)}</dd>
        </>
      ))}
      <dt>状态</dt>
      <dd>{confirmed ? "信息已确认" : "未确认"}</dd>
    </dl>
  );
}
