/** The stepwise admin registration (SPEC §4). Each step is a plain form; htmx swaps #wizard. */
import type { Child } from "hono/jsx";
import { CODE_HINT } from "../lib/codes.ts";
import { Csrf, Field, FormErrors, Select } from "./Form.tsx";
import { type More, MoreItem } from "./Pager.tsx";

const STEPS = ["选择组织和职务", "填写注册码", "填写个人信息", "完成"];

/** Step indicator and the swap target. */
function Wizard({ step, children }: { step: number; children: Child }) {
  return (
    <section id="wizard" class="narrow">
      <h1>管理员注册</h1>
      <ol class="steps">
        {STEPS.map((s, i) => <li aria-current={i + 1 === step ? "step" : undefined}>{s}</li>)}
      </ol>
      {children}
    </section>
  );
}

/** An org as offered in the picker: names only. */
export interface PickOrg {
  id: number;
  shortName: string;
  childCount: number;
  trail?: string;
}

/** Search results: flat links with where each org sits. */
export function PickResults({ items }: { items: PickOrg[] }) {
  if (items.length === 0) return <p class="muted">没有找到名称中含有该关键字的组织</p>;
  return (
    <ul class="results">
      {items.map((o) => (
        <li>
          <a href={`/register/start?org=${o.id}`}>{o.shortName}</a>
          {o.trail ? <small class="muted">（{o.trail}）</small> : null}
        </li>
      ))}
    </ul>
  );
}

/** Orgs per page of the chooser. */
export const PICK_PER_PAGE = 100;

/**
 * Lazily expanding name-only tree for choosing an org (fragment of
 * /register/orgs/:id), a page at a time: with `more`, a last item links to
 * the next page ({@link MoreItem}; `rest` renders just the items).
 */
export function PickList(
  { items, more, rest = false }: { items: PickOrg[]; more?: More; rest?: boolean },
) {
  if (items.length === 0 && !rest) return <p class="muted">没有下级组织</p>;
  const list = (
    <>
      {items.map((o) => (
        <li>
          {o.childCount > 0
            ? (
              <details
                hx-get={`/register/orgs/${o.id}`}
                hx-trigger="toggle once"
                hx-target={`#pk-${o.id}`}
              >
                <summary>
                  <a href={`/register/start?org=${o.id}`} hx-target="body">{o.shortName}</a>
                </summary>
                <div id={`pk-${o.id}`}>
                  <a href={`/register/orgs/${o.id}`}>显示下级组织</a>
                </div>
              </details>
            )
            : <a href={`/register/start?org=${o.id}`}>{o.shortName}</a>}
        </li>
      ))}
      {more ? <MoreItem {...more} /> : null}
    </>
  );
  return rest ? list : <ul class="tree pick">{list}</ul>;
}

/** Step 1a: find the org by name or in the tree. */
export function ChooseOrg(
  { q, results, roots, message }: { q: string; results?: PickOrg[]; roots: PickOrg[]; message?: string },
) {
  return (
    <Wizard step={1}>
      <form
        method="get"
        action="/register"
        hx-get="/register"
        hx-target="#wizard"
        hx-swap="outerHTML"
        role="search"
      >
        <Field
          label="按名称搜索要注册的团组织"
          name="q"
          value={q}
          placeholder="例如：团济南市委、建国门街道团委"
        />
        <button type="submit">搜索</button>
      </form>
      {message ? <p class="err">{message}</p> : null}
      {results
        ? (
          <>
            <h2>搜索结果</h2>
            <PickResults items={results} />
          </>
        )
        : null}
      <h2>或在组织树中选择</h2>
      <PickList items={roots} />
    </Wizard>
  );
}

/** Step 1b: the chosen org and the 团内职务. */
export function ChoosePosition(
  { org, positions, error }: {
    org: PickOrg;
    positions: readonly string[];
    error?: string;
  },
) {
  return (
    <Wizard step={1}>
      <p>
        注册组织：<strong>{org.shortName}</strong> <a href="/register">重新选择</a>
      </p>
      <form
        method="get"
        action="/register/code"
        hx-get="/register/code"
        hx-target="#wizard"
        hx-swap="outerHTML"
      >
        <input type="hidden" name="org" value={String(org.id)} />
        <Select
          label="团内职务"
          name="position"
          options={positions}
          required
          error={error}
        />
        <Field
          label="其他职务（选择“其他”时填写）"
          name="positionOther"
          maxlength={20}
        />
        <button type="submit" class="primary">下一步</button>
      </form>
    </Wizard>
  );
}

/** The choices made so far, carried by hidden fields. */
export interface Chosen {
  org: PickOrg;
  position: string;
}

/** Step 2: the registration code. */
export function EnterCode(
  { csrf, chosen, code, error }: {
    csrf: string;
    chosen: Chosen;
    code?: string;
    error?: string;
  },
) {
  return (
    <Wizard step={2}>
      <p>
        注册组织：<strong>{chosen.org.shortName}</strong>，职务：{chosen
          .position} <a href={`/register/start?org=${chosen.org.id}`}>修改</a>
      </p>
      <FormErrors errors={[error]} />
      <form
        method="post"
        action="/register/code"
        hx-post="/register/code"
        hx-target="#wizard"
        hx-swap="outerHTML"
      >
        <Csrf token={csrf} />
        <input type="hidden" name="org" value={String(chosen.org.id)} />
        <input type="hidden" name="position" value={chosen.position} />
        <Field
          label="管理员注册码"
          name="code"
          value={code}
          required
          maxlength={8}
          autocomplete="off"
          hint={CODE_HINT}
          error={error ? "请核对注册码" : undefined}
        />
        <button type="submit" class="primary">下一步</button>
      </form>
    </Wizard>
  );
}

/** Values and errors of the personal-info step. */
export interface PersonValues {
  name?: string;
  idNumber?: string;
  mobile?: string;
  joined?: string;
}

/** Step 3: personal info and password (or, for an existing account, its password). */
export function EnterPerson(
  { csrf, chosen, code, values = {}, errors = {}, existing = false }: {
    csrf: string;
    chosen: Chosen;
    code: string;
    values?: PersonValues;
    errors?: Partial<Record<keyof PersonValues | "password" | "form", string>>;
    existing?: boolean;
  },
) {
  return (
    <Wizard step={3}>
      <p>
        注册组织：<strong>{chosen.org.shortName}</strong>，职务：{chosen
          .position}，注册码已核对。
      </p>
      <FormErrors errors={Object.values(errors)} />
      <form
        method="post"
        action="/register"
        hx-post="/register"
        hx-target="#wizard"
        hx-swap="outerHTML"
      >
        <Csrf token={csrf} />
        <input type="hidden" name="org" value={String(chosen.org.id)} />
        <input type="hidden" name="position" value={chosen.position} />
        <input type="hidden" name="code" value={code} />
        {existing ? null : (
          <>
            <Field
              label="姓名"
              name="name"
              value={values.name}
              required
              error={errors.name}
              maxlength={20}
              autocomplete="name"
            />
            <Field
              label="身份证号码"
              name="idNumber"
              value={values.idNumber}
              required
              maxlength={18}
              error={errors.idNumber}
              hint="18 位，末位可为 X"
            />
            <Field
              label="手机号码"
              name="mobile"
              value={values.mobile}
              required
              maxlength={11}
              inputmode="tel"
              autocomplete="tel"
              error={errors.mobile}
            />
            <Field
              label="入团年月"
              name="joined"
              type="month"
              value={values.joined}
              required
              placeholder="2010-05"
              hint="格式：年-月，如 2010-05。入团时须年满13周岁（2016年9月1日前入团的须年满12周岁）"
              error={errors.joined}
            />
            <Field
              label="登录密码"
              name="password"
              type="password"
              required
              autocomplete="new-password"
              hint="8–64 位，须同时包含字母和数字"
              error={errors.password}
            />
            <Field
              label="再次输入密码"
              name="password2"
              type="password"
              required
              autocomplete="new-password"
            />
          </>
        )}
        {existing ? null : <button type="submit" class="primary">完成注册</button>}
      </form>
      <form method="post" action="/register" hx-post="/register" hx-target="#wizard" hx-swap="outerHTML">
        <h3>已有账号（曾为其他组织注册过）</h3>
        <p>输入已有账号的身份证号码或手机号码和登录密码，本组织将添加到您的账号中。</p>
        <Csrf token={csrf} />
        <input type="hidden" name="org" value={String(chosen.org.id)} />
        <input type="hidden" name="position" value={chosen.position} />
        <input type="hidden" name="code" value={code} />
        <input type="hidden" name="existing" value="1" />
        <Field
          label="身份证号码或手机号码"
          name="login"
          value={existing ? values.idNumber : undefined}
          required
          maxlength={18}
          autocomplete="username"
        />
        <Field
          label="登录密码"
          name="password"
          type="password"
          required
          autocomplete="current-password"
          error={existing ? errors.password : undefined}
        />
        <button type="submit" class={existing ? "primary" : undefined}>添加本组织到已有账号</button>
      </form>
    </Wizard>
  );
}
