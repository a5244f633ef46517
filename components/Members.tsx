/** A 团支部's members (SPEC §9): the list (masked unless shown to the branch's own admin) and the form. */
import { EDUCATION, ETHNICITIES, MEMBER_FIELDS, MEMBER_POSITIONS, POLITICAL } from "../lib/member_rules.ts";
import type { MemberField, MemberInput } from "../lib/member_rules.ts";
import { Csrf, Field, FormErrors, Notice, Select } from "./Form.tsx";
import { Pager } from "./Pager.tsx";

/** A member as a list row (personal data already masked where it must be). */
export interface MemberRow {
  id: number;
  name: string;
  gender: string;
  birth: string;
  idNumber: string;
  ethnicity: string;
  political: string;
  joinedYm: string;
  mobile: string;
  position: string | null;
  due: boolean;
}

/** Figures shown above the list. */
export interface BranchFigures {
  members: number;
  due: number;
}

/** Props of {@link MemberList}. */
export interface MemberListProps {
  orgId: number;
  rows: MemberRow[];
  figures: BranchFigures;
  /** The viewer may add and edit (the branch's own admin or its direct parent's). */
  edit: boolean;
  first: number;
  page: number;
  pages: number;
  notice?: string;
  csrf: string;
}

/** The list of a branch's members, 100 to a page. */
export function MemberList(p: MemberListProps) {
  const base = `/orgs/${p.orgId}/members`;
  const size = p.figures.members === 0
    ? "本支部尚未录入团员（空心团支部）。"
    : p.figures.members < 3
    ? "团员少于 3 人，低于团章规定的最低人数。"
    : p.figures.members > 50
    ? "团员超过 50 人，建议分设团支部。"
    : null;
  return (
    <section id="member-list">
      {p.notice ? <Notice>{p.notice}</Notice> : null}
      <p class="figures-line">
        团员 <strong>{p.figures.members}</strong> 人已录入
        {p.figures.due
          ? (
            <>
              ；应办理离团 <strong class="flag">{p.figures.due}</strong> 人
            </>
          )
          : null}
        {size ? <span class="flag">；{size}</span> : null}
      </p>
      {p.edit
        ? (
          <p class="toolbar">
            <a class="button" href={`${base}/new`}>录入团员</a>
            <a class="button" href={`${base}/import`}>批量录入（Excel）</a>
          </p>
        )
        : null}
      <p class="muted">身份证号码和手机号码已脱敏显示。</p>
      <div class="scroll">
        <table class="list cards members">
          <thead>
            <tr>
              <th scope="col">序号</th>
              <th scope="col">姓名</th>
              <th scope="col">性别 · 出生日期</th>
              <th scope="col">身份证号码</th>
              <th scope="col">民族 · 政治面貌</th>
              <th scope="col">入团年月</th>
              <th scope="col">手机号码</th>
              <th scope="col">团内职务</th>
              {p.edit ? <th scope="col">操作</th> : null}
            </tr>
          </thead>
          <tbody>
            {p.rows.map((r, i) => (
              <tr>
                <td>{p.first + i}</td>
                <td>
                  {r.name}
                  {r.due ? <small class="flag">（应办理离团）</small> : null}
                </td>
                <td>{r.gender} · {r.birth}</td>
                <td translate="no">{r.idNumber}</td>
                <td>{r.ethnicity} · {r.political}</td>
                <td>{r.joinedYm}</td>
                <td translate="no">{r.mobile}</td>
                <td>{r.position ?? ""}</td>
                {p.edit
                  ? (
                    <td>
                      <a href={`${base}/${r.id}`}>修改</a>
                    </td>
                  )
                  : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager page={p.page} pages={p.pages} href={(n) => `${base}${n > 1 ? `?page=${n}` : ""}`} />
      <h2>导出团员（Excel）</h2>
      <p>
        <a class="button" href={`${base}.xlsx`} hx-boost="false">导出（脱敏）</a>
      </p>
      <form method="post" action={`${base}.xlsx`} hx-boost="false">
        <Csrf token={p.csrf} />
        <label class="choice">
          <input type="checkbox" name="unmasked" value="1" required />{" "}
          我确认需要导出完整的身份证号码和手机号码，并对数据安全负责（此操作将记入操作记录）
        </label>
        <button type="submit">导出（不脱敏）</button>
      </form>
    </section>
  );
}

/** Props of {@link MemberForm}. */
export interface MemberFormProps {
  orgId: number;
  csrf: string;
  /** The member being edited; absent for a new one. */
  memberId?: number;
  values?: Partial<MemberInput>;
  errors?: Partial<Record<MemberField, string>>;
  /** For the parent's admin: the ID number is shown masked and kept; a blank 手机号码 keeps the stored one. */
  masked?: { idNumber: string; mobile: string };
  saved?: string;
}

const SELECTS: Partial<Record<MemberField, readonly string[]>> = {
  ethnicity: ETHNICITIES,
  political: POLITICAL,
  eduFull: EDUCATION,
  eduHighest: EDUCATION,
  position: MEMBER_POSITIONS,
};

const HINTS: Partial<Record<MemberField, string>> = {
  idNumber: "18 位，末位 X 可小写；性别和出生日期由身份证号码自动得出",
  joinedYm: "年-月，如 2019-05；入团时须年满 13 周岁（2016 年 9 月前入团的年满 12 周岁）",
  memberNo: "12 位数字，可不填；2019 年起入团的，前 4 位为入团年份",
  hukou: "省份 + 地市，如 山东省济南市",
  partyYm: "中共党员、中共预备党员填写，如 2024-06",
  position: "担任团内职务的团员年满 28 周岁不列为应办理离团",
};

/** The add / edit form of one member; htmx swaps just this section. */
export function MemberForm(p: MemberFormProps) {
  const action = p.memberId ? `/orgs/${p.orgId}/members/${p.memberId}` : `/orgs/${p.orgId}/members/new`;
  const errors = p.errors ?? {};
  const v = p.values ?? {};
  return (
    <section id="member-form" class="narrow">
      {p.saved ? <Notice>已保存“{p.saved}”。</Notice> : null}
      <FormErrors errors={Object.values(errors)} />
      <form method="post" action={action} hx-post={action} hx-target="#member-form" hx-swap="outerHTML">
        <Csrf token={p.csrf} />
        {MEMBER_FIELDS.map((f) => {
          if (f.field === "idNumber" && p.masked) {
            return (
              <div class="field">
                <label>身份证号码</label>
                <p translate="no">{p.masked.idNumber}（上级组织管理员不能修改身份证号码）</p>
              </div>
            );
          }
          const list = SELECTS[f.field];
          if (list) {
            return (
              <Select
                label={f.label}
                name={f.field}
                options={list}
                value={v[f.field]}
                error={errors[f.field]}
                hint={HINTS[f.field]}
                required={f.required}
              />
            );
          }
          const mobileKept = f.field === "mobile" && p.masked;
          return (
            <Field
              label={f.label}
              required={f.required && !mobileKept}
              name={f.field}
              value={mobileKept ? "" : v[f.field]}
              error={errors[f.field]}
              hint={mobileKept ? `已登记 ${p.masked!.mobile}，不修改请留空` : HINTS[f.field]}
              inputmode={f.field === "mobile" ? "tel" : f.field === "memberNo" ? "numeric" : undefined}
              type={f.field === "email" ? "email" : "text"}
              maxlength={f.field === "employer" ? 60 : 40}
              autocomplete="off"
            />
          );
        })}
        <p>
          <button type="submit" class="primary">保存</button>{" "}
          <a href={`/orgs/${p.orgId}/members`}>返回团员列表</a>
        </p>
      </form>
      {p.memberId
        ? (
          <form method="post" action={`/orgs/${p.orgId}/members/${p.memberId}/remove`} class="danger-zone">
            <Csrf token={p.csrf} />
            <label>
              <input type="checkbox" name="confirm" value="1" />{" "}
              确认删除该团员（仅用于录入错误；转出请办理组织关系转接）
            </label>{" "}
            <button type="submit">删除</button>
          </form>
        )
        : null}
    </section>
  );
}
