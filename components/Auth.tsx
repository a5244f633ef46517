/** Sign-in, org switching and password reset screens. */
import { Csrf, Field, FormErrors, NewPasswordFields, Notice } from "./Form.tsx";

/** Props of {@link LoginForm}. */
export interface LoginFormProps {
  csrf: string;
  login?: string;
  next?: string;
  error?: string;
  notice?: string;
}

/** The sign-in form: 手机号码 or 身份证号码 plus password. */
export function LoginForm(
  { csrf, login, next, error, notice }: LoginFormProps,
) {
  return (
    <section class="narrow" id="login">
      <h1>管理员登录</h1>
      {notice ? <Notice>{notice}</Notice> : null}
      <FormErrors errors={[error]} />
      <form method="post" action="/login">
        <Csrf token={csrf} />
        {next ? <input type="hidden" name="next" value={next} /> : null}
        <Field
          label="手机号码或身份证号码"
          name="login"
          value={login}
          required
          autocomplete="username"
          maxlength={18}
        />
        <Field
          label="密码"
          name="password"
          type="password"
          required
          autocomplete="current-password"
          maxlength={64}
        />
        <button type="submit" class="primary">登录</button>
      </form>
      <p class="notice info">
        第一次使用？请先阅读<a href="/guide">
          操作指南
        </a>：注册管理员、填写组织信息、创建下级组织、下发注册码四步。
      </p>
      <p>
        还没有账号？<a href="/register">使用上级发放的注册码注册</a>
        <br />
        忘记密码？请本组织其他管理员或上级组织管理员为您生成重置码，然后<a href="/password/reset">
          重置密码
        </a>。
      </p>
    </section>
  );
}

/** One org the account administers. */
export interface AccountOrg {
  id: number;
  shortName: string;
  position: string;
}

/** Choose which org to act for. */
export function SwitchOrg(
  { csrf, orgs, current }: {
    csrf: string;
    orgs: AccountOrg[];
    current: number;
  },
) {
  return (
    <section class="narrow">
      <h1>切换组织</h1>
      <form method="post" action="/account/switch">
        <Csrf token={csrf} />
        <fieldset>
          <legend>您是以下组织的管理员</legend>
          {orgs.map((o) => (
            <label class="choice">
              <input
                type="radio"
                name="orgId"
                value={String(o.id)}
                checked={o.id === current}
                required
              />
              {o.shortName}（{o.position}）
            </label>
          ))}
        </fieldset>
        <button type="submit" class="primary">切换</button>
      </form>
    </section>
  );
}

/** Props of {@link ResetForm}. */
export interface ResetFormProps {
  csrf: string;
  values?: { login?: string; code?: string };
  errors?: { login?: string; code?: string; password?: string; form?: string };
}

/** Reset a password with a one-time code from another admin. */
export function ResetForm({ csrf, values = {}, errors = {} }: ResetFormProps) {
  return (
    <section class="narrow">
      <h1>重置密码</h1>
      <p>重置码由本组织的其他管理员或上级组织管理员生成，只能使用一次。</p>
      <FormErrors errors={[errors.form]} />
      <form method="post" action="/password/reset">
        <Csrf token={csrf} />
        <Field
          label="手机号码或身份证号码"
          name="login"
          value={values.login}
          required
          error={errors.login}
        />
        <Field
          label="重置码"
          name="code"
          value={values.code}
          required
          error={errors.code}
          autocomplete="off"
        />
        <NewPasswordFields label="新密码" repeatLabel="再次输入新密码" error={errors.password} />
        <button type="submit" class="primary">重置密码</button>
      </form>
    </section>
  );
}
