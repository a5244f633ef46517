/**
 * Progress supervision (录入进度督导, SPEC §6): the summary of an org's direct
 * children and whole subtree, the ranked child table with lazy drill-down,
 * problem lists, Excel downloads and the campaign deadlines.
 */
import { Hono } from "hono";
import type { Context } from "hono";
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
import { OrgNav } from "../components/OrgNav.tsx";
import { listPage } from "../components/Pager.tsx";
import { Notice } from "../components/Form.tsx";
import { audit } from "../db/audit.ts";
import { pace, writeTx } from "../db/client.ts";
import {
  allProgressChildren,
  belowFigures,
  type ChildSort,
  directFigures,
  getSchedule,
  MEMBER_PROBLEMS,
  type ProblemKind,
  problemPage,
  PROBLEMS,
  PROGRESS_PER_PAGE,
  progressChildren,
  type ProgressOrg,
  rate,
  setSchedule,
  subtreeFigures,
} from "../db/progress.ts";
import type { Org } from "../db/schema.ts";
import { deadlineDate, deadlineOf, isOverdue, parseSchedule, type Schedule } from "../lib/deadlines.ts";
import { categoryOf } from "../lib/org_rules.ts";
import { attachment, XLSX_TYPE } from "../lib/xlsx.ts";
import { tableToXlsxOffThread } from "../lib/sheet_thread.ts";
import type { AppEnv } from "../middleware/env.ts";
import { guard } from "../middleware/guard.ts";
import { memberProgress } from "./member_progress.tsx";
import { redirectAfterPost, render, renderError, wantsFragment } from "../middleware/render.tsx";

const SORTS: ChildSort[] = ["order", "rate", "name"];

/** A child row of the table. */
function progressRow(o: ProgressOrg, schedule: Schedule, now: Date): ProgressRow {
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
    members: { members: o.subMembers, filled: o.subFilled, branches: o.subBranches },
  };
}

/** One page of the child table, with the schedule its overdue flags were judged by. */
async function childRows(c: Context<AppEnv>, org: Org, sort: ChildSort, page: number) {
  const now = c.get("now")();
  const schedule = await getSchedule(c.get("db"), now);
  const children = await progressChildren(c.get("db"), org.id, sort, page);
  return { rows: children.map((o) => progressRow(o, schedule, now)), schedule, now };
}

/** Routes under /orgs/:id/progress, /problems and /orgs/1/deadlines. */
export const progress = new Hono<AppEnv>()
  .get("/:id{[0-9]+}/progress", guard("subtree"), async (c) => {
    const org = c.get("org");
    const db = c.get("db");
    const sort = SORTS.find((s) => s === c.req.query("sort")) ?? "order";
    const at = listPage(c.req.query("page"), org.childCount, PROGRESS_PER_PAGE);
    const { rows, schedule, now } = await childRows(c, org, sort, at.page);
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
    if (wantsFragment(c)) return render(c, org.shortName, table);
    const below = belowFigures(org);
    const { unfinished, ...direct } = await directFigures(db, org.id);
    const childLevelOverdue = now > deadlineOf(org.level + 1, schedule);
    const overdue = childLevelOverdue ? unfinished : 0;
    const self = c.get("session")!.org.id === org.id;
    const problems = Object.fromEntries(
      (Object.keys(PROBLEMS) as ProblemKind[]).filter((k) =>
        !(MEMBER_PROBLEMS as readonly string[]).includes(k)
      )
        .map((k) => [
          k,
          {
            label: PROBLEMS[k].label,
            n: k === "noAdmin" ? org.subOrgs - org.subWithAdmin : subtreeFigures(org)[k as "noBranch"],
          },
        ]),
    );
    return render(
      c,
      `${org.shortName} · 录入进度`,
      <>
        <OrgNav org={org} current="progress" self={self} />
        {c.req.query("welcome") === "1" ? <WelcomeBox orgId={org.id} below={below} /> : null}
        <p>
          本级截止日期：{deadlineDate(org.level, schedule)}
          {isOverdue(org, schedule, now) ? <strong class="flag">（本组织已逾期）</strong> : null}
          {overdue ? <strong class="flag">；{overdue} 个直属下级已逾期</strong> : null}
          {self && org.parentId === null
            ? (
              <>
                {" "}
                <a href="/orgs/1/deadlines">设置各级截止日期</a>
              </>
            )
            : null}
        </p>
        <div class="figure-row">
          <FigureBlock title={`直属下级（${direct.created} 个）`} f={direct} rate={rate(direct)} />
          <FigureBlock title="全部下级（不含本级）" f={below} rate={rate(below)} />
        </div>
        <h2>结构问题（含本级）</h2>
        <ProblemLinks orgId={org.id} counts={problems} />
        {await memberProgress(c, org, self)}
        <RateChart rows={rows} partial={at.pages > 1} />
        <h2>直属下级进度</h2>
        <SortLinks orgId={org.id} sort={sort} />
        {table}
      </>,
    );
  })
  .get("/:id{[0-9]+}/progress.xlsx", guard("subtree"), async (c) => {
    const org = c.get("org");
    const now = c.get("now")();
    const schedule = await getSchedule(c.get("db"), now);
    const sort = SORTS.find((s) => s === c.req.query("sort")) ?? "order";
    const rows = (await allProgressChildren(c.get("db"), org.id, sort)).map((o) =>
      progressRow(o, schedule, now)
    );
    const bytes = await tableToXlsxOffThread(
      "录入进度",
      [
        "序号",
        "组织简称",
        "组织类别",
        "有管理员",
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
        r.shortName,
        categoryOf(r.category)?.label ?? "",
        r.hasAdmin ? "是" : "否",
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
    return c.body(bytes, 200, {
      "Content-Type": XLSX_TYPE,
      "Content-Disposition": attachment(`${org.shortName}-录入进度.xlsx`),
      "Cache-Control": "no-store",
    });
  })
  .get("/:id{[0-9]+}/problems", guard("subtree"), async (c) => {
    const org = c.get("org");
    const kind = c.req.query("kind") as ProblemKind;
    if (!(kind in PROBLEMS)) return renderError(c, 404, "没有这类问题", "请从录入进度页面选择问题类型。");
    const after = c.req.query("after");
    const page = await problemPage(c.get("db"), org.path, kind, after, 50);
    const next = page.length === 50 ? page.at(-1)!.path : null;
    return render(
      c,
      `${org.shortName} · ${PROBLEMS[kind].label}`,
      <>
        <OrgNav org={org} current="progress" self={c.get("session")!.org.id === org.id} />
        <h2>{PROBLEMS[kind].label}</h2>
        <p>
          <a href={`/orgs/${org.id}/problems.xlsx?kind=${kind}`} hx-boost="false">下载问题清单（Excel）</a>
        </p>
        {page.length === 0 ? <Notice>没有此类问题。</Notice> : (
          <ol class="problem-list">
            {page.map((o) => (
              <li>
                <a href={`/orgs/${o.id}`}>{o.shortName}</a>{" "}
                <small class="muted">第 {o.level} 级 · {categoryOf(o.category)?.label}</small>
              </li>
            ))}
          </ol>
        )}
        {next
          ? (
            <p>
              <a href={`/orgs/${org.id}/problems?kind=${kind}&after=${encodeURIComponent(next)}`}>下一页</a>
            </p>
          )
          : null}
      </>,
    );
  })
  .get("/:id{[0-9]+}/problems.xlsx", guard("subtree"), async (c) => {
    const org = c.get("org");
    const kind = c.req.query("kind") as ProblemKind;
    if (!(kind in PROBLEMS)) return renderError(c, 404, "没有这类问题", "请从录入进度页面选择问题类型。");
    const out: (string | number)[][] = [];
    let after: string | undefined;
    // At most 50,000 rows, read in pages; the list page shows the rest.
    while (out.length < 50_000) {
      const page = await problemPage(c.get("db"), org.path, kind, after, 500);
      for (const o of page) {
        out.push([o.shortName, o.fullName ?? "", o.level, categoryOf(o.category)?.label ?? ""]);
      }
      if (page.length < 500) break;
      after = page.at(-1)!.path;
      await pace();
    }
    const bytes = await tableToXlsxOffThread(PROBLEMS[kind].label.slice(0, 31), [
      "组织简称",
      "组织全称",
      "级别",
      "组织类别",
    ], out);
    return c.body(bytes, 200, {
      "Content-Type": XLSX_TYPE,
      "Content-Disposition": attachment(`${org.shortName}-${PROBLEMS[kind].label}.xlsx`),
      "Cache-Control": "no-store",
    });
  })
  .get("/:id{[0-9]+}/deadlines", guard("self"), async (c) => {
    if (c.get("org").parentId !== null) {
      return renderError(c, 403, "无权操作", "各级截止日期由团中央管理员设置。");
    }
    const s = await getSchedule(c.get("db"), c.get("now")());
    const values = {
      year: String(s.year),
      ...Object.fromEntries(Object.entries(s.levels).map(([k, v]) => [`level${k}`, v])),
    };
    return render(
      c,
      "截止日期",
      <DeadlineForm csrf={c.get("csrf")} values={values} saved={c.req.query("saved") === "1"} />,
    );
  })
  .post("/:id{[0-9]+}/deadlines", guard("self"), async (c) => {
    const org = c.get("org");
    if (org.parentId !== null) return renderError(c, 403, "无权操作", "各级截止日期由团中央管理员设置。");
    const body = await c.req.parseBody();
    const parsed = parseSchedule(body);
    if (!parsed.ok) {
      const values = Object.fromEntries(Object.entries(body).map(([k, v]) => [k, String(v)]));
      return render(
        c,
        "截止日期",
        <DeadlineForm csrf={c.get("csrf")} values={values} errors={parsed.errors} />,
        422,
      );
    }
    const now = c.get("now")();
    await writeTx(c.get("db"), async (tx) => {
      const before = await getSchedule(tx, now);
      await setSchedule(tx, parsed.value);
      await audit(tx, {
        org,
        actorId: c.get("session")!.accountId,
        action: "settings.deadlines",
        detail: { before, after: parsed.value },
        at: now,
      });
    });
    return redirectAfterPost(c, "/orgs/1/deadlines?saved=1");
  });
