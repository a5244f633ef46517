/**
 * The Excel batch of direct children (SPEC §5), as pure functions: the
 * template's columns, and checking every row with the same rules as single
 * create (`checkNewChild`), recognising rows created before and names
 * repeated within the file.
 */
import { checkNewChild, type ChildInput, type ParentInfo } from "./new_child.ts";
import { type Category, categoryOf, parseCategory } from "./org_rules.ts";

/** The data sheet's columns, in order, with the child field each one feeds. */
export const COLUMNS = [
  { field: "shortName", header: "组织简称" },
  { field: "category", header: "组织类别" },
  { field: "fullName", header: "组织全称（可不填）" },
  { field: "sortOrder", header: "排序（可不填）" },
] as const satisfies readonly { field: keyof ChildInput; header: string }[];

/** Header of the reason column of a failure report (ignored when the report is uploaded again). */
export const REASON_HEADER = "失败原因";
/** Name of the data sheet. */
export const DATA_SHEET = "数据";
/** Name of the instruction sheet. */
export const HELP_SHEET = "填写说明";

/** One data row as read from the file (cells as text), with its spreadsheet row number. */
export interface RawRow {
  row: number;
  shortName: string;
  category: string;
  fullName: string;
  sortOrder: string;
}

/** An existing direct child of the parent. */
export interface ExistingChild {
  id: number;
  category: number;
  initialised: boolean;
}

/** One problem of a row: which column, and what is wrong. */
export interface RowMessage {
  column: string;
  message: string;
}

/** What becomes of a row: created ("ok"), skipped (already there) or refused. */
export type RowStatus = "ok" | "skip" | "error";

/** A checked row. */
export interface CheckedRow extends RawRow {
  status: RowStatus;
  messages: RowMessage[];
  /** For "ok" rows: what will be created (the 全称 proposed when left empty). */
  value?: { shortName: string; category: Category; fullName: string; sortOrder: number | null };
  /** For "skip" rows: the org that already exists. */
  existingId?: number;
  /** After confirmation: the id of the created org. */
  createdId?: number;
}

/** Counts of a checked batch. */
export interface RowCounts {
  total: number;
  ok: number;
  skip: number;
  error: number;
}

const headerOf = (field: keyof ChildInput) => COLUMNS.find((c) => c.field === field)!.header;

/**
 * Checks every row against the parent and its current children (`existing`,
 * by 简称). A row whose 简称 already exists under the parent with the same
 * 类别 is recognised as created before (or initialised) and skipped; a 简称
 * repeated within the file is refused from its second occurrence on.
 */
export function checkRows(
  parent: ParentInfo,
  rows: readonly RawRow[],
  existing: ReadonlyMap<string, ExistingChild>,
): CheckedRow[] {
  return rows.map(rowChecker(parent, existing));
}

/**
 * `checkRows` one row at a time, in file order (it remembers the names of
 * the rows it saw): long work can check a few hundred rows between breaths.
 */
export function rowChecker(
  parent: ParentInfo,
  existing: ReadonlyMap<string, ExistingChild>,
): (raw: RawRow) => CheckedRow {
  const siblings = new Map([...existing].map(([name, e]) => [name, e.category]));
  const firstRow = new Map<string, number>();
  return (raw: RawRow): CheckedRow => {
    const base: RawRow = {
      row: raw.row,
      shortName: raw.shortName,
      category: raw.category,
      fullName: raw.fullName,
      sortOrder: raw.sortOrder,
    };
    const name = raw.shortName.trim();
    const there = existing.get(name);
    if (there && there.category === parseCategory(raw.category)) {
      return {
        ...base,
        status: "skip",
        messages: [{
          column: headerOf("shortName"),
          message: there.initialised
            ? "系统已初始化该组织，无需创建，请在下级组织列表中核对"
            : "已创建，跳过",
        }],
        existingId: there.id,
      };
    }
    const earlier = name ? firstRow.get(name) : undefined;
    if (name && earlier === undefined) firstRow.set(name, raw.row);
    const checked = checkNewChild(parent, raw, siblings);
    const messages: RowMessage[] = [];
    if (earlier !== undefined) {
      messages.push({
        column: headerOf("shortName"),
        message: `与第 ${earlier} 行的组织简称重复，同一上级下简称不能重复`,
      });
    }
    if (!checked.ok) {
      for (const p of checked.problems) {
        const hint = p.suggestion && p.suggestion !== name ? `（建议改为：${p.suggestion}）` : "";
        messages.push({ column: headerOf(p.field), message: p.message + hint });
      }
    }
    if (messages.length || !checked.ok) return { ...base, status: "error", messages };
    return {
      ...base,
      status: "ok",
      messages: [],
      value: {
        shortName: checked.shortName,
        category: checked.category,
        fullName: checked.fullName,
        sortOrder: checked.sortOrder,
      },
    };
  };
}

/** Counts rows by status. */
export function countRows(rows: readonly Pick<CheckedRow, "status">[]): RowCounts {
  const n: RowCounts = { total: rows.length, ok: 0, skip: 0, error: 0 };
  for (const r of rows) n[r.status]++;
  return n;
}

/** The reasons of a row in one line, for the failure report. */
export function reasonText(row: Pick<CheckedRow, "messages">): string {
  return row.messages.map((m) => `${m.column}：${m.message}`).join("；");
}

/** A category cell as the label the dropdown uses ("5" → "团支部"); unknown text as typed. */
export function categoryLabel(input: string): string {
  const code = parseCategory(input);
  return code ? categoryOf(code)!.label : input;
}
