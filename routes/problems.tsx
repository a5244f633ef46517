/** The structural-problem lists of an org's subtree (SPEC §6), a page at a time or as .xlsx. */
import { Hono } from "hono";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import { Notice } from "../components/Form.tsx";
import { ChaseCell, Trail } from "../components/Progress.tsx";
import { chaseInfo, chaseSheetRows } from "../db/chasing.ts";
import { type ProblemKind, problemPage, PROBLEMS } from "../db/progress.ts";
import { categoryOf } from "../lib/org_rules.ts";
import type { OrgEnv } from "../middleware/env.ts";
import { renderError, sendXlsx } from "../middleware/render.tsx";

/** Problems per page of the list. */
const PAGE = 100;
/** At most this many rows in the spreadsheet; the list pages show the rest. */
const XLSX_ROWS = 50_000;

/** The kind of problem and where the page starts; an unknown kind is a 404 with the way back. */
const kindQuery = zValidator(
  "query",
  z.object({
    kind: z.enum(Object.keys(PROBLEMS) as [ProblemKind, ...ProblemKind[]]),
    after: z.string().optional().catch(undefined),
  }),
  (r, c) => r.success ? undefined : renderError(c, 404, "没有这类问题", "请从录入进度页面选择问题类型。"),
);

/** Routes /problems and /problems.xlsx of the org app. */
export const problems = new Hono<OrgEnv>()
  .get("/problems", kindQuery, async (c) => {
    const { org } = c.var;
    const { kind, after } = c.req.valid("query");
    const page = await problemPage(c.var.db, org.path, kind, after, PAGE);
    const chase = await chaseInfo(c.var.db, page, c.var.session.org.path, c.var.now());
    const next = page.length === PAGE ? page.at(-1)!.path : null;
    return c.render(
      <>
        <h2>{PROBLEMS[kind].label}</h2>
        <p>
          <a href={`/orgs/${org.id}/problems.xlsx?kind=${kind}`} hx-boost="false">下载问题清单（Excel）</a>
        </p>
        {page.length === 0 ? <Notice>没有此类问题。</Notice> : (
          <ol class="problem-list">
            {page.map((o) => {
              const ch = chase.get(o.id)!;
              return (
                <li>
                  <Trail trail={ch.trail} /> <a href={`/orgs/${o.id}`}>{o.shortName}</a>{" "}
                  <small class="muted">
                    第 {o.level} 级 · {categoryOf(o.category)?.label} · 注册码{ch.codeLabel}
                  </small>
                  <br />
                  <ChaseCell chase={ch} />
                </li>
              );
            })}
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
      { title: PROBLEMS[kind].label, tab: "progress" },
    );
  })
  .get("/problems.xlsx", kindQuery, async (c) => {
    const { org } = c.var;
    const { kind } = c.req.valid("query");
    const out = await chaseSheetRows(
      c.var.db,
      (after, size) => problemPage(c.var.db, org.path, kind, after, size),
      { path: c.var.session.org.path, now: c.var.now() },
      XLSX_ROWS,
      (o, ch) => [
        ch.trail.join(" › "),
        o.shortName,
        o.fullName ?? "",
        o.level,
        categoryOf(o.category)?.label ?? "",
        ch.adminName ?? "",
        ch.adminMobile ?? "",
        ch.phone ?? "",
        ch.codeLabel,
      ],
    );
    const label = PROBLEMS[kind].label;
    const bytes = await c.var.sheets.tableToXlsx(
      label,
      [
        "上级路径",
        "组织简称",
        "组织全称",
        "级别",
        "组织类别",
        "管理员",
        "管理员手机（隐去中间）",
        "团组织联系电话",
        "注册码",
      ],
      out,
    );
    return sendXlsx(c, bytes, `${org.shortName}-${label}.xlsx`);
  });
