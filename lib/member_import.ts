/**
 * The Excel batch of a 团支部's members (SPEC §9, exactly as §5's batch), as
 * pure functions: the template's columns and help, and checking every row
 * with the same rules as the single form (`checkMember`), recognising rows
 * entered before (same ID number in this branch) and refusing IDs and 团员编号
 * held elsewhere or repeated within the file.
 */
import { parseIdNumber } from "./id_number.ts";
import type { RowMessage, RowStatus } from "./import_rows.ts";
import type { SheetRow, SheetSpec } from "./import_xlsx.ts";
import { MAX_ROWS } from "./import_xlsx.ts";
import {
  checkMember,
  EDUCATION,
  ETHNICITIES,
  heldElsewhere,
  labelOf,
  MEMBER_FIELDS,
  MEMBER_POSITIONS,
  type MemberContext,
  type MemberInput,
  memberNoTaken,
  type MemberValue,
  POLITICAL,
} from "./member_rules.ts";

/** The member batch file's columns: one per field, in the form's order. */
export const MEMBER_SHEET: SheetSpec = { headers: MEMBER_FIELDS.map((f) => f.label), noun: "团员" };

/** Column widths of the template. */
export const MEMBER_WIDTHS = [10, 22, 10, 14, 10, 16, 16, 14, 16, 14, 24, 16, 10, 12, 24];

/** The dropdowns of the template: 民族, 政治面貌, the two 学历 and 团内职务. */
export const MEMBER_LISTS = [
  { field: "ethnicity", choices: ETHNICITIES },
  { field: "political", choices: POLITICAL },
  { field: "eduFull", choices: EDUCATION },
  { field: "eduHighest", choices: EDUCATION },
  { field: "position", choices: MEMBER_POSITIONS },
].map((l) => ({
  column: MEMBER_FIELDS.findIndex((f) => f.field === l.field) + 1,
  choices: l.choices,
  title: labelOf(l.field as keyof MemberInput),
}));

/** The 填写说明 sheet of a branch's template. */
export function memberHelp(branch: string): string[] {
  const required = MEMBER_FIELDS.filter((f) => f.required).map((f) => f.label).join("、");
  return [
    `批量录入“${branch}”的团员`,
    "1. 在“数据”工作表中从第 2 行起填写，每行一名团员；不要修改第 1 行表头，不要合并单元格，不要使用公式。",
    `2. 必填：${required}。其余各项可不填。`,
    "3. 身份证号码：18 位，末位 X 可小写；性别和出生日期由身份证号码自动得出，无需填写。",
    "4. 民族、政治面貌、全日制学历、最高学历、团内职务：从下拉列表中选择。最高学历不能低于全日制学历。",
    "5. 入团年月：年-月，如 2019-05；入团时须年满 13 周岁（2016 年 9 月前入团的须年满 12 周岁）。",
    "6. 团员编号：12 位数字，可不填；2019 年起入团的，前 4 位为入团年份。团员编号全国唯一。",
    "7. 入党年月：政治面貌为中共党员、中共预备党员时填写；户籍所在地：省份 + 地市，如 山东省济南市。",
    "8. 一人只能在一个团支部：身份证号码已是其他团支部团员的，该行不会录入，请联系该团支部办理组织关系转接。",
    "9. 已录入本支部的团员（身份证号码相同）会被识别并跳过，不会重复录入。",
    `10. 文件不超过 5 MB，数据不超过 ${MAX_ROWS.toLocaleString("en-US")} 行。`,
    "11. 上传后系统会逐行检查并显示结果，确认后才会录入；有问题的行可下载“失败原因”表，修改后直接重新上传。",
  ];
}

/** One data row as read, with its spreadsheet row number. */
export type RawMemberRow = MemberInput & { row: number };

/** A sheet row as the member fields. */
export const memberRowOf = (r: SheetRow): RawMemberRow =>
  Object.assign(
    { row: r.row },
    Object.fromEntries(MEMBER_FIELDS.map((f, i) => [f.field, r.cells[i] ?? ""])),
  ) as unknown as RawMemberRow;

/** A checked row. */
export interface CheckedMemberRow extends RawMemberRow {
  status: RowStatus;
  messages: RowMessage[];
  /** For "ok" rows: the member to store. */
  value?: MemberValue;
  /** For "skip" rows: the member already in this branch. */
  existingId?: number;
  /** After confirmation: the new member's id. */
  createdId?: number;
}

/** Who holds an ID number or 团员编号 now. */
export interface MemberHolder {
  id: number;
  orgId: number;
  shortName: string;
  idNumber: string;
}

/** What the row checks know of the members already stored. */
export interface KnownMembers {
  branchId: number;
  byId: ReadonlyMap<string, MemberHolder>;
  byNo: ReadonlyMap<string, MemberHolder>;
}

/** The normalised ID number of a row (for lookups), or "" when it is not valid. */
export const idOfRow = (r: Pick<MemberInput, "idNumber">): string => {
  const p = parseIdNumber(r.idNumber ?? "");
  return p.ok ? p.value.idNumber : "";
};

/** Checks every row; see the module comment. */
export function checkMemberRows(
  rows: readonly RawMemberRow[],
  known: KnownMembers,
  ctx: MemberContext,
): CheckedMemberRow[] {
  return rows.map(memberRowChecker(known, ctx));
}

/**
 * `checkMemberRows` one row at a time, in file order (it remembers the ID
 * numbers and 团员编号 it saw): long work can check a few hundred rows
 * between breaths.
 */
export function memberRowChecker(
  known: KnownMembers,
  ctx: MemberContext,
): (raw: RawMemberRow) => CheckedMemberRow {
  const firstId = new Map<string, number>(), firstNo = new Map<string, number>();
  const ID = labelOf("idNumber"), NO = labelOf("memberNo");
  return (raw: RawMemberRow): CheckedMemberRow => {
    const base = { ...raw };
    const id = idOfRow(raw);
    const holder = id ? known.byId.get(id) : undefined;
    if (holder && holder.orgId === known.branchId) {
      return {
        ...base,
        status: "skip",
        messages: [{ column: ID, message: "已录入本支部，跳过" }],
        existingId: holder.id,
      };
    }
    const r = checkMember(raw, ctx);
    const messages: RowMessage[] = r.ok
      ? []
      : r.problems.map((p) => ({ column: labelOf(p.field), message: p.message }));
    if (holder) messages.push({ column: ID, message: heldElsewhere(holder.shortName) });
    if (id) {
      const earlier = firstId.get(id);
      if (earlier !== undefined) messages.push({ column: ID, message: `与第 ${earlier} 行的身份证号码重复` });
      else firstId.set(id, raw.row);
    }
    const no = r.ok ? r.value.memberNo : null;
    if (no) {
      const h = known.byNo.get(no);
      if (h && h.idNumber !== id) messages.push({ column: NO, message: memberNoTaken(h.shortName) });
      const earlier = firstNo.get(no);
      if (earlier !== undefined) messages.push({ column: NO, message: `与第 ${earlier} 行的团员编号重复` });
      else firstNo.set(no, raw.row);
    }
    if (!r.ok || messages.length) return { ...base, status: "error", messages };
    return { ...base, status: "ok", messages: [], value: r.value };
  };
}
