/** The structural-problem lists of an org's subtree (SPEC §6), a page at a time or as .xlsx. */
import { Hono } from "hono";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import { Notice } from "../components/Form.tsx";
import { pace } from "../db/client.ts";
import { type ProblemKind, problemPage, PROBLEMS } from "../db/progress.ts";
import { categoryOf } from "../lib/org_rules.ts";
import type { OrgEnv } from "../middleware/env.ts";
import { renderError, sendXlsx } from "../middleware/render.tsx";

/** Problems per page of the list. */
const PAGE = 50;
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
    const next = page.length === PAGE ? page.at(-1)!.path : null;
    return c.render(
      <>
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
      { title: PROBLEMS[kind].label, tab: "progress" },
    );
  })
  .get("/problems.xlsx", kindQuery, async (c) => {
    const { org } = c.var;
    const { kind } = c.req.valid("query");
    const out: (string | number)[][] = [];
    let after: string | undefined;
    while (out.length < XLSX_ROWS) {
      const page = await problemPage(c.var.db, org.path, kind, after, 500);
      for (const o of page) {
        out.push([o.shortName, o.fullName ?? "", o.level, categoryOf(o.category)?.label ?? ""]);
      }
      if (page.length < 500) break;
      after = page.at(-1)!.path;
      await pace();
    }
    const label = PROBLEMS[kind].label;
    const bytes = await c.var.sheets.tableToXlsx(
      label.slice(0, 31),
      ["组织简称", "组织全称", "级别", "组织类别"],
      out,
    );
    return sendXlsx(c, bytes, `${org.shortName}-${label}.xlsx`);
  });
