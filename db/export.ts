/**
 * Streaming export of a whole subtree to .xlsx (SPEC §7): rows are read in
 * keyset pages by path and written with exceljs' streaming writer, so memory
 * stays flat however large the subtree.
 */
import ExcelJS from "exceljs";
import { PassThrough } from "node:stream";
import { and, asc, gt } from "drizzle-orm";
import { maskIdNumber } from "../lib/id_number.ts";
import { maskMobile } from "../lib/mobile.ts";
import { categoryOf } from "../lib/org_rules.ts";
import type { Conn } from "./orgs.ts";
import { subtreeOf } from "./orgs.ts";
import { type Org, orgs } from "./schema.ts";

/** Column headers of the export. */
export const EXPORT_HEADERS = [
  "层级路径",
  "组织简称",
  "组织全称",
  "组织类别",
  "单位所属行业类别",
  "级别",
  "状态",
  "管理员数",
  "下级组织数",
  "书记姓名",
  "书记身份证号码",
  "书记手机号码",
];

/** The columns an export reads. */
const COLUMNS = {
  path: orgs.path,
  shortName: orgs.shortName,
  fullName: orgs.fullName,
  category: orgs.category,
  industry: orgs.industry,
  level: orgs.level,
  confirmedAt: orgs.confirmedAt,
  infoComplete: orgs.infoComplete,
  adminCount: orgs.adminCount,
  subOrgs: orgs.subOrgs,
  secretaryName: orgs.secretaryName,
  secretaryIdNumber: orgs.secretaryIdNumber,
  secretaryMobile: orgs.secretaryMobile,
};

/** What an export row is made of. */
export type ExportSource = Pick<Org, keyof typeof COLUMNS>;

/** The row of one org; `trail` is the names from the export root down to its parent. */
export function exportRow(o: ExportSource, trail: string, unmasked: boolean): (string | number)[] {
  return [
    trail,
    o.shortName,
    o.fullName ?? "",
    categoryOf(o.category)?.label ?? "",
    o.industry ?? "",
    o.level,
    o.confirmedAt ? "信息已确认" : o.infoComplete ? "信息完整" : "信息未完整",
    o.adminCount,
    o.subOrgs - 1,
    o.secretaryName ?? "",
    unmasked ? o.secretaryIdNumber ?? "" : maskIdNumber(o.secretaryIdNumber),
    unmasked ? o.secretaryMobile ?? "" : maskMobile(o.secretaryMobile),
  ];
}

/** Streams the subtree of `root` as an .xlsx file; stops reading when the client goes away. */
export function exportSubtree(
  db: Conn,
  root: Org,
  unmasked: boolean,
  pageSize = 2000,
): ReadableStream<Uint8Array> {
  const out = new PassThrough();
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      out.on("data", (chunk: Uint8Array) => {
        if (cancelled) return;
        controller.enqueue(new Uint8Array(chunk));
        if ((controller.desiredSize ?? 1) <= 0) out.pause();
      });
      out.on("end", () => !cancelled && controller.close());
      out.on("error", (e) => !cancelled && controller.error(e));
    },
    pull() {
      out.resume();
    },
    cancel() {
      cancelled = true;
      out.destroy();
    },
  }, { highWaterMark: 16 });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: false,
    useSharedStrings: false,
  });
  const ws = wb.addWorksheet("组织");
  (async () => {
    ws.addRow(EXPORT_HEADERS).commit();
    const stack: { path: string; name: string }[] = [];
    let after: string | undefined;
    while (!cancelled) {
      const page = await db.select(COLUMNS).from(orgs).where(
        and(subtreeOf(root.path), after ? gt(orgs.path, after) : undefined),
      )
        .orderBy(asc(orgs.path)).limit(pageSize);
      for (const o of page) {
        while (stack.length && !o.path.startsWith(stack.at(-1)!.path)) stack.pop();
        ws.addRow(exportRow(o, stack.map((s) => s.name).join("/"), unmasked)).commit();
        stack.push({ path: o.path, name: o.shortName });
      }
      if (page.length < pageSize) break;
      after = page.at(-1)!.path;
      // Let the response drain between pages.
      if (out.writableNeedDrain) {
        await new Promise((r) => {
          out.once("drain", r);
          out.once("close", r);
        });
      }
    }
    if (cancelled) return;
    ws.commit();
    await wb.commit();
  })().catch((e) => out.destroy(e));
  return stream;
}
