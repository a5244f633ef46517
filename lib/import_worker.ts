/**
 * Worker entry: reads an uploaded spreadsheet off the main thread, so a
 * 10,000-row file does not hold up other requests while exceljs parses it.
 */
/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
import { readChildRows } from "./import_xlsx.ts";

self.onmessage = async (e: MessageEvent<Uint8Array>) => {
  self.postMessage(await readChildRows(e.data));
};
