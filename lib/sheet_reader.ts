/**
 * Subprocess entry: reads one uploaded .xlsx from stdin and writes the
 * outcome of readChildRows (or, when the first byte on stdin is READ_MEMBERS,
 * of readRows with the member columns) as JSON to stdout (see runReader in
 * sheet_thread.ts). A file that still exhausts this process's small heap ends
 * only this process, never the server.
 *
 * With the argument "--warm" the process first reads a small sample of each
 * kind, so a spare reader started ahead of an upload has exceljs loaded and
 * its hot paths compiled before the file arrives.
 */
import ExcelJS from "exceljs";
import { CHILD_SHEET, readChildRows, readRows } from "./import_xlsx.ts";
import { DATA_SHEET } from "./import_rows.ts";
import { MEMBER_SHEET } from "./member_import.ts";
import { READ_MEMBERS } from "./sheet_thread.ts";

/** A sheet of `rows` rows of plausible text under `headers`, as an upload would carry. */
async function sample(headers: readonly string[], rows: number): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(DATA_SHEET);
  ws.addRow(headers);
  for (let r = 1; r <= rows; r++) ws.addRow(headers.map((h, c) => `${h}${r * 31 + c}`));
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

if (Deno.args[0] === "--warm") {
  await readRows(await sample(MEMBER_SHEET.headers, 200), MEMBER_SHEET);
  await readChildRows(await sample(CHILD_SHEET.headers, 50));
}
const input = new Uint8Array(await new Response(Deno.stdin.readable).arrayBuffer());
const bytes = input.subarray(1);
const result = input[0] === READ_MEMBERS ? await readRows(bytes, MEMBER_SHEET) : await readChildRows(bytes);
const out = new TextEncoder().encode(JSON.stringify(result));
let written = 0;
while (written < out.length) written += await Deno.stdout.write(out.subarray(written));
