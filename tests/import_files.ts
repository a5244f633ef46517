/** Builds .xlsx files for the batch tests: filled templates and every kind of bad file. */
import ExcelJS from "exceljs";
import { deflateRawSync } from "node:zlib";
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

/** A zip of `entries` (deflated; CRCs left 0, which the upload check does not read), built in memory. */
export function zipOf(entries: [string, Uint8Array | string][]): Uint8Array<ArrayBuffer> {
  const enc = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const [name, content] of entries) {
    const raw = typeof content === "string" ? enc.encode(content) : content;
    const data = deflateRawSync(raw, { level: 9 });
    const n = enc.encode(name);
    const local = new Uint8Array(30 + n.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(8, 8, true);
    lv.setUint32(18, data.length, true);
    lv.setUint32(22, raw.length, true);
    lv.setUint16(26, n.length, true);
    local.set(n, 30);
    const central = new Uint8Array(46 + n.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(10, 8, true);
    cv.setUint32(20, data.length, true);
    cv.setUint32(24, raw.length, true);
    cv.setUint16(28, n.length, true);
    cv.setUint32(42, offset, true);
    central.set(n, 46);
    locals.push(local, data);
    centrals.push(central);
    offset += local.length + data.length;
  }
  const cdSize = centrals.reduce((s, c) => s + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + cdSize + 22);
  let at = 0;
  for (const part of [...locals, ...centrals, end]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** A worksheet part whose sheetData is `inner`. */
export const sheetXml = (inner: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${inner}</sheetData></worksheet>`;

/** A zip bomb: a worksheet of `mb` megabytes of spaces (about 1/1000 of that on disk). */
export function zipBomb(mb: number): Uint8Array<ArrayBuffer> {
  const sheet = new Uint8Array(mb * 1024 * 1024).fill(0x20);
  sheet.set(new TextEncoder().encode(sheetXml("").slice(0, -"</sheetData></worksheet>".length)));
  return zipOf([["[Content_Types].xml", "<Types/>"], ["xl/worksheets/sheet1.xml", sheet]]);
}

/** A small file that declares `n` rows (one empty row element each). */
export function manyRows(n: number): Uint8Array<ArrayBuffer> {
  const rows = `<row><c t="inlineStr"><is><t>x</t></is></c></row>`.repeat(n);
  return zipOf([["[Content_Types].xml", "<Types/>"], ["xl/worksheets/sheet1.xml", sheetXml(rows)]]);
}
