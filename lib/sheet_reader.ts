/**
 * Subprocess entry: reads uploaded .xlsx files from stdin, one after another,
 * and answers each with the outcome of readChildRows (or, when the file's kind
 * byte is READ_MEMBERS, of readRows with the member columns) as JSON (see
 * sheet_thread.ts). A file that still exhausts this process's small heap ends
 * only this process, never the server.
 *
 * Framing (`frame` in sheet_thread.ts): a file is its kind byte, then its
 * length (u32, little-endian) and its bytes; an answer is its length and its
 * JSON. The process ends when stdin ends. Reading many files in one process spares each upload the
 * start of deno and exceljs (about 0.5 s of CPU, 0.9 s with the warm-up).
 *
 * With the argument "--warm" the process first reads a small sample of each
 * kind, so a reader started ahead of an upload has exceljs loaded and its hot
 * paths compiled before the first file arrives.
 */
import ExcelJS from "exceljs";
import { CHILD_SHEET, readChildRows, readRows } from "./import_xlsx.ts";
import { DATA_SHEET } from "./import_rows.ts";
import { MEMBER_SHEET } from "./member_import.ts";
import { frame, Incoming, READ_MEMBERS } from "./sheet_thread.ts";

/** A sheet of `rows` rows of plausible text under `headers`, as an upload would carry. */
async function sample(headers: readonly string[], rows: number): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(DATA_SHEET);
  ws.addRow(headers);
  for (let r = 1; r <= rows; r++) ws.addRow(headers.map((h, c) => `${h}${r * 31 + c}`));
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

// Stdout carries the framed answers only: anything a library prints goes to stderr (whose end the server logs
// if this reader fails), or it would be read as the next answer's length.
console.log = console.info = console.debug = console.error;

if (Deno.args[0] === "--warm") {
  await readRows(await sample(MEMBER_SHEET.headers, 200), MEMBER_SHEET);
  await readChildRows(await sample(CHILD_SHEET.headers, 50));
}
const input = new Incoming(Deno.stdin.readable.getReader());
const output = Deno.stdout.writable.getWriter();
for (;;) {
  const kind = await input.take(1);
  const bytes = kind && await input.takeFrame();
  if (!bytes) break;
  const result = kind[0] === READ_MEMBERS ? await readRows(bytes, MEMBER_SHEET) : await readChildRows(bytes);
  await output.write(frame(new TextEncoder().encode(JSON.stringify(result))));
}
