/**
 * Worker entry: the spreadsheet thread (see sheet_thread.ts). Writes tables with exceljs off the main thread, one request at a time.
 */
/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
import { tableToXlsx } from "./xlsx.ts";
import type { SheetRequest } from "./sheet_thread.ts";

self.onmessage = async (e: MessageEvent<SheetRequest & { id: number }>) => {
  const { id } = e.data;
  try {
    const bytes = await tableToXlsx(e.data.sheet, e.data.headers, e.data.rows);
    self.postMessage({ id, value: bytes }, [bytes.buffer]);
  } catch (err) {
    self.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
};
