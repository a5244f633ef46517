/**
 * A 团支部's members (团员信息采集录入, SPEC §9), relative to the org app
 * (`/orgs/:id`): the list (100 to a page, masked for anyone but the branch's
 * own admin), single add, edit and remove by the branch's admin or its direct
 * parent's admin, and the Excel batch (routes/member_import.tsx).
 */
import { BRANCH } from "../lib/org_rules.ts";
import { Hono } from "hono";
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import { MemberForm, MemberList, type MemberRow } from "../components/Members.tsx";
import { listPage } from "../components/Pager.tsx";
import { writeTx } from "../db/client.ts";
import { audit } from "../db/audit.ts";
import {
  addMember,
  getMember,
  MEMBERS_PER_PAGE,
  membersPage,
  removeMember,
  updateMember,
} from "../db/members.ts";
import type { Member } from "../db/schema.ts";
import { loadDivisions } from "../db/seed.ts";
import { maskIdNumber } from "../lib/id_number.ts";
import {
  beijingDay,
  birthDateOf,
  checkMember,
  genderOf,
  MEMBER_FIELDS,
  type MemberField,
  type MemberInput,
} from "../lib/member_rules.ts";
import { maskMobile } from "../lib/mobile.ts";
import { placeNames } from "../lib/places.ts";
import type { OrgEnv } from "../middleware/env.ts";
import { guard } from "../middleware/guard.ts";
import { redirectAfterPost, renderError, sendXlsx } from "../middleware/render.tsx";
import { form } from "../middleware/validate.ts";

let places: Promise<Set<string>> | undefined;

/** The valid 户籍所在地 names (from db/divisions.json, read once). */
export const knownPlaces = (): Promise<Set<string>> => (places ??= loadDivisions().then(placeNames));

/** The member form's fields: text, cut far beyond any valid length so the rules say what is wrong. */
export const memberSchema = z.object(
  Object.fromEntries(
    MEMBER_FIELDS.map((f) => [f.field, z.string().transform((s) => s.slice(0, 100)).default("")]),
  ) as Record<MemberField, z.ZodDefault<z.ZodPipe<z.ZodString, z.ZodTransform<string, string>>>>,
);

/** Who the viewer is to the branch in the URL. */
export function roleOf(c: Context<OrgEnv>): { self: boolean; parent: boolean } {
  const own = c.var.session.org;
  const org = c.get("org");
  return { self: own.id === org.id, parent: org.parentId === own.id };
}

/** Refuses member pages of an org that is not a 团支部. */
export const notBranch = (c: Context<OrgEnv>) =>
  renderError(
    c,
    404,
    "不是团支部",
    `团员只能录入到团支部。“${
      c.get("org").shortName
    }”不是团支部，请在其下级团支部中录入，或在录入进度中查看团员数。`,
    { href: `/orgs/${c.get("org").id}/progress`, label: "查看录入进度" },
  );

/** Member screens exist only for a 团支部 (run after the permission guard). */
export const branchOnly = createMiddleware<OrgEnv>(async (c, next) => {
  if (c.var.org.category !== BRANCH) return notBranch(c);
  await next();
});

/** A member row for the list, masked unless `unmasked`. */
export function memberRow(m: Member, unmasked: boolean): MemberRow {
  return {
    id: m.id,
    name: m.name,
    gender: genderOf(m.idNumber),
    birth: birthDateOf(m.idNumber),
    idNumber: unmasked ? m.idNumber : maskIdNumber(m.idNumber),
    ethnicity: m.ethnicity,
    political: m.political,
    joinedYm: m.joinedYm,
    mobile: unmasked ? m.mobile : maskMobile(m.mobile),
    position: m.position,
    due: m.due === 1,
  };
}

/** A stored member as form values. */
const formOf = (m: Member): MemberInput =>
  Object.fromEntries(MEMBER_FIELDS.map((f) => [f.field, String(m[f.field] ?? "")])) as unknown as MemberInput;

/** A member screen of the org app (htmx gets the body alone, so a failed save returns only the form). */
function page(c: Context<OrgEnv>, title: string, body: Child, status: 200 | 409 | 422 = 200) {
  c.status(status);
  return c.render(body, { title, tab: "members" });
}

const noMember = (c: Context<OrgEnv>) =>
  renderError(c, 404, "团员不存在", "该团员不在本团支部，可能已被删除。", {
    href: `/orgs/${c.get("org").id}/members`,
    label: "返回团员列表",
  });

/** Runs `then` with the branch's member named by `:mid`, or says it is gone. */
async function withMember(c: Context<OrgEnv>, then: (m: Member) => Response | Promise<Response>) {
  const m = await getMember(c.var.db, c.var.org.id, Number(c.req.param("mid")));
  return m ? then(m) : noMember(c);
}

/** Checks a submitted form; for the parent's admin the stored ID number (and, when blank, mobile) is kept. */
async function checked(c: Context<OrgEnv>, submitted: Record<MemberField, string>, before?: Member) {
  const input = { ...submitted } as MemberInput;
  if (before && !roleOf(c).self) {
    input.idNumber = before.idNumber;
    if (!input.mobile.trim()) input.mobile = before.mobile;
  }
  const isPlace = await knownPlaces();
  return { input, result: checkMember(input, { now: c.get("now")(), isPlace: (s) => isPlace.has(s) }) };
}

const errorsOf = (problems: { field: MemberField; message: string }[]) => {
  const out: Partial<Record<MemberField, string>> = {};
  for (const p of problems) out[p.field] = out[p.field] ? `${out[p.field]}；${p.message}` : p.message;
  return out;
};

/** The parent's admin sees the ID number and mobile masked in the form too (§9: full only for the branch's own admin). */
const maskedFor = (c: Context<OrgEnv>, m?: Member) =>
  m && !roleOf(c).self ? { idNumber: maskIdNumber(m.idNumber), mobile: maskMobile(m.mobile) } : undefined;

/** Values shown back in a form (never the full ID number or mobile to the parent's admin). */
const shown = (c: Context<OrgEnv>, v: MemberInput, m?: Member): MemberInput =>
  m && !roleOf(c).self ? { ...v, idNumber: "", mobile: v.mobile === m.mobile ? "" : v.mobile } : v;

const editors = guard("self", "child");

/** A branch's members as a spreadsheet, masked unless `unmasked` (asked for explicitly, audited). */
async function exportMembers(c: Context<OrgEnv>, unmasked: boolean) {
  const org = c.get("org");
  const rows: (string | number | null)[][] = [];
  for (let offset = 0;; offset += 1000) {
    const page = await membersPage(c.get("db"), org.id, offset, 1000);
    for (const m of page) {
      const r = memberRow(m, unmasked);
      rows.push([
        rows.length + 1,
        m.name,
        r.gender,
        r.birth,
        r.idNumber,
        m.ethnicity,
        m.political,
        m.joinedYm,
        m.eduFull,
        m.eduHighest,
        r.mobile,
        m.memberNo,
        m.occupation,
        m.employer,
        m.hukou,
        m.partyYm,
        m.position,
        m.email,
        r.due ? "是" : "",
      ]);
    }
    if (page.length < 1000) break;
  }
  const headers = [
    "序号",
    "姓名",
    "性别",
    "出生日期",
    ...MEMBER_FIELDS.slice(1).map((f) => f.label),
    "应办理离团",
  ];
  const bytes = await c.var.sheets.tableToXlsx("团员", headers, rows);
  return sendXlsx(c, bytes, `${org.shortName}-团员${unmasked ? "" : "（脱敏）"}.xlsx`);
}

/** The remove form: the confirmation box. */
const removeForm = z.object({ confirm: z.string().optional() });
/** The export form: masked unless asked for. */
const exportForm = z.object({ unmasked: z.string().optional() });

/** Routes under /orgs/:id/members (the batch, /members/import, is routes/member_import.tsx). */
export const members = new Hono<OrgEnv>()
  .get("/members.xlsx", guard("subtree"), branchOnly, (c) => exportMembers(c, false))
  .post("/members.xlsx", guard("subtree"), branchOnly, form(exportForm), async (c) => {
    const org = c.var.org;
    const unmasked = c.req.valid("form").unmasked === "1";
    if (unmasked) {
      await writeTx(c.var.db, (tx) =>
        audit(tx, {
          org,
          actorId: c.var.session.accountId,
          action: "export.unmasked",
          detail: { members: org.memberCount },
          at: c.var.now(),
        }));
    }
    return exportMembers(c, unmasked);
  })
  .get("/members", guard("subtree"), branchOnly, async (c) => {
    const org = c.var.org;
    const role = roleOf(c);
    const at = listPage(c.req.query("page"), org.memberCount, MEMBERS_PER_PAGE);
    const rows = await membersPage(c.var.db, org.id, at.offset);
    const done = c.req.query("saved") ?? c.req.query("removed");
    return page(
      c,
      "团员",
      <MemberList
        orgId={org.id}
        rows={rows.map((m) => memberRow(m, false))}
        figures={{ members: org.memberCount, due: org.dueCount }}
        edit={role.self || role.parent}
        first={at.offset + 1}
        page={at.page}
        pages={at.pages}
        notice={done ? (c.req.query("saved") ? `已保存“${done}”。` : `已删除“${done}”。`) : undefined}
        csrf={c.var.csrf}
      />,
    );
  })
  .get(
    "/members/new",
    editors,
    branchOnly,
    (c) => page(c, "录入团员", <MemberForm orgId={c.var.org.id} csrf={c.var.csrf} />),
  )
  .post("/members/new", editors, branchOnly, form(memberSchema), async (c) => {
    const org = c.var.org;
    const submitted = await checked(c, c.req.valid("form"));
    const props = { orgId: org.id, csrf: c.var.csrf, values: submitted.input };
    if (!submitted.result.ok) {
      return page(c, "录入团员", <MemberForm {...props} errors={errorsOf(submitted.result.problems)} />, 422);
    }
    const v = submitted.result.value;
    const now = c.var.now();
    const out = await writeTx(
      c.var.db,
      (tx) => addMember(tx, org, v, c.var.session.accountId, now, beijingDay(now)),
    );
    if ("message" in out) {
      return page(c, "录入团员", <MemberForm {...props} errors={{ [out.field]: out.message }} />, 409);
    }
    return redirectAfterPost(c, `/orgs/${org.id}/members?saved=${encodeURIComponent(v.name)}`);
  })
  .get("/members/:mid{[0-9]+}", editors, branchOnly, (c) =>
    withMember(c, (m) =>
      page(
        c,
        `修改团员 ${m.name}`,
        <MemberForm
          orgId={c.var.org.id}
          csrf={c.var.csrf}
          memberId={m.id}
          values={shown(c, formOf(m), m)}
          masked={maskedFor(c, m)}
        />,
      )))
  .post("/members/:mid{[0-9]+}", editors, branchOnly, form(memberSchema), (c) =>
    withMember(c, async (m) => {
      const org = c.var.org;
      const submitted = await checked(c, c.req.valid("form"), m);
      const props = {
        orgId: org.id,
        csrf: c.var.csrf,
        memberId: m.id,
        values: shown(c, submitted.input, m),
        masked: maskedFor(c, m),
      };
      if (!submitted.result.ok) {
        return page(
          c,
          "修改团员",
          <MemberForm {...props} errors={errorsOf(submitted.result.problems)} />,
          422,
        );
      }
      const v = submitted.result.value;
      const now = c.var.now();
      const refused = await writeTx(c.var.db, async (tx) => {
        const fresh = await getMember(tx, org.id, m.id);
        if (!fresh) return { field: "name" as const, message: "该团员已被删除" };
        return await updateMember(tx, org, fresh, v, c.var.session.accountId, now, beijingDay(now));
      });
      if (refused) {
        return page(
          c,
          "修改团员",
          <MemberForm {...props} errors={{ [refused.field]: refused.message }} />,
          409,
        );
      }
      return redirectAfterPost(c, `/orgs/${org.id}/members?saved=${encodeURIComponent(v.name)}`);
    }))
  .post(
    "/members/:mid{[0-9]+}/remove",
    editors,
    branchOnly,
    form(removeForm),
    (c) =>
      withMember(c, async (m) => {
        const org = c.var.org;
        if (c.req.valid("form").confirm !== "1") {
          return page(
            c,
            "修改团员",
            <MemberForm
              orgId={org.id}
              csrf={c.var.csrf}
              memberId={m.id}
              values={shown(c, formOf(m), m)}
              masked={maskedFor(c, m)}
              errors={{ name: "删除前请勾选“确认删除该团员”" }}
            />,
            422,
          );
        }
        await writeTx(c.var.db, async (tx) => {
          const fresh = await getMember(tx, org.id, m.id);
          if (fresh) await removeMember(tx, org, fresh, c.var.session.accountId, c.var.now());
        });
        return redirectAfterPost(c, `/orgs/${org.id}/members?removed=${encodeURIComponent(m.name)}`);
      }),
  );
