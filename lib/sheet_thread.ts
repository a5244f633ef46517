/**
 * The spreadsheet thread: one long-lived worker that writes downloads, so
 * exceljs never holds up other requests; and uploads read in a subprocess.
 *
 * Uploads are untrusted: a worker shares the server's process, and a worker
 * isolate running out of heap aborts the whole process (Deno 2.9 has no heap
 * limit per worker). So an upload is read by a short-lived `deno` subprocess
 * with its own small heap (sheet_reader.ts), one process per file and one file
 * at a time; if it dies, the upload is refused with a message and the server
 * carries on. The server keeps the next reader started and warmed (see the
 * constructor), so the upload does not wait for deno and exceljs to load.
 *
 * One worker rather than one per file: loading exceljs into a fresh isolate
 * costs ~70 MB (which V8 keeps pooled after the worker ends) and ~0.3 s, so
 * an import followed by a code batch used to stack two of them.
 */
import { err, type Result } from "./result.ts";
import type { RawRow } from "./import_rows.ts";
import type { SheetRow } from "./import_xlsx.ts";

/** The reading subprocess's V8 heap (MB) and its time limit. */
export const READER_HEAP_MB = 160;
const READER_TIMEOUT_MS = 60_000;
/** A spare reader is started this long after a read, so it does not compete with the import it follows. */
const SPARE_DELAY_MS = 2_000;
const ROOT = new URL("..", import.meta.url).pathname;
const READER = new URL("./sheet_reader.ts", import.meta.url).pathname;
/** The first byte on the reader's stdin: a member batch; any other value, a batch of direct children. */
export const READ_MEMBERS = 1;
const READ_CHILDREN = 0;

/** What the thread is asked to do. */
export type SheetRequest = {
  kind: "write";
  sheet: string;
  headers: string[];
  rows: (string | number | null)[][];
};

type Reply = { id: number; value?: unknown; error?: string };

/** A started reader subprocess, waiting for its one file on stdin. */
type Reader = { child: Deno.ChildProcess; ended: boolean; done: Promise<unknown> };

/** Starts a reader subprocess with a V8 heap of `heapMb`; `warm` has it read samples first (see sheet_reader.ts). */
function startReader(heapMb: number, warm: boolean): Reader {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--no-prompt",
      `--v8-flags=--max-old-space-size=${heapMb}`,
      "--allow-env",
      "--allow-sys",
      "--allow-read",
      READER,
      ...(warm ? ["--warm"] : []),
    ],
    cwd: ROOT,
    env: { MALLOC_ARENA_MAX: "2", NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader: Reader = { child, ended: false, done: Promise.resolve() };
  reader.done = child.status.then(() => (reader.ended = true), () => (reader.ended = true));
  return reader;
}

/** Hands `bytes` (after the kind byte) to `reader` and returns what it read, or the refusal if it died. */
async function runReader<T>(reader: Reader, kind: number, bytes: Uint8Array): Promise<Result<T>> {
  const { child } = reader;
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* already ended */ }
  }, READER_TIMEOUT_MS);
  try {
    const writer = child.stdin.getWriter();
    await writer.write(Uint8Array.of(kind)).catch(() => {});
    await writer.write(bytes).catch(() => {});
    await writer.close().catch(() => {});
    const { code, stdout } = await child.output();
    if (code === 0) return JSON.parse(new TextDecoder().decode(stdout)) as Result<T>;
  } catch {
    /* refused below */
  } finally {
    clearTimeout(timer);
  }
  return err(
    "文件内容过多或结构异常，读取时超出了系统的处理上限，没有做任何修改。请下载导入模板重新填写（不要粘贴大量空白或隐藏内容）后上传。",
  );
}

/**
 * The spreadsheet thread as an app dependency (`createApp({ sheets })`): the
 * worker starts on first use, a crashed one is replaced on the next request,
 * and `close()` ends it (the owner of the app closes it, as the database).
 */
export class SheetThread {
  #worker?: Worker;
  #lastId = 0;
  #waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #readerQueue: Promise<unknown> = Promise.resolve();
  #keepSpare: boolean;
  #spare?: Reader;
  #spareTimer?: ReturnType<typeof setTimeout>;

  /**
   * With `spareReader` (the server's choice, main.ts), a warmed reader
   * subprocess is kept waiting for the next upload, so an upload costs the
   * reading only, not starting deno and exceljs (about 0.4 s) and compiling
   * exceljs's hot paths. Without it (tests), each upload starts its own.
   */
  constructor(opts: { spareReader?: boolean } = {}) {
    this.#keepSpare = opts.spareReader ?? false;
    if (this.#keepSpare) this.#spare = startReader(READER_HEAP_MB, true);
  }

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

  /** The process id of the spare reader waiting for the next upload, if one is (for tests and monitoring). */
  get sparePid(): number | undefined {
    return this.#spare && !this.#spare.ended ? this.#spare.child.pid : undefined;
  }

  /** Reads one file in a reader subprocess (the spare if one is waiting), one file at a time. */
  #read<T>(kind: number, bytes: Uint8Array, heapMb: number): Promise<Result<T>> {
    const turn = this.#readerQueue.then(() => {
      let reader = this.#spare;
      this.#spare = undefined;
      if (!reader || reader.ended || heapMb !== READER_HEAP_MB) {
        if (reader) void this.#stop(reader);
        reader = startReader(heapMb, false);
      }
      return runReader<T>(reader, kind, bytes).finally(() => this.#planSpare());
    });
    this.#readerQueue = turn.catch(() => {});
    return turn;
  }

  /** Starts the next spare reader a moment after a read, when the server keeps one. */
  #planSpare() {
    if (!this.#keepSpare || this.#spareTimer !== undefined) return;
    this.#spareTimer = setTimeout(() => {
      this.#spareTimer = undefined;
      if (!this.#spare || this.#spare.ended) this.#spare = startReader(READER_HEAP_MB, true);
    }, SPARE_DELAY_MS);
  }

  /** Ends an unused reader and releases its pipes. */
  async #stop(reader: Reader) {
    try {
      reader.child.kill("SIGKILL");
    } catch { /* already ended */ }
    await reader.child.stdin.abort().catch(() => {});
    await reader.child.stdout.cancel().catch(() => {});
    await reader.done;
  }

  /**
   * Reads the rows of an uploaded batch-create file (see readChildRows) in a
   * subprocess with its own heap of `heapMb`, one file at a time.
   */
  readChildRows(bytes: Uint8Array, heapMb = READER_HEAP_MB): Promise<Result<RawRow[]>> {
    return this.#read<RawRow[]>(READ_CHILDREN, bytes, heapMb);
  }

  /**
   * Reads the rows of an uploaded member batch (see readRows with MEMBER_SHEET)
   * in the same kind of subprocess, one file at a time.
   */
  readMemberRows(bytes: Uint8Array, heapMb = READER_HEAP_MB): Promise<Result<SheetRow[]>> {
    return this.#read<SheetRow[]>(READ_MEMBERS, bytes, heapMb);
  }

  /** Writes a one-sheet table (see tableToXlsx) on the spreadsheet thread. */
  tableToXlsx(
    sheet: string,
    headers: string[],
    rows: (string | number | null)[][],
  ): Promise<Uint8Array<ArrayBuffer>> {
    return this.#ask({ kind: "write", sheet, headers, rows });
  }

  /**
   * Ends the thread and the spare reader; requests still waiting fail, a
   * later request starts a new one. Resolves when the spare has exited.
   */
  close(): Promise<void> {
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#failAll("spreadsheet thread stopped");
    clearTimeout(this.#spareTimer);
    this.#spareTimer = undefined;
    const spare = this.#spare;
    this.#spare = undefined;
    return spare ? this.#stop(spare) : Promise.resolve();
  }
}
