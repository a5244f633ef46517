/** Small helpers for writing .xlsx files with exceljs. */
import ExcelJS from "exceljs";
import { PassThrough } from "node:stream";

/**
 * A worksheet name Excel (and LibreOffice) accept: the characters : \ / ? * [ ]
 * become "、", apostrophes are trimmed from both ends, and the name is cut to
 * 31 characters; an empty result is "Sheet1". exceljs writes a forbidden name
 * as given, and the file then does not open ("团委/团工委/团总支…").
 */
export function sheetName(name: string): string {
  const clean = name.replace(/[:\\/?*[\]]/g, "、").replace(/^'+|'+$/g, "").trim();
  return [...clean].slice(0, 31).join("") || "Sheet1";
}

/** The MIME type of .xlsx. */
export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/**
 * A single-sheet workbook: a bold, frozen header row, then the rows, columns
 * sized to fit. Written with exceljs' streaming writer, row by row, so a
 * 50,000-row table does not hold a whole workbook model in memory.
 */
export async function tableToXlsx(
  name: string,
  headers: string[],
  rows: (string | number | null)[][],
): Promise<Uint8Array<ArrayBuffer>> {
  const out = new PassThrough();
  const chunks: Uint8Array[] = [];
  out.on("data", (chunk: Uint8Array) => chunks.push(chunk));
  const ended = new Promise((resolve, reject) => {
    out.on("end", resolve);
    out.on("error", reject);
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: true,
    zip: { zlib: { level: 9 } },
  });
  const ws = wb.addWorksheet(sheetName(name), { views: [{ state: "frozen", ySplit: 1 }] });
  ws.columns = headers.map((header, i) => {
    const widest = Math.max(header.length, ...rows.slice(0, 500).map((r) => String(r[i] ?? "").length));
    return { width: Math.min(60, Math.max(8, widest * 2 + 2)) };
  });
  const head = ws.addRow(headers);
  head.font = { bold: true };
  head.commit();
  for (const r of rows) ws.addRow(r).commit();
  ws.commit();
  await wb.commit();
  await ended;
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return bytes;
}

/** A Content-Disposition value that carries a Chinese file name (RFC 6266). */
export function attachment(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
