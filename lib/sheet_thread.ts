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

/** What the thread is asked to do. */
export type SheetRequest =
  | { kind: "read"; bytes: Uint8Array }
  | { kind: "write"; sheet: string; headers: string[]; rows: (string | number | null)[][] };

type Reply = { id: number; value?: unknown; error?: string };

/**
 * The spreadsheet thread as an app dependency (`createApp({ sheets })`): the
 * worker starts on first use, a crashed one is replaced on the next request,
 * and `close()` ends it (the owner of the app closes it, as the database).
 */
export class SheetThread {
  #worker?: Worker;
  #lastId = 0;
  #waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  /** Fails every request still waiting, with `message`. */
  #failAll(message: string) {
    for (const w of this.#waiting.values()) w.reject(new Error(message));
    this.#waiting.clear();
  }

  #thread(): Worker {
    if (this.#worker) return this.#worker;
    const w = new Worker(new URL("./sheet_worker.ts", import.meta.url).href, { type: "module" });
    w.onmessage = (e: MessageEvent<Reply>) => {
      const request = this.#waiting.get(e.data.id);
      this.#waiting.delete(e.data.id);
      if (e.data.error !== undefined) request?.reject(new Error(e.data.error));
      else request?.resolve(e.data.value);
    };
    w.onerror = (e) => {
      // A crashed thread fails what it was doing; the next request starts a new one.
      e.preventDefault();
      w.terminate();
      if (this.#worker === w) this.#worker = undefined;
      this.#failAll(e.message);
    };
    return (this.#worker = w);
  }

  #ask<T>(request: SheetRequest, transfer: Transferable[] = []): Promise<T> {
    const id = ++this.#lastId;
    return new Promise<T>((resolve, reject) => {
      this.#waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#thread().postMessage({ ...request, id }, transfer);
    });
  }

  /** Reads the rows of an uploaded batch-create file (see readChildRows) on the spreadsheet thread. */
  readChildRows(bytes: Uint8Array): Promise<Result<RawRow[]>> {
    return this.#ask({ kind: "read", bytes }, [bytes.buffer]);
  }

  /** Writes a one-sheet table (see tableToXlsx) on the spreadsheet thread. */
  tableToXlsx(
    sheet: string,
    headers: string[],
    rows: (string | number | null)[][],
  ): Promise<Uint8Array<ArrayBuffer>> {
    return this.#ask({ kind: "write", sheet, headers, rows });
  }

  /** Ends the thread; requests still waiting fail, a later request starts a new one. */
  close(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#failAll("spreadsheet thread stopped");
  }
}
