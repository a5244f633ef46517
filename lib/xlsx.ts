/** Small helpers for writing .xlsx files with exceljs. */
import ExcelJS from "exceljs";

/** The MIME type of .xlsx. */
export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** A single-sheet workbook: a bold header row, then the rows, columns sized to fit. */
export async function tableToXlsx(
  sheetName: string,
  headers: string[],
  rows: (string | number | null)[][],
): Promise<Uint8Array<ArrayBuffer>> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheetName);
  ws.addRow(headers).font = { bold: true };
  for (const r of rows) ws.addRow(r);
  ws.columns.forEach((col, i) => {
    const widest = Math.max(
      headers[i].length,
      ...rows.slice(0, 500).map((r) => String(r[i] ?? "").length),
    );
    col.width = Math.min(60, Math.max(8, widest * 2 + 2));
  });
  ws.views = [{ state: "frozen", ySplit: 1 }];
  return new Uint8Array(await wb.xlsx.writeBuffer() as ArrayBuffer);
}

/** A Content-Disposition value that carries a Chinese file name (RFC 6266). */
export function attachment(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** {@link tableToXlsx} in a short-lived worker thread, for tables large enough to stall the event loop. */
export function tableToXlsxOffThread(
  sheetName: string,
  headers: string[],
  rows: (string | number | null)[][],
): Promise<Uint8Array<ArrayBuffer>> {
  const worker = new Worker(new URL("./xlsx_worker.ts", import.meta.url).href, { type: "module" });
  return new Promise<Uint8Array<ArrayBuffer>>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<Uint8Array<ArrayBuffer>>) => resolve(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      reject(new Error(e.message));
    };
    worker.postMessage({ sheet: sheetName, headers, rows });
  }).finally(() => worker.terminate());
}
