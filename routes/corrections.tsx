/**
 * The parent's corrections of a direct child (SPEC §2.4): 简称, 类别 and 全称
 * (and 行业类别 once the child confirmed its info, with a reason that is
 * audited).
 */
import { Hono } from "hono";
import { CorrectChildForm } from "../components/ChildForm.tsx";
import { siblingNames } from "../db/children.ts";
import { writeTx } from "../db/client.ts";
import { infoOf, writeInfo } from "../db/org_info.ts";
import { getOrg } from "../db/orgs.ts";
import { checkCorrection } from "../lib/corrections.ts";
import { checkNewChild } from "../lib/new_child.ts";
import type { OrgEnv } from "../middleware/env.ts";
import { guard, loadChild } from "../middleware/guard.ts";
import { redirectAfterPost } from "../middleware/render.tsx";
import { form, text } from "../middleware/validate.ts";
import { z } from "zod";

/** The correction form's fields. */
export const correctChildSchema = z.object({
  shortName: text(100),
  category: text(20),
  fullName: text(120),
  useSuggestion: text(100).optional(),
  industry: text(40),
  reason: text(200),
});

const EDIT = "/children/:cid{[0-9]+}/edit";

/** Routes /children/:cid/edit of the org app. */
export const corrections = new Hono<OrgEnv>()
  .get(EDIT, guard("self"), loadChild, (c) => {
    const { org, child } = c.var;
    return c.render(
      <>
        <h2>更正：{child.shortName}</h2>
        <CorrectChildForm
          parentId={org.id}
          parentCategory={org.category}
          childId={child.id}
          csrf={c.var.csrf}
          confirmed={child.confirmedAt !== null}
          values={{
            shortName: child.shortName,
            category: String(child.category),
            fullName: child.fullName ?? "",
            industry: child.industry ?? "",
          }}
        />
      </>,
      { title: `更正${child.shortName}`, tab: "children" },
    );
  })
  .post(EDIT, guard("self"), loadChild, form(correctChildSchema), async (c) => {
    const { org, child, db } = c.var;
    const entered = c.req.valid("form");
    const values = { ...entered, shortName: entered.useSuggestion || entered.shortName };
    const confirmed = child.confirmedAt !== null;
    const siblings = await siblingNames(db, org.id, [values.shortName.trim()]);
    siblings.delete(child.shortName);
    const named = checkNewChild(
      org,
      { ...values, fullName: values.fullName || child.fullName || "" },
      siblings,
    );
    const checked = checkCorrection({ childCount: child.childCount, confirmed }, named, values);
    if (!checked.ok || !named.ok) {
      c.status(422);
      return c.render(
        <CorrectChildForm
          parentId={org.id}
          parentCategory={org.category}
          childId={child.id}
          csrf={c.var.csrf}
          confirmed={confirmed}
          values={values}
          problems={checked.ok ? [] : checked.problems}
          reasonError={checked.ok ? undefined : checked.reasonError}
        />,
        { title: "更正", tab: "children" },
      );
    }
    await writeTx(db, async (tx) => {
      const fresh = (await getOrg(tx, child.id))!;
      await writeInfo(tx, fresh, {
        ...infoOf(fresh),
        shortName: named.shortName,
        category: named.category,
        fullName: named.fullName,
        industry: confirmed ? checked.industry : fresh.industry,
      }, {
        action: "org.corrected",
        actorId: c.var.session.accountId,
        at: c.var.now(),
        reason: checked.reason,
      });
    });
    return redirectAfterPost(c, `/orgs/${org.id}/children`);
  });
