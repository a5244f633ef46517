/**
 * Subprocess entry: reads uploaded .xlsx files from stdin, one after another,
 * and answers each with the outcome of readChildRows (or, when the file's kind
 * byte is READ_MEMBERS, of readRows with the member columns) as JSON (see
 * sheet_thread.ts). A file that still exhausts this process's small heap ends
 * only this process, never the server.
 *
 * Framing, both ways little-endian: a file is its kind byte, its length (u32)
 * and its bytes; an answer is its length (u32) and its JSON. The process ends
 * when stdin ends. Reading many files in one process spares each upload the
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
import { READ_MEMBERS } from "./sheet_thread.ts";

/** A sheet of `rows` rows of plausible text under `headers`, as an upload would carry. */
async function sample(headers: readonly string[], rows: number): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(DATA_SHEET);
  ws.addRow(headers);
  for (let r = 1; r <= rows; r++) ws.addRow(headers.map((h, c) => `${h}${r * 31 + c}`));
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

// Stdout carries the framed answers only: anything a library prints goes to stderr (which the server discards),
// or it would be read as the next answer's length.
console.log = console.info = console.debug = console.error;

if (Deno.args[0] === "--warm") {
  await readRows(await sample(MEMBER_SHEET.headers, 200), MEMBER_SHEET);
  await readChildRows(await sample(CHILD_SHEET.headers, 50));
}
/** Reads exactly `n` bytes from stdin into a new array, or returns null at the end of input. */
async function readExactly(n: number): Promise<Uint8Array | null> {
  const out = new Uint8Array(n);
  for (let at = 0; at < n;) {
    const got = await Deno.stdin.read(out.subarray(at));
    if (got === null) return null;
    at += got;
  }
  return out;
}

/** Writes all of `bytes` to stdout. */
async function writeAll(bytes: Uint8Array): Promise<void> {
  for (let written = 0; written < bytes.length;) written += await Deno.stdout.write(bytes.subarray(written));
}

for (;;) {
  const head = await readExactly(5);
  if (!head) break;
  const bytes = await readExactly(new DataView(head.buffer).getUint32(1, true));
  if (!bytes) break;
  const result = head[0] === READ_MEMBERS ? await readRows(bytes, MEMBER_SHEET) : await readChildRows(bytes);
  const json = new TextEncoder().encode(JSON.stringify(result));
  const frame = new Uint8Array(4 + json.length);
  new DataView(frame.buffer).setUint32(0, json.length, true);
  frame.set(json, 4);
  await writeAll(frame);
}
