/**
 * Batch entry of a 团支部's members from Excel (SPEC §9, exactly as §5's
 * batch, with the same machinery): the template with dropdowns and a 填写说明
 * sheet, upload and check off-thread, a preview of every row, confirmation in
 * one transaction, and the failure report to fix and upload again.
 */
import { BRANCH } from "../lib/org_rules.ts";
import { Hono } from "hono";
import type { Context } from "hono";
import { type BatchWords, ImportView, SHOW, UploadForm } from "../components/Import.tsx";
import { pageParam } from "../components/Pager.tsx";
import { breathe } from "../db/client.ts";
import { loadImport, saveImport } from "../db/imports.ts";
import { checkAgainstStored, confirmMemberImport } from "../db/member_imports.ts";
import { countRows, reasonText } from "../lib/import_rows.ts";
import { MAX_BYTES, templateXlsx } from "../lib/import_xlsx.ts";
import {
  type CheckedMemberRow,
  MEMBER_LISTS,
  MEMBER_SHEET,
  MEMBER_WIDTHS,
  memberHelp,
  memberRowOf,
} from "../lib/member_import.ts";
import { beijingDay, MEMBER_FIELDS } from "../lib/member_rules.ts";
import { maskIdNumber } from "../lib/id_number.ts";
import type { OrgEnv } from "../middleware/env.ts";
import { guard } from "../middleware/guard.ts";
import { redirectAfterPost, renderError, sendXlsx } from "../middleware/render.tsx";
import { knownPlaces, notBranch, roleOf } from "./members.tsx";

/** Rows per page of the preview. */
const PAGE = 500;

const TOO_LARGE = "上传的文件超过 5 MB 的上限，没有做任何修改。请把数据分成几个文件分别上传。";

/** The member batch in the words of the batch screens. */
export const MEMBER_WORDS: BatchWords = {
  url: (orgId) => `/orgs/${orgId}/members/import`,
  howto: "，在“数据”工作表中每行填写一名团员：带 * 的各项必填，民族、政治面貌、学历从下拉列表中选择。",
  verb: "录入",
  unit: "名团员",
  list: (orgId) => `/orgs/${orgId}/members`,
  listLabel: "查看团员",
};

/** The member cells of a preview row (ID number masked unless the branch's own admin looks). */
function MemberCells({ r, unmasked }: { r: CheckedMemberRow; unmasked: boolean }) {
  return (
    <>
      {r.name || <span class="muted">（空）</span>}
      <span class="cat">· {unmasked ? r.idNumber : maskIdNumber(r.idNumber)}</span>
      <br />
      <small class="muted">
        {[r.ethnicity, r.political, r.joinedYm, r.eduFull].filter(Boolean).join(" · ")}
      </small>
    </>
  );
}

/** The upload page (or, for htmx, just the form). */
function uploadPage(c: Context<OrgEnv>, error?: string) {
  const org = c.var.org;
  c.status(error ? 422 : 200);
  return c.render(
    <>
      <h2>批量录入团员（Excel）</h2>
      <UploadForm orgId={org.id} csrf={c.var.csrf} error={error} words={MEMBER_WORDS} />
    </>,
    { title: "批量录入团员", tab: "members" },
  );
}

const missing = (c: Context<OrgEnv>) =>
  renderError(c, 404, "导入批次不存在", "该导入批次不存在或已过期（保留 7 天），请重新上传文件。", {
    href: MEMBER_WORDS.url(c.get("org").id),
    label: "重新上传",
  });

const ID = "{[A-Za-z0-9_-]{16}}";
const editors = guard("self", "child");

/** The template, empty or filled with failed rows and their reasons. */
async function template(c: Context<OrgEnv>, rows: CheckedMemberRow[] = []) {
  const org = c.get("org");
  const bytes = await templateXlsx({
    help: memberHelp(org.shortName),
    headers: MEMBER_SHEET.headers,
    widths: MEMBER_WIDTHS,
    lists: MEMBER_LISTS,
    rows: rows.map((r) => ({ cells: MEMBER_FIELDS.map((f) => r[f.field]), reason: reasonText(r) })),
  });
  const name = rows.length ? "批量录入团员失败原因" : "批量录入团员模板";
  return sendXlsx(c, bytes, `${org.shortName}-${name}.xlsx`);
}

const ctxOf = async (c: Context<OrgEnv>) => {
  const places = await knownPlaces();
  return { now: c.get("now")(), isPlace: (s: string) => places.has(s) };
};

/** Routes under /orgs/:id/members/import. */
export const memberImport = new Hono<OrgEnv>()
  .use("*", editors, async (c, next) => {
    if (c.get("org").category !== BRANCH) return notBranch(c);
    await next();
  })
  .get("/template.xlsx", (c) => template(c))
  .get("/", (c) => uploadPage(c))
  .post("/", async (c) => {
    const org = c.get("org");
    const db = c.get("db");
    const file = (await c.req.parseBody()).file;
    if (!(file instanceof File) || (file.size === 0 && !file.name)) {
      return uploadPage(c, "请选择要上传的 Excel 文件（.xlsx）。");
    }
    if (file.size > MAX_BYTES) return uploadPage(c, TOO_LARGE);
    const read = await c.var.sheets.readMemberRows(new Uint8Array(await file.arrayBuffer()));
    if (!read.ok) return uploadPage(c, read.error);
    const rows = await checkAgainstStored(db, org, read.value.map(memberRowOf), await ctxOf(c));
    const id = await saveImport(db, org.id, c.var.session.accountId, rows, c.var.now(), "members");
    if (!id) {
      return uploadPage(
        c,
        "文件内容过多，检查结果超过了可保存的上限，没有做任何修改。请分成几个文件分别上传。",
      );
    }
    return redirectAfterPost(c, `${MEMBER_WORDS.url(org.id)}/${id}`);
  })
  .get(`/:importId${ID}`, async (c) => {
    const org = c.get("org");
    const imp = await loadImport<CheckedMemberRow>(c.get("db"), org.id, c.req.param("importId"), "members");
    if (!imp) return missing(c);
    const q = c.req.query("show");
    const show = q && q in SHOW ? q as keyof typeof SHOW : "all";
    const list = show === "all" ? imp.rows : imp.rows.filter((r) => r.status === show);
    const pages = Math.max(1, Math.ceil(list.length / PAGE));
    const page = pageParam(c.req.query("page"), pages);
    const unmasked = roleOf(c).self;
    return c.render(
      <>
        <h2>批量录入团员：{imp.doneAt ? "导入结果" : "检查结果"}</h2>
        <ImportView<CheckedMemberRow>
          orgId={org.id}
          words={MEMBER_WORDS}
          cells={(r) => <MemberCells r={r} unmasked={unmasked} />}
          cellsHeader="姓名 · 身份证号码 / 民族 · 政治面貌 · 入团年月 · 学历"
          importId={imp.id}
          csrf={c.get("csrf")}
          done={imp.doneAt !== null}
          counts={countRows(imp.rows)}
          created={imp.rows.filter((r) => r.createdId).length}
          rows={list.slice((page - 1) * PAGE, page * PAGE)}
          show={show}
          page={page}
          pages={pages}
        />
      </>,
      { title: "批量录入团员", tab: "members" },
    );
  })
  .post(`/:importId${ID}/confirm`, async (c) => {
    const org = c.get("org");
    const imp = await loadImport<CheckedMemberRow>(c.get("db"), org.id, c.req.param("importId"), "members");
    if (!imp) return missing(c);
    await breathe();
    const ctx = await ctxOf(c);
    // A second confirmation (double click, back button) finds the batch done and changes nothing.
    await confirmMemberImport(c.get("db"), imp, org, c.var.session.accountId, ctx, beijingDay(ctx.now));
    return redirectAfterPost(c, `${MEMBER_WORDS.url(org.id)}/${imp.id}`);
  })
  .get(`/:importId${ID}/failures.xlsx`, async (c) => {
    const imp = await loadImport<CheckedMemberRow>(
      c.get("db"),
      c.get("org").id,
      c.req.param("importId"),
      "members",
    );
    if (!imp) return missing(c);
    return template(c, imp.rows.filter((r) => r.status === "error"));
  });
