/**
 * The batch-create spreadsheet: the template (with the failure report as a
 * filled template plus a reason column) and reading an upload, refusing bad
 * files with a message that says what is wrong and what to do.
 */
import ExcelJS from "exceljs";
import { err, ok, type Result } from "./result.ts";
import { categoriesUnder } from "./org_rules.ts";
import { COLUMNS, DATA_SHEET, HELP_SHEET, type RawRow, REASON_HEADER } from "./import_rows.ts";
import { checkZip } from "./zip_limits.ts";

/** Largest upload accepted. */
export const MAX_BYTES = 5 * 1024 * 1024;
/** Most data rows accepted in one file. */
export const MAX_ROWS = 10_000;
/** Longest text accepted in one cell (a 全称 is under 100 characters). */
export const MAX_CELL_CHARS = 200;

const TEMPLATE_HINT = "请下载本页的导入模板，在“数据”工作表中从第 2 行起填写后上传。";

/** The category labels offered in the dropdown (leading bodies only under a leading body). */
export function categoryChoices(parentCategory: number): string[] {
  return categoriesUnder(parentCategory).map((c) => c.label);
}

type WithValidations = { dataValidations: { add(range: string, v: Record<string, unknown>): void } };

/** A dropdown on a data column. */
export interface ColumnList {
  /** 1-based column number. */
  column: number;
  choices: readonly string[];
  /** The column's name, for Excel's error box. */
  title: string;
}

/** What a batch template holds. */
export interface TemplateSpec {
  /** Lines of the 填写说明 sheet, the first one as its title. */
  help: string[];
  headers: readonly string[];
  widths: readonly number[];
  lists: readonly ColumnList[];
  /** Rows to fill in (a failure report), with an optional reason each. */
  rows?: { cells: (string | number | null)[]; reason?: string }[];
}

const LIST_SHEET = "下拉选项";
const columnLetter = (n: number): string =>
  n <= 26
    ? String.fromCharCode(64 + n)
    : columnLetter(Math.floor((n - 1) / 26)) + columnLetter(((n - 1) % 26) + 1);

/**
 * A batch template: a 填写说明 sheet and a 数据 sheet with dropdowns on the
 * listed columns (long lists are kept on a hidden 下拉选项 sheet, as Excel's
 * inline lists stop at 255 characters). With rows, the data sheet is filled
 * (a failure report) and a 失败原因 column is added when any row has a reason.
 */
export async function templateXlsx(spec: TemplateSpec): Promise<Uint8Array<ArrayBuffer>> {
  const wb = new ExcelJS.Workbook();
  const help = wb.addWorksheet(HELP_SHEET);
  help.getColumn(1).width = 100;
  for (const line of spec.help) help.addRow([line]);
  help.getRow(1).font = { bold: true, size: 14 };

  const ws = wb.addWorksheet(DATA_SHEET, { views: [{ state: "frozen", ySplit: 1 }] });
  const rows = spec.rows ?? [];
  const withReason = rows.some((r) => r.reason);
  const headers: string[] = [...spec.headers, ...(withReason ? [REASON_HEADER] : [])];
  ws.addRow(headers).font = { bold: true };
  if (withReason) ws.getCell(1, headers.length).font = { bold: true, color: { argb: "FFC8102E" } };
  for (const r of rows) ws.addRow(withReason ? [...r.cells, r.reason ?? ""] : r.cells);
  [...spec.widths, 60].slice(0, headers.length).forEach((w, i) => ws.getColumn(i + 1).width = w);
  const long = spec.lists.filter((l) => l.choices.join(",").length > 200);
  const lists = long.length ? wb.addWorksheet(LIST_SHEET, { state: "hidden" }) : undefined;
  for (const l of spec.lists) {
    const letter = columnLetter(l.column);
    const at = long.indexOf(l);
    let formula = `"${l.choices.join(",")}"`;
    if (lists && at >= 0) {
      l.choices.forEach((v, i) => lists.getCell(i + 1, at + 1).value = v);
      const col = columnLetter(at + 1);
      formula = `'${LIST_SHEET}'!$${col}$1:$${col}$${l.choices.length}`;
    }
    (ws as unknown as WithValidations).dataValidations.add(`${letter}2:${letter}${MAX_ROWS + 1}`, {
      type: "list",
      allowBlank: true,
      formulae: [formula],
      showErrorMessage: true,
      errorTitle: l.title,
      error: `请从下拉列表中选择${l.title}`,
    });
  }
  wb.views = [{
    activeTab: 1,
    x: 0,
    y: 0,
    width: 10000,
    height: 20000,
    firstSheet: 0,
    visibility: "visible",
  }];
  return new Uint8Array(await wb.xlsx.writeBuffer() as ArrayBuffer);
}

/**
 * The batch-create template: a 填写说明 sheet and a 数据 sheet whose 类别
 * column has a dropdown. With `rows`, the data sheet is filled (a failure
 * report), and a 失败原因 column is added when any row has a reason.
 */
export function childTemplate(
  parent: { shortName: string; category: number },
  rows: (Omit<RawRow, "row"> & { reason?: string })[] = [],
): Promise<Uint8Array<ArrayBuffer>> {
  const choices = categoryChoices(parent.category);
  return templateXlsx({
    help: [
      `批量创建“${parent.shortName}”的直属下级组织`,
      "1. 在“数据”工作表中从第 2 行起填写，每行一个组织；不要修改第 1 行表头，不要合并单元格，不要使用公式。",
      "2. 组织简称（必填）：单位或行政区划名称 + 团委/团工委/团总支/团支部，后缀须与组织类别一致，例如：建国门街道团委、包装车间团支部。",
      "   学校班级团支部：（专业）入学年份 + 级 + 班号 + 班团支部，例如：2017级1班团支部、计算机专业2017级3班团支部。",
      `3. 组织类别（必填）：从下拉列表中选择：${choices.join("、")}。`,
      "4. 组织全称（可不填）：不填时系统按上级组织和简称自动生成，例如：中国共产主义青年团济南市天桥区建国门街道委员会。",
      "5. 排序（可不填）：该组织在下级组织列表中的位置（1 表示第一位）；不填则按表中顺序排在已有组织之后。",
      "6. 同一上级下组织简称不能重复；已创建过的组织（简称和类别相同）会被识别并跳过，不会重复创建。",
      `7. 文件不超过 5 MB，数据不超过 ${MAX_ROWS.toLocaleString("en-US")} 行。团支部不能有下级组织。`,
      "8. 上传后系统会逐行检查并显示结果，确认后才会创建；有问题的行可下载“失败原因”表，修改后直接重新上传。",
    ],
    headers: COLUMNS.map((c) => c.header),
    widths: [24, 18, 48, 14],
    lists: [{ column: 2, choices, title: "组织类别" }],
    rows: rows.map((r) => ({ cells: [r.shortName, r.category, r.fullName, r.sortOrder], reason: r.reason })),
  });
}

/** A cell's value as trimmed text; formulas are reported by the caller. */
function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v.trim();
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === "object") {
    if ("richText" in v) return v.richText.map((t) => t.text).join("").trim();
    if ("text" in v && typeof v.text === "string") return v.text.trim();
    if ("error" in v) return String(v.error);
  }
  return String(v).trim();
}

const isFormula = (cell: ExcelJS.Cell) =>
  cell.type === ExcelJS.ValueType.Formula ||
  (typeof cell.value === "object" && cell.value !== null &&
    ("formula" in cell.value || "sharedFormula" in cell.value));

/** One data row as read: its spreadsheet row number and its cells as text, in column order. */
export interface SheetRow {
  row: number;
  cells: string[];
}

/** The columns a batch file must have, and what one row stands for ("组织", "团员"). */
export interface SheetSpec {
  headers: readonly string[];
  noun: string;
}

/** The batch-create file's columns. */
export const CHILD_SHEET: SheetSpec = { headers: COLUMNS.map((c) => c.header), noun: "组织" };

/** Reads the data rows of an uploaded batch-create file, or says why the file cannot be used. */
export async function readChildRows(bytes: Uint8Array): Promise<Result<RawRow[]>> {
  const read = await readRows(bytes, CHILD_SHEET);
  if (!read.ok) return read;
  return ok(read.value.map(({ row, cells }) => ({
    row,
    shortName: cells[0],
    category: cells[1],
    fullName: cells[2],
    sortOrder: cells[3],
  })));
}

/** Reads the data rows of an uploaded batch file with the columns of `spec`, or says why the file cannot be used. */
export async function readRows(bytes: Uint8Array, spec: SheetSpec): Promise<Result<SheetRow[]>> {
  const COLUMNS = spec.headers.map((header) => ({ header }));
  if (bytes.length === 0) return err("上传的文件是空的（0 字节）。" + TEMPLATE_HINT);
  if (bytes.length > MAX_BYTES) {
    return err(
      `文件大小为 ${
        (bytes.length / 1048576).toFixed(1)
      } MB，超过 5 MB 的上限。请把数据分成几个文件分别上传。`,
    );
  }
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) {
    return err(
      "这是旧版 Excel（.xls）文件，系统只接受 .xlsx 文件。请在 Excel 中“另存为”.xlsx 格式后再上传。",
    );
  }
  const notXlsx = "文件不是 Excel（.xlsx）格式，无法读取。" + TEMPLATE_HINT +
    "（请不要上传 .csv、.xls、.et 等格式，也不要只改文件扩展名。）";
  if (!(bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04)) {
    return err(notXlsx);
  }
  const tooMany = `数据超过每个文件 ${MAX_ROWS.toLocaleString("en-US")} 行的上限。请分成几个文件分别上传。`;
  // Limits first, while inflating: nothing is parsed from a file that breaks them.
  const zip = checkZip(bytes);
  if (!zip.ok) {
    if (zip.kind === "not-zip") return err(notXlsx);
    if (zip.kind === "rows" || zip.kind === "cells") return err(tooMany);
    return err(zip.error + "请下载导入模板重新填写后上传。");
  }
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes.slice().buffer);
  } catch {
    return err(notXlsx);
  }
  const headerOk = (ws: ExcelJS.Worksheet) => {
    const row = ws.getRow(1);
    if (!COLUMNS.every((c, i) => cellText(row.getCell(i + 1).value) === c.header)) return false;
    for (let i = COLUMNS.length + 1; i <= Math.max(row.cellCount, COLUMNS.length); i++) {
      const t = cellText(row.getCell(i).value);
      if (t && !(t === REASON_HEADER && i === COLUMNS.length + 1)) return false;
    }
    return true;
  };
  const ws = wb.getWorksheet(DATA_SHEET) ?? wb.worksheets.find(headerOk);
  if (!ws || !headerOk(ws)) {
    return err(
      `表格不是本系统的导入模板：“${DATA_SHEET}”工作表第 1 行应依次为 ${
        COLUMNS.map((c) => `“${c.header}”`).join("、")
      }。` + TEMPLATE_HINT,
    );
  }
  const merges: string[] = (ws.model as { merges?: string[] }).merges ?? [];
  if (merges.length) {
    return err(
      `表格中有合并单元格（${merges.slice(0, 3).join("、")}${
        merges.length > 3 ? " 等" : ""
      }）。请取消合并，每个单元格只填一项后再上传。`,
    );
  }
  const rows: SheetRow[] = [];
  let formula: string | undefined;
  let long: string | undefined;
  let dataRows = 0;
  ws.eachRow({ includeEmpty: false }, (row, n) => {
    if (n === 1 || formula || long) return;
    row.eachCell({ includeEmpty: false }, (cell) => {
      if (!formula && isFormula(cell)) formula = cell.address;
      if (!long && cellText(cell.value).length > MAX_CELL_CHARS) long = cell.address;
    });
    const cells = COLUMNS.map((_, i) => cellText(row.getCell(i + 1).value));
    if (cells.every((t) => t === "")) return;
    dataRows++;
    if (dataRows > MAX_ROWS) return;
    rows.push({ row: n, cells });
  });
  if (formula) {
    return err(
      `单元格 ${formula} 含有公式。请把公式转换为数值（复制后“选择性粘贴 → 数值”），或直接填写文字后再上传。`,
    );
  }
  if (long) {
    return err(`单元格 ${long} 的内容超过 ${MAX_CELL_CHARS} 个字符。请检查该单元格后重新上传。`);
  }
  if (dataRows > MAX_ROWS) {
    return err(
      `数据共 ${dataRows.toLocaleString("en-US")} 行，超过每个文件 ${
        MAX_ROWS.toLocaleString("en-US")
      } 行的上限。请分成几个文件分别上传。`,
    );
  }
  if (rows.length === 0) {
    return err(`“${DATA_SHEET}”工作表中没有数据：请从第 2 行起填写，每行一个${spec.noun}。`);
  }
  return ok(rows);
}
