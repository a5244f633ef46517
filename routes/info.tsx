/**
 * An org's own info (SPEC §2.4): the form for its own admins, a read-only
 * masked view for its ancestors' admins, and confirmation, which locks
 * 简称, 全称, 类别 and 行业类别.
 */
import { Hono } from "hono";
import { z } from "zod";
import { INFO_RESULT, InfoForm, type InfoValues, InfoView } from "../components/InfoForm.tsx";
import { writeTx } from "../db/client.ts";
import { infoOf, savesNothing, writeInfo } from "../db/org_info.ts";
import { getOrg } from "../db/orgs.ts";
import {
  infoFromForm,
  type OrgInfo,
  parseCount,
  requiredFields,
  STAFFING,
  validateOrgInfo,
} from "../lib/org_info.ts";
import type { OrgEnv } from "../middleware/env.ts";
import { guard } from "../middleware/guard.ts";
import { redirectAfterPost, renderError } from "../middleware/render.tsx";
import { form } from "../middleware/validate.ts";

const text = z.string().trim().max(100).optional().transform((v) => (v ? v : null));
const count = z.string().trim().max(100).optional();

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

/** Routes /info and /info/confirm of the org app. */
export const info = new Hono<OrgEnv>()
  .get("/info", (c) => {
    const { org } = c.var;
    const current = infoOf(org);
    const confirmed = org.confirmedAt !== null;
    if (c.var.session.org.id !== org.id) {
      return c.render(<InfoView info={current} confirmed={confirmed} />, { title: "组织信息", tab: "info" });
    }
    const { errors, warnings } = validateOrgInfo(current);
    return c.render(
      <InfoForm
        orgId={org.id}
        csrf={c.var.csrf}
        category={org.category}
        values={current}
        confirmed={confirmed}
        complete={org.infoComplete === 1}
        missing={requiredFields(org.category).filter((k) => errors[k])}
        warnings={warnings}
        welcome={c.req.query("welcome") === "1"}
        saved={c.req.query("saved") === "1" || c.req.query("confirmed") === "1"}
      />,
      { title: "组织信息", tab: "info" },
    );
  })
  .post("/info", guard("self"), form(infoFormSchema), async (c) => {
    const { org } = c.var;
    const entered = c.req.valid("form");
    const counts = Object.fromEntries(STAFFING.map((k) => [k, parseCount(entered[k])])) as Pick<
      OrgInfo,
      (typeof STAFFING)[number]
    >;
    const confirmed = org.confirmedAt !== null;
    const next = infoFromForm(infoOf(org), { ...entered, ...counts }, confirmed);
    const { errors, warnings } = validateOrgInfo(next);
    // Missing fields may be saved and filled in later; malformed ones are sent back.
    const malformed = Object.fromEntries(
      Object.entries(errors).filter(([k]) => {
        const v = next[k as keyof typeof next];
        return v !== null && v !== "";
      }),
    );
    const formProps = { orgId: org.id, csrf: c.var.csrf, category: org.category, confirmed, warnings };
    if (Object.keys(malformed).length) {
      const values: InfoValues = { ...next, ...entered };
      c.status(422);
      return c.render(<InfoForm {...formProps} values={values} errors={malformed} complete={false} />, {
        title: "组织信息",
        tab: "info",
      });
    }
    // A save of the values already stored (the form sent again unchanged) writes nothing: no transaction, no
    // wait for the write lock, no audit; read fresh, not from the cache, so it is decided on what is stored.
    if (!savesNothing((await getOrg(c.var.db, org.id))!, next)) {
      await writeTx(c.var.db, async (tx) => {
        const fresh = (await getOrg(tx, org.id))!;
        await writeInfo(tx, fresh, next, {
          action: "org.info",
          actorId: c.var.session.accountId,
          at: c.var.now(),
        });
      });
    }
    const missing = requiredFields(org.category).filter((k) => errors[k]);
    return redirectAfterPost(c, `/orgs/${org.id}/info?saved=1#${INFO_RESULT}`, () =>
      c.render(
        <InfoForm {...formProps} values={next} missing={missing} complete={missing.length === 0} saved />,
        { title: "组织信息" },
      ));
  })
  .post("/info/confirm", guard("self"), async (c) => {
    const { org } = c.var;
    if (org.confirmedAt) return redirectAfterPost(c, `/orgs/${org.id}/info`);
    if (!org.infoComplete) {
      return renderError(c, 409, "信息尚未完整", "请先填写全部必填信息并保存，再确认。", {
        href: `/orgs/${org.id}/info`,
        label: "返回填写",
      });
    }
    await writeTx(c.var.db, (tx) =>
      writeInfo(tx, org, infoOf(org), {
        action: "org.confirmed",
        actorId: c.var.session.accountId,
        at: c.var.now(),
        confirm: true,
      }));
    return redirectAfterPost(c, `/orgs/${org.id}/info?confirmed=1`);
  });
