/** Worker entry: builds a one-sheet .xlsx off the main thread (see tableToXlsxOffThread). */
/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
import { tableToXlsx } from "./xlsx.ts";

self.onmessage = async (
  e: MessageEvent<{ sheet: string; headers: string[]; rows: (string | number | null)[][] }>,
) => {
  const bytes = await tableToXlsx(e.data.sheet, e.data.headers, e.data.rows);
  self.postMessage(bytes, [bytes.buffer]);
};
