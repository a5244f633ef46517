/**
 * Progress supervision (录入进度督导, SPEC §6): the summary of an org's direct
 * children and whole subtree, the ranked child table with lazy drill-down,
 * its Excel download and the campaign deadlines (团中央 only).
 */
import { Hono } from "hono";
import { z } from "zod";
import {
  DeadlineForm,
  FigureBlock,
  ProblemLinks,
  type ProgressRow,
  ProgressTable,
  RateChart,
  SortLinks,
  WelcomeBox,
} from "../components/Progress.tsx";
import { listPage } from "../components/Pager.tsx";
import { changeSetting } from "../db/audit.ts";
import { type ChaseInfo, chaseInfo, chasePage, chaseSheetRows } from "../db/chasing.ts";
import type { Conn } from "../db/orgs.ts";
import { beijingDate } from "../lib/time.ts";
import {
  allProgressChildren,
  belowFigures,
  type ChildSort,
  directFigures,
  getSchedule,
  problemCounts,
  PROGRESS_PER_PAGE,
  progressChildren,
  type ProgressOrg,
  rate,
  setSchedule,
  subtreeFigures,
} from "../db/progress.ts";
import { deadlineDate, deadlineOf, isOverdue, parseSchedule, type Schedule } from "../lib/deadlines.ts";
import { categoryOf } from "../lib/org_rules.ts";
import type { OrgEnv } from "../middleware/env.ts";
import { guard } from "../middleware/guard.ts";
import { memberProgress } from "./member_progress.tsx";
import { redirectAfterPost, renderError, sendXlsx, wantsFragment } from "../middleware/render.tsx";
import { form, query, text } from "../middleware/validate.ts";

/** The progress table's query: sort order and page (anything unknown falls back to the default). */
const tableQuery = z.object({
  sort: z.enum(["order", "rate", "name"] satisfies ChildSort[]).catch("order"),
  page: z.string().optional().catch(undefined),
  welcome: z.string().optional().catch(undefined),
});

/** The deadline settings form (lib/deadlines.ts parseSchedule says what is wrong with a value). */
const deadlinesSchema = z.object({
  year: text(10),
  level2: text(10),
  level3: text(10),
  level4: text(10),
  level5: text(10),
  level6: text(10),
});

/** A child row of the table. */
function progressRow(o: ProgressOrg, schedule: Schedule, now: Date, chase?: ChaseInfo): ProgressRow {
  const subtree = subtreeFigures(o);
  return {
    id: o.id,
    shortName: o.shortName,
    category: o.category,
    childCount: o.childCount,
    hasAdmin: o.adminCount > 0,
    complete: o.infoComplete === 1,
    overdue: isOverdue(o, schedule, now),
    deadline: deadlineDate(o.level, schedule),
    subtree,
    rate: rate(subtree),
    chase,
    members: { members: o.subMembers, filled: o.subFilled, branches: o.subBranches },
  };
}

/** Rows with their chase details (one indexed lookup per kind for the rows given). */
async function withChase(
  db: Conn,
  list: ProgressOrg[],
  viewerPath: string,
  schedule: Schedule,
  now: Date,
): Promise<ProgressRow[]> {
  const out: ProgressRow[] = [];
  for (let i = 0; i < list.length; i += 1000) {
    const part = list.slice(i, i + 1000);
    const chase = await chaseInfo(db, part, viewerPath, now);
    out.push(...part.map((o) => progressRow(o, schedule, now, chase.get(o.id))));
  }
  return out;
}

/** Rows of the 催办清单 spreadsheet at most (the list pages of the problems show everything). */
const CHASE_XLSX_ROWS = 50_000;

const onlyRoot = (c: Parameters<typeof renderError>[0]) =>
  renderError(c, 403, "无权操作", "各级截止日期由团中央管理员设置。");

/** Routes /progress, /progress.xlsx and /deadlines of the org app. */
export const progress = new Hono<OrgEnv>()
  .get("/progress", query(tableQuery), async (c) => {
    const { org, db } = c.var;
    const { sort, page, welcome } = c.req.valid("query");
    const now = c.var.now();
    const schedule = await getSchedule(db, now);
    const at = listPage(page, org.childCount, PROGRESS_PER_PAGE);
    const rows = await withChase(
      db,
      await progressChildren(db, org.id, sort, at.page),
      c.var.session.org.path,
      schedule,
      now,
    );
    const table = (
      <ProgressTable
        rows={rows}
        ranked={sort === "rate"}
        first={at.offset + 1}
        pager={{
          page: at.page,
          pages: at.pages,
          href: (n) => `/orgs/${org.id}/progress?sort=${sort}${n > 1 ? `&page=${n}` : ""}`,
        }}
      />
    );
    // htmx drill-down from the parent's table: just this org's child table.
    if (wantsFragment(c)) return c.render(table, {});
    const below = belowFigures(org);
    const { unfinished, ...direct } = await directFigures(db, org.id);
    const overdue = now > deadlineOf(org.level + 1, schedule) ? unfinished : 0;
    const root = c.var.session.org.id === org.id && org.parentId === null;
    return c.render(
      <>
        {welcome === "1" ? <WelcomeBox orgId={org.id} below={below} /> : null}
        <p>
          本级截止日期：{deadlineDate(org.level, schedule)}
          {isOverdue(org, schedule, now) ? <strong class="flag">（本组织已逾期）</strong> : null}
          {overdue ? <strong class="flag">；{overdue} 个直属下级已逾期</strong> : null}
          {root
            ? (
              <>
                {" "}
                <a href="/orgs/1/deadlines">设置各级截止日期</a>
              </>
            )
            : null}
        </p>
        <h2>组织建立进度</h2>
        <div class="figure-row">
          <FigureBlock title={`直属下级（${direct.created} 个）`} f={direct} rate={rate(direct)} />
          <FigureBlock title="全部下级（不含本级）" f={below} rate={rate(below)} />
        </div>
        <h2>结构问题（含本级）</h2>
        <ProblemLinks orgId={org.id} counts={problemCounts(org)} />
        {await memberProgress(c, org, c.var.session.org.id === org.id)}
        <RateChart rows={rows} partial={at.pages > 1} />
        <h2>直属下级进度</h2>
        <SortLinks orgId={org.id} sort={sort} />
        {table}
      </>,
      { title: "录入进度", tab: "progress" },
    );
  })
  .get("/progress.xlsx", query(tableQuery), async (c) => {
    const { org, db } = c.var;
    const now = c.var.now();
    const schedule = await getSchedule(db, now);
    const rows = await withChase(
      db,
      await allProgressChildren(db, org.id, c.req.valid("query").sort),
      c.var.session.org.path,
      schedule,
      now,
    );
    const bytes = await c.var.sheets.tableToXlsx(
      "录入进度",
      [
        "序号",
        "上级路径",
        "组织简称",
        "组织类别",
        "有管理员",
        "管理员",
        "管理员手机（隐去中间）",
        "团组织联系电话",
        "注册码",
        "信息完整",
        "逾期",
        "下级总数",
        "有管理员（含下级）",
        "信息完整（含下级）",
        "完成率（%）",
        "团员（含下级）",
        "已录入团员的团支部",
        "团支部（含下级）",
      ],
      rows.map((r, i) => [
        i + 1,
        r.chase?.trail.join(" › ") ?? "",
        r.shortName,
        categoryOf(r.category)?.label ?? "",
        r.hasAdmin ? "是" : "否",
        r.chase?.adminName ?? "",
        r.chase?.adminMobile ?? "",
        r.chase?.phone ?? "",
        r.chase?.codeLabel ?? "",
        r.complete ? "是" : "否",
        r.overdue ? `逾期（截止 ${r.deadline}）` : "",
        r.subtree.created - 1,
        r.subtree.withAdmin,
        r.subtree.complete,
        r.rate,
        r.members?.members ?? 0,
        r.members?.filled ?? 0,
        r.members?.branches ?? 0,
      ]),
    );
    return sendXlsx(c, bytes, `${org.shortName}-录入进度.xlsx`);
  })
  .get("/chase.xlsx", async (c) => {
    const { org, db } = c.var;
    const now = c.var.now();
    const out = await chaseSheetRows(
      db,
      (after, size) => chasePage(db, org.path, after, size),
      { path: c.var.session.org.path, now },
      CHASE_XLSX_ROWS,
      (o, ch, before) => [
        before + 1,
        ch.trail.join(" › "),
        o.shortName,
        o.level,
        categoryOf(o.category)?.label ?? "",
        [o.adminCount === 0 ? "无管理员" : "", o.infoComplete ? "" : "信息未完整"].filter(Boolean).join("、"),
        ch.adminName ?? "",
        ch.adminMobile ?? "",
        ch.phone ?? "",
        ch.codeLabel,
      ],
    );
    const bytes = await c.var.sheets.tableToXlsx(
      "催办清单",
      [
        "序号",
        "上级路径",
        "组织简称",
        "级别",
        "组织类别",
        "待办",
        "管理员",
        "管理员手机（隐去中间）",
        "团组织联系电话",
        "注册码",
      ],
      out,
    );
    return sendXlsx(c, bytes, `${org.shortName}-催办清单-${beijingDate(now)}.xlsx`);
  })
  .get("/deadlines", guard("self"), async (c) => {
    if (c.var.org.parentId !== null) return onlyRoot(c);
    const s = await getSchedule(c.var.db, c.var.now());
    const values = {
      year: String(s.year),
      ...Object.fromEntries(Object.entries(s.levels).map(([k, v]) => [`level${k}`, v])),
    };
    return c.render(
      <DeadlineForm csrf={c.var.csrf} values={values} saved={c.req.query("saved") === "1"} />,
      { title: "截止日期" },
    );
  })
  .post("/deadlines", guard("self"), form(deadlinesSchema), async (c) => {
    const { org } = c.var;
    if (org.parentId !== null) return onlyRoot(c);
    const entered = c.req.valid("form");
    const parsed = parseSchedule(entered);
    if (!parsed.ok) {
      c.status(422);
      return c.render(<DeadlineForm csrf={c.var.csrf} values={entered} errors={parsed.errors} />, {
        title: "截止日期",
      });
    }
    const now = c.var.now();
    await changeSetting(
      c.var.db,
      { read: (tx) => getSchedule(tx, now), write: setSchedule, value: parsed.value },
      { org, actorId: c.var.session.accountId, action: "settings.deadlines", at: now },
    );
    return redirectAfterPost(c, "/orgs/1/deadlines?saved=1");
  });
