/**
 * The 通报 (SPEC §6: 团中央 reports provincial progress twice a week, and
 * every level does the same for its children): from the progress snapshots,
 * the change per direct child since the earlier report, a ranking with its
 * movement, and the org's completion rate over time as a server-rendered
 * SVG. The org's own admin may take today's snapshot on demand.
 */
import { Hono } from "hono";
import { z } from "zod";
import { Notice } from "../components/Form.tsx";
import { listPage } from "../components/Pager.tsx";
import { FigureBlock } from "../components/Progress.tsx";
import {
  RateHistory,
  ReportPicker,
  type ReportRow,
  ReportTable,
  SnapshotButton,
} from "../components/Report.tsx";
import { rate } from "../db/progress.ts";
import { childSnapshots, type Snapshot, snapshotsOf, takeOrgSnapshot } from "../db/snapshots.ts";
import { deltaText, rankWithMovement } from "../lib/chasing.ts";
import { beijingDate } from "../lib/time.ts";
import type { OrgEnv } from "../middleware/env.ts";
import { guard } from "../middleware/guard.ts";
import { redirectAfterPost, renderError } from "../middleware/render.tsx";
import { query } from "../middleware/validate.ts";

/** Children per page of the report's ranking. */
const PER_PAGE = 100;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional();

/** The report's query: the two dates compared (YYYY-MM-DD) and the page. */
const reportQuery = z.object({ to: day, from: day, page: z.string().optional().catch(undefined) });

const figuresOf = (s: Snapshot) => ({
  created: s.subOrgs,
  withAdmin: s.subWithAdmin,
  complete: s.subComplete,
  noBranch: s.subNoBranch,
  badLeaf: s.subBadLeaf,
  badName: 0,
});

/** Routes /report and /report/snapshot of the org app. */
export const report = new Hono<OrgEnv>()
  .get("/report", query(reportQuery), async (c) => {
    const { org, db } = c.var;
    const q = c.req.valid("query");
    const self = c.var.session.org.id === org.id;
    const today = beijingDate(c.var.now());
    const snaps = await snapshotsOf(db, org.id);
    const button = self ? <SnapshotButton orgId={org.id} csrf={c.var.csrf} day={today} /> : null;
    if (snaps.length === 0) {
      return c.render(
        <>
          <h2>进度通报</h2>
          <Notice kind="info">
            还没有本组织的进度快照。系统每天为第一至第四级组织各取一次快照；{self
              ? "也可以现在生成今日快照。"
              : "请本组织管理员生成快照。"}
          </Notice>
          {button}
        </>,
        { title: "进度通报", tab: "progress" },
      );
    }
    const days = snaps.map((s) => s.day);
    for (const d of [q.to, q.from]) {
      if (d !== undefined && !days.includes(d)) {
        return renderError(c, 404, "该日期没有快照", `${d} 没有本组织的进度快照，请从列表中选择日期。`, {
          href: `/orgs/${org.id}/report`,
          label: "返回进度通报",
        });
      }
    }
    const to = q.to ?? days[0];
    const from = q.from !== undefined && q.from < to ? q.from : (days.find((d) => d < to) ?? null);
    const now = snaps.find((s) => s.day === to)!;
    const then = from ? snaps.find((s) => s.day === from)! : undefined;
    const current = await childSnapshots(db, org.id, to);
    const earlier = new Map((from ? await childSnapshots(db, org.id, from) : []).map((s) => [s.orgId, s]));
    const entries: ReportRow[] = current.map((s) => {
      const b = earlier.get(s.orgId);
      return {
        id: s.orgId,
        shortName: s.shortName,
        sortOrder: s.sortOrder,
        rate: rate({ created: s.subOrgs, complete: s.subComplete }),
        before: b ? rate({ created: b.subOrgs, complete: b.subComplete }) : null,
        created: s.subOrgs,
        withAdmin: s.subWithAdmin,
        complete: s.subComplete,
        dCreated: b ? s.subOrgs - b.subOrgs : 0,
        dWithAdmin: b ? s.subWithAdmin - b.subWithAdmin : 0,
        dComplete: b ? s.subComplete - b.subComplete : 0,
      };
    });
    const ranked = rankWithMovement(entries);
    const at = listPage(q.page, ranked.length, PER_PAGE);
    const rateNow = rate(figuresOf(now));
    const points = snaps.filter((s) => s.day <= to).reverse().map((s) => ({
      day: s.day,
      rate: rate(figuresOf(s)),
    }));
    const base = `/orgs/${org.id}/report?to=${to}${from ? `&from=${from}` : ""}`;
    return c.render(
      <>
        <h2>
          {org.shortName}录入进度通报（{to}
          {from ? `，对比 ${from}` : "，首期"}）
        </h2>
        <div class="toolbar">
          <ReportPicker orgId={org.id} days={days} from={from} to={to} />
          {button}
        </div>
        <p>
          截至 {to}，本组织及全部下级共 {now.subOrgs} 个组织，{now.subWithAdmin} 个已有管理员，
          {now.subComplete} 个信息完整，完成率 {rateNow.toFixed(1)}%
          {then
            ? `；较 ${from} 新增组织 ${deltaText(now.subOrgs - then.subOrgs)} 个，新增信息完整 ${
              deltaText(now.subComplete - then.subComplete)
            } 个，完成率 ${deltaText(rateNow - rate(figuresOf(then)), 1)} 个百分点`
            : ""}。
        </p>
        <div class="figure-row">
          <FigureBlock title={`本期（${to}）`} f={figuresOf(now)} rate={rateNow} />
          {then
            ? <FigureBlock title={`上期（${from}）`} f={figuresOf(then)} rate={rate(figuresOf(then))} />
            : null}
        </div>
        <RateHistory points={points} />
        <h2>直属下级排名（按完成率）</h2>
        <ReportTable
          rows={ranked.slice(at.offset, at.offset + PER_PAGE)}
          pager={{ page: at.page, pages: at.pages, href: (n) => `${base}${n > 1 ? `&page=${n}` : ""}` }}
        />
      </>,
      { title: "进度通报", tab: "progress" },
    );
  })
  .post("/report/snapshot", guard("self"), async (c) => {
    const { org } = c.var;
    await takeOrgSnapshot(c.var.db, org, c.var.now());
    return redirectAfterPost(c, `/orgs/${org.id}/report`);
  });
