/**
 * Batch entry of a 团支部's members from Excel (SPEC §9, exactly as §5's
 * batch, on the same screens: routes/batch.tsx): the template with dropdowns
 * and a 填写说明 sheet, each row checked with the single form's rules and
 * against the members stored nationally, and one-transaction confirmation.
 */
import type { Context } from "hono";
import type { BatchWords } from "../components/Import.tsx";
import { checkAgainstStored, confirmMemberImport } from "../db/member_imports.ts";
import { maskIdNumber } from "../lib/id_number.ts";
import { reasonText } from "../lib/import_rows.ts";
import { templateXlsx } from "../lib/import_xlsx.ts";
import {
  type CheckedMemberRow,
  MEMBER_LISTS,
  MEMBER_SHEET,
  MEMBER_WIDTHS,
  memberHelp,
  memberRowOf,
} from "../lib/member_import.ts";
import { beijingDay, MEMBER_FIELDS } from "../lib/member_rules.ts";
import { ok } from "../lib/result.ts";
import type { OrgEnv } from "../middleware/env.ts";
import { guard } from "../middleware/guard.ts";
import { sendXlsx } from "../middleware/render.tsx";
import { batchRoutes } from "./batch.tsx";
import { branchOnly, knownPlaces } from "./members.tsx";

/** The member batch in the words of the batch screens. */
export const MEMBER_WORDS: BatchWords = {
  url: (orgId) => `/orgs/${orgId}/members/import`,
  howto: "，在“数据”工作表中每行填写一名团员：带 * 的各项必填，民族、政治面貌、学历从下拉列表中选择。",
  verb: "录入",
  unit: "名团员",
  list: (orgId) => `/orgs/${orgId}/members`,
  listLabel: "查看团员",
};

/** The member cells of a preview row, the ID number masked (SPEC §9: in full only in the branch admin's form). */
function MemberCells({ r }: { r: CheckedMemberRow }) {
  return (
    <>
      {r.name || <span class="muted">（空）</span>}
      <span class="cat">· {maskIdNumber(r.idNumber)}</span>
      <br />
      <small class="muted">
        {[r.ethnicity, r.political, r.joinedYm, r.eduFull].filter(Boolean).join(" · ")}
      </small>
    </>
  );
}

/** The rules' context: today and the known 户籍所在地 places. */
const ctxOf = async (c: Context<OrgEnv>) => {
  const places = await knownPlaces();
  return { now: c.var.now(), isPlace: (s: string) => places.has(s) };
};

/** Routes under /orgs/:id/members/import (the branch's own admin and its direct parent's). */
export const memberImport = batchRoutes<CheckedMemberRow>({
  kind: "members",
  words: MEMBER_WORDS,
  title: "批量录入团员",
  heading: "批量录入团员",
  tab: "members",
  gate: [guard("self", "child"), branchOnly],
  async template(c, failed = []) {
    const { org } = c.var;
    const bytes = await templateXlsx({
      help: memberHelp(org.shortName),
      headers: MEMBER_SHEET.headers,
      widths: MEMBER_WIDTHS,
      lists: MEMBER_LISTS,
      rows: failed.map((r) => ({ cells: MEMBER_FIELDS.map((f) => r[f.field]), reason: reasonText(r) })),
    });
    const name = failed.length ? "批量录入团员失败原因" : "批量录入团员模板";
    return sendXlsx(c, bytes, `${org.shortName}-${name}.xlsx`);
  },
  async check(c, bytes) {
    const read = await c.var.sheets.readMemberRows(bytes);
    if (!read.ok) return read;
    return ok(await checkAgainstStored(c.var.db, c.var.org, read.value.map(memberRowOf), await ctxOf(c)));
  },
  async confirm(c, batch) {
    const ctx = await ctxOf(c);
    return confirmMemberImport(c.var.db, batch, c.var.org, c.var.session.accountId, ctx, beijingDay(ctx.now));
  },
  cells: () => (r) => <MemberCells r={r} />,
  cellsHeader: "姓名 · 身份证号码 / 民族 · 政治面貌 · 入团年月 · 学历",
});
