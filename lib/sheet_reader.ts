/**
 * Subprocess entry: reads one uploaded .xlsx from stdin and writes the
 * outcome of readChildRows as JSON to stdout (see readChildRowsIsolated in
 * sheet_thread.ts). A file that still exhausts this process's small heap
 * ends only this process, never the server.
 */
import { readChildRows } from "./import_xlsx.ts";

const bytes = new Uint8Array(await new Response(Deno.stdin.readable).arrayBuffer());
const result = await readChildRows(bytes);
const out = new TextEncoder().encode(JSON.stringify(result));
let written = 0;
while (written < out.length) written += await Deno.stdout.write(out.subarray(written));
