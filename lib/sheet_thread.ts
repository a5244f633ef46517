/**
 * The spreadsheet thread: one long-lived worker that writes downloads, so
 * exceljs never holds up other requests; and uploads read in a subprocess.
 *
 * Uploads are untrusted: a worker shares the server's process, and a worker
 * isolate running out of heap aborts the whole process (Deno 2.9 has no heap
 * limit per worker). So uploads are read by a `deno` subprocess with its own
 * small heap (sheet_reader.ts), one file at a time; if it dies, that upload is
 * refused with a message, the server carries on and the next upload gets a
 * new reader. The server keeps its reader between uploads (see the
 * constructor): starting deno and exceljs for each file cost about 0.9 s of
 * CPU, more than the rest of the campaign's writes together (issue 14).
 *
 * One worker rather than one per file: loading exceljs into a fresh isolate
 * costs ~70 MB (which V8 keeps pooled after the worker ends) and ~0.3 s, so
 * an import followed by a code batch used to stack two of them.
 */
import { err, type Result } from "./result.ts";
import type { RawRow } from "./import_rows.ts";
import type { SheetRow } from "./import_xlsx.ts";

/** The reading subprocess's V8 heap (MB) and its time limit for one file. */
export const READER_HEAP_MB = 160;
const READER_TIMEOUT_MS = 60_000;
/** A new reader is started this long after the last one ended, so it does not compete with the import it follows. */
const RESTART_DELAY_MS = 2_000;
/**
 * A kept reader is ended after a file or an answer this large (its heap grew for it) or after this many files,
 * so what one file left behind does not pile up; the next reader starts fresh.
 */
const RETIRE_AFTER_BYTES = 512 * 1024;
const RETIRE_AFTER_FILES = 200;
const ROOT = new URL("..", import.meta.url).pathname;
const READER = new URL("./sheet_reader.ts", import.meta.url).pathname;
/** The first byte of a file sent to the reader: a member batch; any other value, a batch of direct children. */
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

/**
 * `body` after its length (u32, little-endian): how a file goes to the reader (after its kind byte) and its
 * answer comes back (read with {@link Incoming.takeFrame}).
 */
export function frame(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setUint32(0, body.length, true);
  out.set(body, 4);
  return out;
}

/** Bytes arriving on a stream, taken in pieces of a known length (the reader's stdin, and its answers). */
export class Incoming {
  #chunks: Uint8Array[] = [];
  #length = 0;
  constructor(readonly from: ReadableStreamDefaultReader<Uint8Array>) {}

  /** The next `n` bytes, or null when the stream ended first. */
  async take(n: number): Promise<Uint8Array | null> {
    if (n === 0) return new Uint8Array(0); // an empty file
    while (this.#length < n) {
      const { value, done } = await this.from.read();
      if (done) return null;
      this.#chunks.push(value);
      this.#length += value.length;
    }
    let all = this.#chunks[0];
    if (this.#chunks.length > 1) {
      all = new Uint8Array(this.#length);
      let at = 0;
      for (const c of this.#chunks) (all.set(c, at), at += c.length);
    }
    this.#chunks = all.length > n ? [all.subarray(n)] : [];
    this.#length = all.length - n;
    return all.subarray(0, n);
  }

  /** The body of the next {@link frame}, or null when the stream ended first. */
  async takeFrame(): Promise<Uint8Array | null> {
    const size = await this.take(4);
    return size && await this.take(new DataView(size.buffer, size.byteOffset, 4).getUint32(0, true));
  }
}

/** A started reader subprocess, reading the files written to its stdin one after another. */
type Reader = {
  child: Deno.ChildProcess;
  ended: boolean;
  done: Promise<unknown>;
  input: WritableStreamDefaultWriter<Uint8Array>;
  output: Incoming;
  /** Files it has been given. */
  files: number;
  /** The size of the last file and of its answer, in bytes. */
  last: number;
  /** Set when a file failed in it (it died or timed out): it is not given another. */
  broken: boolean;
  /** Set when it was ended for taking longer than the time limit. */
  timedOut: boolean;
  /** The end of what it wrote to stderr (V8 says there why it ran out of heap), for the log when it fails. */
  said: () => string;
};

/** How much of a reader's stderr is kept. */
const STDERR_TAIL = 2048;

/** Reads `stream` to its end, keeping only its last {@link STDERR_TAIL} bytes; returns what gives them as text. */
function keepTail(stream: ReadableStream<Uint8Array>): () => string {
  let kept = new Uint8Array(0);
  void (async () => {
    for await (const chunk of stream) {
      const both = new Uint8Array(kept.length + chunk.length);
      both.set(kept);
      both.set(chunk, kept.length);
      kept = both.slice(Math.max(0, both.length - STDERR_TAIL));
    }
  })().catch(() => {});
  return () => new TextDecoder().decode(kept).trim();
}

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
    stderr: "piped",
  }).spawn();
  const reader: Reader = {
    child,
    ended: false,
    done: Promise.resolve(),
    input: child.stdin.getWriter(),
    output: new Incoming(child.stdout.getReader()),
    files: 0,
    last: 0,
    broken: false,
    timedOut: false,
    said: keepTail(child.stderr),
  };
  reader.done = child.status.then(() => (reader.ended = true), () => (reader.ended = true));
  return reader;
}

const REFUSED =
  "文件内容过多或结构异常，读取时超出了系统的处理上限，没有做任何修改。请下载导入模板重新填写（不要粘贴大量空白或隐藏内容）后上传。";

/** The lines of a reader's stderr that say something (not the C stack V8 prints after running out of heap). */
function saidWhy(said: string): string {
  const lines = said.split("\n").map((l) => l.replace(/^#\s*/, "").trim());
  return lines.filter((l) => /[\p{L}]/u.test(l) && !/^=+|\[0x[0-9a-f]+\]/.test(l)).slice(-3).join(" | ");
}

/** Hands `bytes` to `reader` as a file of `kind` and returns what it read, or the refusal if it died. */
async function runReader<T>(reader: Reader, kind: number, bytes: Uint8Array): Promise<Result<T>> {
  reader.files++;
  reader.last = bytes.length;
  const timer = setTimeout(() => {
    reader.broken = reader.timedOut = true;
    try {
      reader.child.kill("SIGKILL");
    } catch { /* already ended */ }
  }, READER_TIMEOUT_MS);
  try {
    await reader.input.write(Uint8Array.of(kind));
    await reader.input.write(frame(bytes));
    const json = await reader.output.takeFrame();
    reader.last = Math.max(reader.last, json?.length ?? 0);
    if (json) return JSON.parse(new TextDecoder().decode(json)) as Result<T>;
  } catch {
    /* refused below */
  } finally {
    clearTimeout(timer);
  }
  reader.broken = true;
  // Its exit code, if it ends within a second (a reader that died has; one that timed out was killed).
  let wait: number | undefined;
  const status = await Promise.race([
    reader.child.status,
    new Promise<undefined>((r) => wait = setTimeout(r, 1000)),
  ]);
  clearTimeout(wait);
  console.error(
    `upload reader ${reader.child.pid} failed on a file of ${bytes.length} bytes` +
      (reader.timedOut ? " (time limit)" : "") +
      (status ? ` (exit ${status.code})` : "") +
      `: ${saidWhy(reader.said()) || "nothing on stderr"}`,
  );
  return err(REFUSED);
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
  #keepReader: boolean;
  #heapMb: number;
  #reader?: Reader;
  #startTimer?: ReturnType<typeof setTimeout>;

  /**
   * With `keepReader` (the server's choice, server.ts), a warmed reader
   * subprocess is started at once and kept, reading the uploads one after
   * another: an upload costs the reading only, not starting deno and exceljs
   * and compiling exceljs's hot paths. It is replaced after a large file, a
   * number of files, or a failure. Without it (tests), each upload starts a
   * reader of its own, which ends with that file. `readerHeapMb` is the
   * readers' V8 heap (tests make it small to run one out of it).
   */
  constructor(opts: { keepReader?: boolean; readerHeapMb?: number } = {}) {
    this.#keepReader = opts.keepReader ?? false;
    this.#heapMb = opts.readerHeapMb ?? READER_HEAP_MB;
    if (this.#keepReader) this.#reader = startReader(this.#heapMb, true);
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

  /** The process id of the kept reader, if one is running (for tests and monitoring). */
  get readerPid(): number | undefined {
    return this.#reader && !this.#reader.ended ? this.#reader.child.pid : undefined;
  }

  /**
   * Reads one file in a reader subprocess (the kept one, when the server keeps one), one file at a time. A
   * kept reader that dies on a file after reading others is not proof against the file (something an earlier
   * file left may have ended it): the file is read once more by a new reader, and refused only if that one
   * dies too. A reader that ran out of time is not tried again.
   */
  #read<T>(kind: number, bytes: Uint8Array, heapMb: number | undefined): Promise<Result<T>> {
    const turn = this.#readerQueue.then(async () => {
      const kept = this.#keepReader && heapMb === undefined;
      const heap = heapMb ?? this.#heapMb;
      let reader = kept ? this.#reader : undefined;
      if (!reader || reader.ended) reader = startReader(heap, false);
      if (kept) this.#reader = reader;
      let result = await runReader<T>(reader, kind, bytes);
      if (kept && reader.broken && !reader.timedOut && reader.files > 1) {
        void this.#stop(reader);
        this.#reader = reader = startReader(heap, false);
        result = await runReader<T>(reader, kind, bytes);
      }
      if (!kept || reader.broken || reader.files >= RETIRE_AFTER_FILES || reader.last > RETIRE_AFTER_BYTES) {
        if (this.#reader === reader) this.#reader = undefined;
        void this.#stop(reader, reader.broken);
        if (kept) this.#planReader();
      }
      return result;
    });
    this.#readerQueue = turn.catch(() => {});
    return turn;
  }

  /** Starts the next kept reader a moment after the last one ended, when the server keeps one. */
  #planReader() {
    if (!this.#keepReader || this.#startTimer !== undefined) return;
    this.#startTimer = setTimeout(() => {
      this.#startTimer = undefined;
      if (!this.#reader || this.#reader.ended) this.#reader = startReader(this.#heapMb, true);
    }, RESTART_DELAY_MS);
  }

  /** Ends a reader (at once when `kill`, else by ending its input) and releases its pipes. */
  async #stop(reader: Reader, kill = true) {
    if (kill) {
      try {
        reader.child.kill("SIGKILL");
      } catch { /* already ended */ }
    }
    await reader.input.close().catch(() => {});
    await reader.output.from.cancel().catch(() => {});
    await reader.done;
  }

  /**
   * Reads the rows of an uploaded batch-create file (see readChildRows) in a
   * subprocess with its own heap (of `heapMb`, when given: a reader of its own), one file at a time.
   */
  readChildRows(bytes: Uint8Array, heapMb?: number): Promise<Result<RawRow[]>> {
    return this.#read<RawRow[]>(READ_CHILDREN, bytes, heapMb);
  }

  /**
   * Reads the rows of an uploaded member batch (see readRows with MEMBER_SHEET)
   * in the same kind of subprocess, one file at a time.
   */
  readMemberRows(bytes: Uint8Array, heapMb?: number): Promise<Result<SheetRow[]>> {
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
   * Ends the thread and the kept reader; requests still waiting fail, a
   * later request starts a new one. Resolves when the reader has exited.
   */
  close(): Promise<void> {
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#failAll("spreadsheet thread stopped");
    clearTimeout(this.#startTimer);
    this.#startTimer = undefined;
    const reader = this.#reader;
    this.#reader = undefined;
    return reader ? this.#stop(reader) : Promise.resolve();
  }
}
