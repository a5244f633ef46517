/** Builds .xlsx files for the batch tests: filled templates and every kind of bad file. */
import ExcelJS from "exceljs";
import { COLUMNS, DATA_SHEET } from "../lib/import_rows.ts";

/** A cell as written by a user. */
export type Cell = string | number | null | ExcelJS.CellValue;

/** A workbook with a 数据 sheet: the template's headers (unless replaced) and `rows`; `edit` may spoil it. */
export async function xlsxFile(
  rows: Cell[][],
  opts: { headers?: string[]; sheet?: string; edit?: (ws: ExcelJS.Worksheet) => void } = {},
): Promise<Uint8Array<ArrayBuffer>> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(opts.sheet ?? DATA_SHEET);
  ws.addRow(opts.headers ?? COLUMNS.map((c) => c.header));
  for (const r of rows) ws.addRow(r);
  opts.edit?.(ws);
  return new Uint8Array(await wb.xlsx.writeBuffer() as ArrayBuffer);
}

/** `n` valid 团支部 rows named 第i车间团支部 (or with `prefix`). */
export function branchRows(n: number, prefix = "第"): Cell[][] {
  return Array.from({ length: n }, (_, i) => [`${prefix}${i + 1}车间团支部`, "团支部", "", ""]);
}

/** Reads a workbook's sheet as rows of cell text (row 1 first). */
export async function readSheet(bytes: Uint8Array, sheet = DATA_SHEET): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes.slice().buffer);
  const ws = wb.getWorksheet(sheet);
  if (!ws) throw new Error(`no sheet ${sheet}`);
  const out: string[][] = [];
  ws.eachRow((row) => {
    const cells: string[] = [];
    for (let i = 1; i <= row.cellCount; i++) cells.push(String(row.getCell(i).value ?? ""));
    out.push(cells);
  });
  return out;
}

/** An upload form with the file (and, for plain forms, the CSRF token added by the test client). */
export function uploadForm(bytes: Uint8Array<ArrayBuffer>, name = "下级组织.xlsx"): FormData {
  const form = new FormData();
  form.set(
    "file",
    new File([bytes], name, { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }),
  );
  return form;
}

/** The text of one entry of a zip (an .xlsx part), read through the central directory. */
export async function zipEntry(bytes: Uint8Array, name: string): Promise<string> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = bytes.length - 22;
  while (eocd >= 0 && view.getUint32(eocd, true) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error("not a zip");
  let p = view.getUint32(eocd + 16, true);
  const count = view.getUint16(eocd + 10, true);
  for (let i = 0; i < count; i++) {
    const method = view.getUint16(p + 10, true);
    const size = view.getUint32(p + 20, true);
    const nameLen = view.getUint16(p + 28, true);
    const extra = view.getUint16(p + 30, true);
    const comment = view.getUint16(p + 32, true);
    const local = view.getUint32(p + 42, true);
    const entry = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLen));
    if (entry === name) {
      const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
      const data = bytes.slice(start, start + size);
      if (method === 0) return new TextDecoder().decode(data);
      const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
      return await new Response(stream).text();
    }
    p += 46 + nameLen + extra + comment;
  }
  throw new Error(`no entry ${name}`);
}
