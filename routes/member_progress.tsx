/**
 * Member figures in the progress views (SPEC §6 + §9): the block the progress
 * page shows, and 团中央's per-wave deadlines (`/orgs/1/member-deadlines`,
 * relative to the org app like lib/deadlines.ts's schedule).
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { MemberProgress, WaveDeadlineForm } from "../components/MemberProgress.tsx";
import { changeSetting } from "../db/audit.ts";
import {
  directBranches,
  directMemberCounts,
  getWaveSchedule,
  setWaveSchedule,
} from "../db/member_progress.ts";
import { memberCountsOf } from "../db/members.ts";
import { MEMBER_PROBLEMS, PROBLEMS } from "../db/progress.ts";
import type { Org } from "../db/schema.ts";
import { parseWaveSchedule } from "../lib/waves.ts";
import type { OrgEnv } from "../middleware/env.ts";
import { guard } from "../middleware/guard.ts";
import { redirectAfterPost, renderError } from "../middleware/render.tsx";

/** The member block of an org's progress page. */
export async function memberProgress(c: Context<OrgEnv>, org: Org, self: boolean) {
  const db = c.get("db");
  const now = c.get("now")();
  const subtree = memberCountsOf(org);
  const counts: Record<(typeof MEMBER_PROBLEMS)[number], number> = {
    emptyBranch: org.subBranches - subtree.filled,
    smallBranch: subtree.small,
    largeBranch: subtree.large,
    dueLeave: subtree.due,
  };
  const problems = Object.fromEntries(MEMBER_PROBLEMS.map((k) => [k, {
    label: k === "dueLeave" ? `应办理离团团员（人）` : PROBLEMS[k].label,
    n: counts[k],
  }]));
  return (
    <MemberProgress
      orgId={org.id}
      subtree={subtree}
      subtreeBranches={org.subBranches}
      direct={await directMemberCounts(db, org.id)}
      directBranches={await directBranches(db, org.id)}
      schedule={await getWaveSchedule(db, now)}
      now={now}
      problems={problems}
      settings={self && org.parentId === null}
    />
  );
}

const rootOnly = (c: Context<OrgEnv>) =>
  renderError(c, 403, "无权操作", "团员录入分批截止日期由团中央管理员设置。");

/** Routes under /orgs/:id/member-deadlines. */
export const memberDeadlines = new Hono<OrgEnv>()
  .get("/member-deadlines", guard("self"), async (c) => {
    if (c.get("org").parentId !== null) return rootOnly(c);
    const s = await getWaveSchedule(c.get("db"), c.get("now")());
    return c.render(
      <WaveDeadlineForm
        csrf={c.var.csrf}
        values={{ year: String(s.year), wave1: s.waves[1], wave2: s.waves[2] }}
        saved={c.req.query("saved") === "1"}
      />,
      { title: "团员录入截止日期" },
    );
  })
  .post("/member-deadlines", guard("self"), async (c) => {
    const org = c.get("org");
    if (org.parentId !== null) return rootOnly(c);
    const body = await c.req.parseBody();
    const parsed = parseWaveSchedule(body);
    if (!parsed.ok) {
      const values = Object.fromEntries(Object.entries(body).map(([k, v]) => [k, String(v)]));
      c.status(422);
      return c.render(<WaveDeadlineForm csrf={c.get("csrf")} values={values} errors={parsed.errors} />, {
        title: "团员录入截止日期",
      });
    }
    const now = c.get("now")();
    await changeSetting(
      c.var.db,
      { read: (tx) => getWaveSchedule(tx, now), write: setWaveSchedule, value: parsed.value },
      { org, actorId: c.var.session.accountId, action: "settings.waves", at: now },
    );
    return redirectAfterPost(c, "/orgs/1/member-deadlines?saved=1");
  });
