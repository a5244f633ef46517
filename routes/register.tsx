/**
 * Admin registration, step by step (SPEC §4). Each step re-checks the ones
 * before it from hidden fields, so every step works without JavaScript and
 * nothing is stored until the last one.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import {
  ChooseOrg,
  ChoosePosition,
  type Chosen,
  EnterCode,
  EnterPerson,
  PICK_PER_PAGE,
  PickList,
  type PickOrg,
} from "../components/Register.tsx";
import { writeTx } from "../db/client.ts";
import {
  addAdmin,
  findAccountByIdNumber,
  findAccountByLogin,
  insertAccount,
  isAdminOf,
} from "../db/accounts.ts";
import { audit } from "../db/audit.ts";
import { checkCode, codeProblemText, redeemCode } from "../db/codes.ts";
import { getOrg, getRoot, treeItems } from "../db/orgs.ts";
import { listPage } from "../components/Pager.tsx";
import { searchOrgs, withTrails } from "../db/search.ts";
import type { accounts, Org } from "../db/schema.ts";
import { isWellFormedCode } from "../lib/codes.ts";
import { parseIdNumber } from "../lib/id_number.ts";
import { checkJoinDate } from "../lib/join_age.ts";
import { parseMobile } from "../lib/mobile.ts";
import { LEADING, LEADING_POSITIONS, OTHER_POSITIONS } from "../lib/org_rules.ts";
import { personNameProblem } from "../lib/person_name.ts";
import { checkPassword, hashPassword } from "../lib/password.ts";
import { CODES_PER_CLIENT, TAKEN_PER_CLIENT, waitText } from "../lib/throttle.ts";
import { checkLoginPassword } from "../db/password_check.ts";
import { refund, reserve } from "../db/throttle.ts";
import { clientKey } from "../middleware/client.ts";
import { signIn } from "../middleware/sign_in.ts";
import type { AppEnv } from "../middleware/env.ts";
import { redirectAfterPost, render, renderError } from "../middleware/render.tsx";
import { form, query, text, trimmed } from "../middleware/validate.ts";

const TITLE = "管理员注册";

const pick = (o: Org): PickOrg => ({
  id: o.id,
  shortName: o.shortName,
  childCount: o.childCount,
});

/** The 团内职务 offered for an org. */
export const positionsFor = (org: Pick<Org, "category">): readonly string[] =>
  org.category === LEADING ? LEADING_POSITIONS : OTHER_POSITIONS;

/** Step 1: the org and 团内职务 chosen, carried by every later step. */
const chosenFields = {
  org: text(20),
  position: text(40),
  positionOther: text(40),
};

/** The chooser's search. */
const searchQuery = z.object({ q: trimmed(30).catch("") });

/** Step 1 done: the org and position. */
const positionQuery = z.object(chosenFields).catch({ org: "", position: "", positionOther: "" });

/** Step 2: the registration code. */
const codeForm = z.object({ ...chosenFields, code: trimmed(40) });

/** Step 3: the person (or, for an existing account, its password). */
const personForm = codeForm.extend({
  name: trimmed(40),
  idNumber: trimmed(40),
  mobile: trimmed(40),
  joined: trimmed(20),
  password: text(200),
  password2: text(200),
  existing: text(2),
  /** The existing account's login (mobile or ID number), for "已有账号"; the ID number field when empty. */
  login: trimmed(40),
});

/** Reads and checks the org and position carried by a step; null when missing or invalid. */
async function chosenFrom(
  c: Context<AppEnv>,
  form: Record<string, unknown>,
): Promise<Chosen | null> {
  const org = await getOrg(c.get("db"), Number(form.org));
  if (!org) return null;
  let position = String(form.position ?? "");
  if (position === "其他" && String(form.positionOther ?? "").trim()) {
    position = `其他：${String(form.positionOther).trim().slice(0, 20)}`;
  }
  const base = position.startsWith("其他：") ? "其他" : position;
  if (!positionsFor(org).includes(base)) return null;
  return { org: pick(org), position };
}

/**
 * Throttled code check shared by steps 2 and 3; returns an error message or the code id. Every check is
 * reserved first (parallel guesses cannot all pass); only a wrong code stays counted: a used or expired one
 * is a real code (the loser of a registration race holds one), not a guess.
 */
async function verifyCode(
  c: Context<AppEnv>,
  orgId: number,
  code: string,
): Promise<{ error: string; status: 422 | 429 } | { id: number }> {
  const now = c.get("now")();
  const db = c.get("db");
  const key = `code:${clientKey(c)}`;
  const budget = await reserve(db, key, CODES_PER_CLIENT, now.getTime());
  if (!budget.ok) {
    return {
      error: `注册码输入错误次数过多，请 ${waitText(budget.wait)}后再试。`,
      status: 429 as const,
    };
  }
  const res = isWellFormedCode(code)
    ? await checkCode(db, orgId, code, now)
    : { ok: false as const, problem: "wrong" as const };
  if (res.ok || res.problem === "used" || res.problem === "expired") await refund(db, key);
  if (!res.ok) {
    return {
      error: codeProblemText(
        res.problem,
        "expiresAt" in res ? res.expiresAt : undefined,
      ),
      status: 422 as const,
    };
  }
  return { id: res.id };
}

/** Step 2 again, with what was wrong with the code. */
const codeAgain = (
  c: Context<AppEnv>,
  chosen: Chosen,
  code: string,
  error: string,
  status: 409 | 422 | 429,
) => render(c, TITLE, <EnterCode csrf={c.get("csrf")} chosen={chosen} code={code} error={error} />, status);

/**
 * Steps 2 and 3 re-check step 1 and the code from the hidden fields: the
 * chosen org, the code and its id, or the response that sends the admin back.
 */
async function codeStep(
  c: Context<AppEnv>,
  entered: z.infer<typeof codeForm>,
): Promise<{ chosen: Chosen; code: string; codeId: number } | Response> {
  const chosen = await chosenFrom(c, entered);
  if (!chosen) return c.redirect("/register", 303);
  const res = await verifyCode(c, chosen.org.id, entered.code);
  if ("error" in res) return codeAgain(c, chosen, entered.code, res.error, res.status);
  return { chosen, code: entered.code, codeId: res.id };
}

/** Routes under /register. */
export const register = new Hono<AppEnv>()
  .get("/", query(searchQuery), async (c) => {
    const db = c.get("db");
    const { q } = c.req.valid("query");
    const root = await getRoot(db);
    const roots = root ? [pick(root)] : [];
    let results: PickOrg[] | undefined;
    if ([...q].length === 1) {
      return render(
        c,
        TITLE,
        <ChooseOrg q={q} roots={roots} message="请至少输入两个字再搜索，或在下方组织树中选择。" />,
      );
    }
    if (q) {
      // Trails below 团中央, for every result in one query.
      const found = await withTrails(db, await searchOrgs(db, q, { limit: 30 }), 2);
      results = found.map((o) => ({ ...pick(o), trail: o.trail }));
    }
    return render(
      c,
      TITLE,
      <ChooseOrg q={q} results={results} roots={roots} />,
    );
  })
  .get("/orgs/:id{[0-9]+}", async (c) => {
    const db = c.get("db");
    const parent = await getOrg(db, Number(c.req.param("id")));
    if (!parent) {
      return renderError(c, 404, "组织不存在", "请重新选择要注册的组织。", {
        href: "/register",
        label: "重新选择",
      });
    }
    const at = listPage(c.req.query("page"), parent.childCount, PICK_PER_PAGE);
    const items = await treeItems(db, parent.id, at.offset, at.perPage);
    const more = { href: `/register/orgs/${parent.id}`, at };
    return render(c, TITLE, <PickList items={items} more={more} rest={c.req.query("more") === "1"} />);
  })
  .get("/start", async (c) => {
    const org = await getOrg(c.get("db"), Number(c.req.query("org")));
    if (!org) {
      return renderError(c, 404, "组织不存在", "请重新选择要注册的组织。", {
        href: "/register",
        label: "重新选择",
      });
    }
    return render(
      c,
      TITLE,
      <ChoosePosition org={pick(org)} positions={positionsFor(org)} />,
    );
  })
  .get("/code", query(positionQuery), async (c) => {
    const chosen = await chosenFrom(c, c.req.valid("query"));
    if (!chosen) {
      const org = await getOrg(c.get("db"), Number(c.req.query("org")));
      if (!org) return c.redirect("/register", 303);
      return render(
        c,
        TITLE,
        <ChoosePosition
          org={pick(org)}
          positions={positionsFor(org)}
          error="请选择团内职务（选择“其他”时请填写职务名称）"
        />,
        422,
      );
    }
    return render(c, TITLE, <EnterCode csrf={c.get("csrf")} chosen={chosen} />);
  })
  .post("/code", form(codeForm), async (c) => {
    const step = await codeStep(c, c.req.valid("form"));
    if (step instanceof Response) return step;
    return render(c, TITLE, <EnterPerson csrf={c.get("csrf")} chosen={step.chosen} code={step.code} />);
  })
  .post("/", form(personForm), async (c) => {
    const form = c.req.valid("form");
    const db = c.get("db");
    const now = c.get("now")();
    const step = await codeStep(c, form);
    if (step instanceof Response) return step;
    const { chosen, code } = step;
    const values = { name: form.name, idNumber: form.idNumber, mobile: form.mobile, joined: form.joined };
    const password = form.password;
    const person = (
      errors: Parameters<typeof EnterPerson>[0]["errors"],
      existing = false,
      status: 422 | 429 = 422,
    ) =>
      render(
        c,
        TITLE,
        <EnterPerson
          csrf={c.get("csrf")}
          chosen={chosen}
          code={code}
          values={values}
          errors={errors}
          existing={existing}
        />,
        status,
      );

    const client = clientKey(c);
    const takenText =
      "该身份证号码或手机号码已用于其他账号：如果这是您的账号，请在下方“已有账号”处输入登录密码，本组织将添加到您的账号中；否则请核对后重新填写。";
    /** One answer for "ID number has an account" and "mobile taken", and only so often per client. */
    const taken = async () => {
      const budget = await reserve(db, `taken:${client}`, TAKEN_PER_CLIENT, now.getTime());
      return budget.ok
        ? person({ form: takenText })
        : person({ form: `尝试次数过多，请 ${waitText(budget.wait)}后再试。` }, false, 429);
    };

    const id = parseIdNumber(values.idNumber);
    let accountId: number | null = null;
    let newAccount: typeof accounts.$inferInsert | null = null;
    if (form.existing === "1") {
      // A second org for the same person: the account's login and password, checked like a sign-in (one
      // throttled check, the same answer for an unknown login and a wrong password).
      const login = form.login || form.idNumber;
      const checked = await checkLoginPassword(db, login, password, client, now);
      if (!checked.ok) {
        return checked.wait
          ? person({ form: `尝试次数过多，请 ${waitText(checked.wait)}后再试。` }, true, 429)
          : person({ password: "身份证号码/手机号码或密码不正确，请输入已有账号的登录信息" }, true);
      }
      accountId = checked.account.id;
      if (await isAdminOf(db, accountId, chosen.org.id)) {
        return person({
          form: "您已经是该组织的管理员，无需重复注册，请直接登录。",
        }, true);
      }
    } else {
      const errors: Record<string, string> = {};
      const name = personNameProblem(values.name);
      if (name) errors.name = name;
      if (!id.ok) errors.idNumber = id.error;
      const mobile = parseMobile(values.mobile);
      if (!mobile.ok) errors.mobile = mobile.error;
      if (id.ok) {
        const joined = checkJoinDate(values.joined, id.value.birth, now);
        if (!joined.ok) errors.joined = joined.error;
      } else if (!values.joined) errors.joined = "请填写入团年月";
      const pw = checkPassword(password, form.password2);
      if (pw) errors.password = pw;
      if (Object.keys(errors).length || !id.ok || !mobile.ok) {
        return person(errors);
      }
      if (
        await findAccountByIdNumber(db, id.value.idNumber) || await findAccountByLogin(db, mobile.value)
      ) return await taken();
      const joined = checkJoinDate(values.joined, id.value.birth, now);
      newAccount = {
        name: values.name,
        idNumber: id.value.idNumber,
        mobile: mobile.value,
        joinedYm: joined.ok
          ? `${joined.value.year}-${String(joined.value.month).padStart(2, "0")}`
          : values.joined,
        passwordHash: await hashPassword(password),
        createdAt: now,
      };
    }

    const outcome = await writeTx(db, async (tx) => {
      if (newAccount) {
        // Registered meanwhile (a double submit, or two people at once).
        if (
          await findAccountByIdNumber(tx, newAccount.idNumber) ||
          await findAccountByLogin(tx, newAccount.mobile)
        ) return "taken" as const;
        accountId = await insertAccount(tx, newAccount);
      }
      if (!(await redeemCode(tx, step.codeId, accountId!, now))) {
        tx.rollback();
      }
      await addAdmin(
        tx,
        accountId!,
        chosen.org.id,
        chosen.position,
        step.codeId,
        now,
      );
      const org = (await getOrg(tx, chosen.org.id))!;
      await audit(tx, {
        org,
        actorId: accountId,
        action: "admin.registered",
        detail: { position: chosen.position, newAccount: !!newAccount },
        at: now,
      });
      await signIn(c, accountId!, org.id, tx);
      return "ok" as const;
    }).catch((e) => {
      if (e?.constructor?.name === "TransactionRollbackError") {
        return "used" as const;
      }
      throw e;
    });
    if (outcome === "taken") return await taken();
    if (outcome === "used") return codeAgain(c, chosen, code, codeProblemText("used"), 409);
    return redirectAfterPost(c, `/orgs/${chosen.org.id}/info?welcome=1`);
  });
