/** Sign-in, sign-out, switching org and password reset. */
import { Hono } from "hono";
import { z } from "zod";
import { getCookie } from "hono/cookie";
import { LoginForm, ResetForm, SwitchOrg } from "../components/Auth.tsx";
import { writeTx } from "../db/client.ts";
import {
  deleteSession,
  findAccountByLogin,
  findResetCode,
  orgsOfAccount,
  orgsOutside,
  resetPassword,
  setSessionOrg,
} from "../db/accounts.ts";
import { checkPassword, hashPassword } from "../lib/password.ts";
import { CODES_PER_CLIENT, waitText } from "../lib/throttle.ts";
import { safeNext } from "../lib/next.ts";
import { checkLoginPassword } from "../db/password_check.ts";
import { refund, reserve } from "../db/throttle.ts";
import type { AppEnv } from "../middleware/env.ts";
import { clientKey } from "../middleware/client.ts";
import { signIn } from "../middleware/sign_in.ts";
import { redirectAfterPost, render, renderError } from "../middleware/render.tsx";
import { form, optionalId, text, trimmed } from "../middleware/validate.ts";
import { clearSessionCookie, SESSION_COOKIE } from "../middleware/session.ts";

/**
 * Where an admin lands after signing in: the info form while the org's info
 * is incomplete, else the progress summary when it has children.
 */
export const landing = (org: { id: number; childCount: number; infoComplete: number }): string =>
  !org.infoComplete
    ? `/orgs/${org.id}/info`
    : org.childCount > 0
    ? `/orgs/${org.id}/progress?welcome=1`
    : `/orgs/${org.id}`;

/** The sign-in form. */
const loginForm = z.object({
  login: trimmed(40),
  password: text(200),
  next: z.string().optional(),
});

/** The org switcher's choice. */
const switchForm = z.object({ orgId: optionalId });

/** The password reset form. */
const resetForm = z.object({
  login: trimmed(40),
  code: trimmed(40),
  password: text(200),
  password2: text(200),
});

/** Routes for sign-in and account actions. */
export const auth = new Hono<AppEnv>()
  .get("/login", (c) => {
    if (c.get("session")) return c.redirect("/", 303);
    return render(
      c,
      "登录",
      <LoginForm csrf={c.get("csrf")} next={safeNext(c.req.query("next"))} />,
    );
  })
  .post("/login", form(loginForm), async (c) => {
    const { login, password, next: wanted } = c.req.valid("form");
    const next = safeNext(wanted);
    const form = (error: string, status: 422 | 429 = 422) =>
      render(
        c,
        "登录",
        <LoginForm
          csrf={c.get("csrf")}
          login={login}
          next={next}
          error={error}
        />,
        status,
      );
    if (!login || !password) {
      return form("请输入手机号码或身份证号码，以及密码。");
    }
    const db = c.get("db");
    const checked = await checkLoginPassword(db, login, password, clientKey(c), c.get("now")());
    if (!checked.ok) {
      return checked.wait
        ? form(`登录失败次数过多，请 ${waitText(checked.wait)}后再试。`, 429)
        : form("手机号码/身份证号码或密码不正确。");
    }
    const account = checked.account;
    const [first] = await orgsOfAccount(db, account.id);
    if (!first) return form("该账号尚未成为任何组织的管理员。");
    await signIn(c, account.id, first.org.id);
    return redirectAfterPost(c, next ?? landing(first.org));
  })
  .post("/logout", async (c) => {
    const secret = getCookie(c, SESSION_COOKIE);
    if (secret) await writeTx(c.get("db"), (tx) => deleteSession(tx, secret));
    clearSessionCookie(c);
    return redirectAfterPost(c, "/login");
  })
  .get("/account/switch", async (c) => {
    const s = c.get("session");
    if (!s) return c.redirect("/login", 303);
    const list = await orgsOfAccount(c.get("db"), s.accountId);
    return render(
      c,
      "切换组织",
      <SwitchOrg
        csrf={c.get("csrf")}
        current={s.org.id}
        orgs={list.map((r) => ({
          id: r.org.id,
          shortName: r.org.shortName,
          position: r.position,
        }))}
      />,
    );
  })
  .post("/account/switch", form(switchForm), async (c) => {
    const s = c.get("session");
    if (!s) return c.redirect("/login", 303);
    const orgId = c.req.valid("form").orgId;
    const db = c.get("db");
    const mine = (await orgsOfAccount(db, s.accountId)).find((r) => r.org.id === orgId);
    if (!mine) return renderError(c, 403, "无权操作", "您不是该组织的管理员。");
    await writeTx(db, (tx) => setSessionOrg(tx, s.id, mine.org.id));
    return redirectAfterPost(c, landing(mine.org));
  })
  .get(
    "/password/reset",
    (c) => render(c, "重置密码", <ResetForm csrf={c.get("csrf")} />),
  )
  .post("/password/reset", form(resetForm), async (c) => {
    const body = c.req.valid("form");
    const values = { login: body.login, code: body.code };
    const password = body.password;
    const db = c.get("db");
    const nowDate = c.get("now")();
    const now = nowDate.getTime();
    const form = (
      errors: Parameters<typeof ResetForm>[0]["errors"],
      status: 403 | 422 | 429 = 422,
    ) =>
      render(
        c,
        "重置密码",
        <ResetForm csrf={c.get("csrf")} values={values} errors={errors} />,
        status,
      );
    const pwError = checkPassword(password, body.password2);
    if (!values.login || !values.code || pwError) {
      return form({
        login: values.login ? undefined : "请输入手机号码或身份证号码",
        code: values.code ? undefined : "请输入重置码",
        password: pwError ?? undefined,
      });
    }
    // A reset code is a secret like a password: every try is reserved first (wrong ones keep counting).
    const key = `code:${clientKey(c)}`;
    const budget = await reserve(db, key, CODES_PER_CLIENT, now);
    if (!budget.ok) {
      return form({ form: `尝试次数过多，请 ${waitText(budget.wait)}后再试。` }, 429);
    }
    const account = await findAccountByLogin(db, values.login);
    const row = account ? await findResetCode(db, account.id, values.code, nowDate) : undefined;
    if (!account || !row) {
      return form({
        code: "重置码不正确、已使用或已过期：请联系本组织其他管理员或上级组织管理员重新生成。",
      });
    }
    await refund(db, key);
    // The reset rule (README "Security"): a code restores access only when every org of the account lies in
    // the issuer's subtree; the account may have gained an org elsewhere since the code was issued.
    const outside = await orgsOutside(db, account.id, row.issuerOrgId);
    if (outside.length) {
      return form({
        code: `该账号还是“${
          outside.map((o) => o.shortName).join("、")
        }”的管理员，这些组织不在发放重置码的管理员管辖范围内，此重置码不能使用。请联系能管辖您所有组织的上级组织管理员生成重置码。`,
      }, 403);
    }
    const hash = await hashPassword(password);
    const [first] = await orgsOfAccount(db, account.id);
    await writeTx(
      db,
      (tx) =>
        resetPassword(tx, {
          codeId: row.id,
          accountId: account.id,
          hash,
          orgId: first?.org.id,
          now: nowDate,
        }),
    );
    return render(
      c,
      "登录",
      <LoginForm
        csrf={c.get("csrf")}
        login={values.login}
        notice="密码已重置，请用新密码登录。"
      />,
    );
  });
