/**
 * An org's own info (SPEC §2.4): the form for its own admins, a read-only
 * masked view for its ancestors' admins, and confirmation, which locks
 * 简称, 全称, 类别 and 行业类别.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import { InfoForm, type InfoValues, InfoView } from "../components/InfoForm.tsx";
import { OrgNav } from "../components/OrgNav.tsx";
import { writeTx } from "../db/client.ts";
import { infoOf, writeInfo } from "../db/org_info.ts";
import { getOrg } from "../db/orgs.ts";
import type { Org } from "../db/schema.ts";
import { type OrgInfo, requiredFields, validateOrgInfo } from "../lib/org_info.ts";
import type { AppEnv } from "../middleware/env.ts";
import { guard } from "../middleware/guard.ts";
import { redirectAfterPost, render, renderError, wantsFragment } from "../middleware/render.tsx";

const text = z.string().trim().max(100).optional().transform((v) => (v ? v : null));
const count = z.string().trim().max(9).optional().transform((
  v,
) => (v ? (/^\d+$/.test(v) ? Number(v) : NaN) : null));

/** The info form's fields; personal numbers are normalised by the domain rules. */
export const infoFormSchema = z.object({
  fullName: text,
  industry: text,
  phone: text,
  email: text,
  adminQuota: count,
  adminActual: count,
  instQuota: count,
  instActual: count,
  secretaryName: text,
  secretaryIdNumber: z.string().trim().optional().transform((v) => (v ? v.toUpperCase() : null)),
  secretaryMobile: text,
});

/** Fields the org's own admin may no longer change once confirmed. */
const LOCKED_AFTER_CONFIRM = ["fullName", "industry"] as const;

function page(c: Context<AppEnv>, org: Org, body: unknown, status: 200 | 422 = 200) {
  return render(
    c,
    `${org.shortName} · 组织信息`,
    <>
      <OrgNav org={org} current="info" self={c.get("session")!.org.id === org.id} />
      {body}
    </>,
    status,
  );
}

/** Routes under /orgs/:id/info. */
export const info = new Hono<AppEnv>()
  .get("/:id{[0-9]+}/info", guard("subtree"), (c) => {
    const org = c.get("org");
    if (c.get("session")!.org.id !== org.id) {
      return page(c, org, <InfoView info={infoOf(org)} confirmed={org.confirmedAt !== null} />);
    }
    const current = infoOf(org);
    const { errors } = validateOrgInfo(current);
    return page(
      c,
      org,
      <InfoForm
        orgId={org.id}
        csrf={c.get("csrf")}
        category={org.category}
        values={current}
        confirmed={org.confirmedAt !== null}
        complete={org.infoComplete === 1}
        missing={requiredFields(org.category).filter((k) => errors[k])}
        welcome={c.req.query("welcome") === "1"}
        saved={c.req.query("saved") === "1" || c.req.query("confirmed") === "1"}
      />,
    );
  })
  .post("/:id{[0-9]+}/info", guard("self"), async (c) => {
    const org = c.get("org");
    const body = await c.req.parseBody();
    const parsed = infoFormSchema.safeParse(body);
    if (!parsed.success) return renderError(c, 400, "提交的内容有误", "请刷新页面后重新填写。");
    const form = parsed.data;
    const confirmed = org.confirmedAt !== null;
    const next: OrgInfo = {
      ...infoOf(org),
      ...form,
      ...(confirmed ? Object.fromEntries(LOCKED_AFTER_CONFIRM.map((k) => [k, org[k]])) : {}),
    };
    const { errors, warnings } = validateOrgInfo(next);
    // Missing fields may be saved and filled in later; malformed ones are sent back.
    const malformed = Object.fromEntries(
      Object.entries(errors).filter(([k]) => {
        const v = next[k as keyof OrgInfo];
        return v !== null && v !== "";
      }),
    );
    const values: InfoValues = { ...next, ...form };
    for (const k of ["adminQuota", "adminActual", "instQuota", "instActual"] as const) {
      if (Number.isNaN(form[k])) values[k] = String(body[k] ?? "");
    }
    const formProps = {
      orgId: org.id,
      csrf: c.get("csrf"),
      category: org.category,
      confirmed,
      warnings,
    };
    if (Object.keys(malformed).length) {
      return page(
        c,
        org,
        <InfoForm {...formProps} values={values} errors={malformed} complete={false} />,
        422,
      );
    }
    const session = c.get("session")!;
    const now = c.get("now")();
    await writeTx(c.get("db"), async (tx) => {
      const fresh = (await getOrg(tx, org.id))!;
      await writeInfo(tx, fresh, next, { action: "org.info", actorId: session.accountId, at: now });
    });
    const missing = requiredFields(org.category).filter((k) => errors[k]);
    if (wantsFragment(c)) {
      return render(
        c,
        "组织信息",
        <InfoForm {...formProps} values={next} missing={missing} complete={missing.length === 0} saved />,
      );
    }
    return redirectAfterPost(c, `/orgs/${org.id}/info?saved=1`);
  })
  .post("/:id{[0-9]+}/info/confirm", guard("self"), async (c) => {
    const org = c.get("org");
    if (org.confirmedAt) return redirectAfterPost(c, `/orgs/${org.id}/info`);
    if (!org.infoComplete) {
      return renderError(c, 409, "信息尚未完整", "请先填写全部必填信息并保存，再确认。", {
        href: `/orgs/${org.id}/info`,
        label: "返回填写",
      });
    }
    await writeTx(c.get("db"), (tx) =>
      writeInfo(tx, org, infoOf(org), {
        action: "org.confirmed",
        actorId: c.get("session")!.accountId,
        at: c.get("now")(),
        confirm: true,
      }));
    return redirectAfterPost(c, `/orgs/${org.id}/info?confirmed=1`);
  });
