/**
 * Subprocess entry: reads one uploaded .xlsx from stdin and writes the
 * outcome of readChildRows (or, with the argument "members", of readRows
 * with the member columns) as JSON to stdout (see readChildRowsIsolated in
 * sheet_thread.ts). A file that still exhausts this process's small heap
 * ends only this process, never the server.
 */
import { readChildRows, readRows } from "./import_xlsx.ts";
import { MEMBER_SHEET } from "./member_import.ts";

const bytes = new Uint8Array(await new Response(Deno.stdin.readable).arrayBuffer());
// "members": a member batch (lib/member_import.ts); otherwise the batch of direct children.
const result = Deno.args[0] === "members" ? await readRows(bytes, MEMBER_SHEET) : await readChildRows(bytes);
const out = new TextEncoder().encode(JSON.stringify(result));
let written = 0;
while (written < out.length) written += await Deno.stdout.write(out.subarray(written));
