/**
 * The spreadsheet thread: one long-lived worker that reads uploaded .xlsx
 * files and writes downloads, so exceljs never holds up other requests.
 *
 * One worker rather than one per file: loading exceljs into a fresh isolate
 * costs ~70 MB (which V8 keeps pooled after the worker ends) and ~0.3 s, so
 * an import followed by a code batch used to stack two of them.
 */
import type { Result } from "./result.ts";
import type { RawRow } from "./import_rows.ts";
import type { SheetRow, SheetSpec } from "./import_xlsx.ts";

/** What the thread is asked to do. */
export type SheetRequest =
  | { kind: "read"; bytes: Uint8Array }
  | { kind: "readRows"; bytes: Uint8Array; spec: SheetSpec }
  | { kind: "write"; sheet: string; headers: string[]; rows: (string | number | null)[][] };

type Reply = { id: number; value?: unknown; error?: string };

let worker: Worker | undefined;
let lastId = 0;
const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

/** Fails every request still waiting, with `message`. */
function failAll(message: string) {
  for (const w of waiting.values()) w.reject(new Error(message));
  waiting.clear();
}

function thread(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL("./sheet_worker.ts", import.meta.url).href, { type: "module" });
  w.onmessage = (e: MessageEvent<Reply>) => {
    const request = waiting.get(e.data.id);
    waiting.delete(e.data.id);
    if (e.data.error !== undefined) request?.reject(new Error(e.data.error));
    else request?.resolve(e.data.value);
  };
  w.onerror = (e) => {
    // A crashed thread fails what it was doing; the next request starts a new one.
    e.preventDefault();
    w.terminate();
    if (worker === w) worker = undefined;
    failAll(e.message);
  };
  return (worker = w);
}

function ask<T>(request: SheetRequest, transfer: Transferable[] = []): Promise<T> {
  const id = ++lastId;
  return new Promise<T>((resolve, reject) => {
    waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
    thread().postMessage({ ...request, id }, transfer);
  });
}

/** Reads the rows of an uploaded batch-create file (see readChildRows) on the spreadsheet thread. */
export function readChildRowsOffThread(bytes: Uint8Array): Promise<Result<RawRow[]>> {
  return ask({ kind: "read", bytes }, [bytes.buffer]);
}

/** Reads the rows of an uploaded batch file with the columns of `spec` (see readRows) on the spreadsheet thread. */
export function readRowsOffThread(bytes: Uint8Array, spec: SheetSpec): Promise<Result<SheetRow[]>> {
  return ask({ kind: "readRows", bytes, spec }, [bytes.buffer]);
}

/** Writes a one-sheet table (see tableToXlsx) on the spreadsheet thread. */
export function tableToXlsxOffThread(
  sheet: string,
  headers: string[],
  rows: (string | number | null)[][],
): Promise<Uint8Array<ArrayBuffer>> {
  return ask({ kind: "write", sheet, headers, rows });
}

/** Ends the spreadsheet thread (tests end every resource they start; a server keeps it). */
export function stopSheetThread(): void {
  worker?.terminate();
  worker = undefined;
  failAll("spreadsheet thread stopped");
}
