/**
 * Opening the database in one of SPEC §10's three modes, and the `Database`
 * object that owns what belongs to one open database: its write queue, its
 * commit count, the sampled data version, the replica's sync loop and the
 * local file's checkpointer.
 *
 * - `file:` alone: one embedded file (PRAGMAs tuned, background checkpoints).
 * - `http(s)://` / `libsql://` / `ws(s)://`: every query to a libSQL server.
 * - `file:` with `syncUrl`: an embedded replica answers reads locally; writes
 *   go to the primary through a separate async client, and the replica is
 *   synced after each of them (read-your-writes) and every `syncEveryMs`.
 */
import {
  type Client,
  createClient,
  type InArgs,
  type InStatement,
  LibsqlError,
  type Transaction,
} from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { sql, type SQLWrapper } from "drizzle-orm";
import * as schema from "./schema.ts";
import { type Changes, changesOf } from "./changes.ts";
import { noteCommit, shareMarks } from "./cache.ts";
import { acquire, COMMITS, databaseCells, FALLBACK, LOCK, release, WRITING } from "./threads.ts";
import { localClient } from "./local_client.ts";
import type { CheckpointStart } from "./checkpoint_worker.ts";
import SyncConnection from "libsql";
import AsyncConnection from "libsql/promise";

// An embedded replica's `sync()` in @libsql/client calls libsql's synchronous binding, which blocks the
// event loop for the whole pull from the primary (a WAN round trip or more, every `syncEveryMs`). The
// binding also has an asynchronous pull on the same native handle (libsql's promise API): the client's
// connections use that one, so the pull runs on libsql's own thread and requests go on meanwhile (the
// client's pool makes a read wait for the pull's connection, without blocking).
(SyncConnection.prototype as { sync: () => unknown }).sync = AsyncConnection.prototype.sync;

/** The database handle used everywhere. */
export type Db = LibSQLDatabase<typeof schema> & { $client: Client };

const MIGRATIONS = new URL("./migrations", import.meta.url).pathname;

/** How the app reaches its data. */
export type Mode = "file" | "remote" | "replica";

/** How to open the database. */
export interface OpenOptions {
  /** For a libSQL server URL (the primary's, in replica mode). */
  authToken?: string;
  /** The primary's URL: `url` (a file) becomes its embedded replica. */
  syncUrl?: string;
  /** Replica mode: pull the primary's changes this often (default 200 ms; SPEC: visible within 1 s). */
  syncEveryMs?: number;
  /**
   * Local files: checkpoint the write-ahead log from a worker thread instead
   * of inside whichever commit grows it past 1,000 pages (the server does;
   * scripts keep SQLite's default).
   */
  backgroundCheckpoints?: boolean;
  /**
   * With background checkpoints: a log this many pages long is made to start
   * over even while writes keep coming (default 16,384 pages, 64 MB at 4 KB,
   * the size it is cut back to).
   */
  restartLogAt?: number;
  /**
   * Apply pending migrations on open (default true: tests and scripts). The
   * server passes false and only checks the schema: migrating is the deploy
   * step `deno task migrate`.
   */
  migrate?: boolean;
  /**
   * One of a server process's threads (server.ts): the memory they share
   * (db/threads.ts) and whether this is the first, which runs the background
   * checkpointer (the others' connections leave checkpoints to it too).
   */
  thread?: { memory: SharedArrayBuffer; first: boolean };
}

/** Per-connection settings of a local file (WAL itself is stored in the file); the log is cut back to 64 MB. */
const PRAGMAS = [
  "PRAGMA synchronous=NORMAL",
  "PRAGMA foreign_keys=ON",
  "PRAGMA busy_timeout=5000",
  "PRAGMA journal_size_limit=67108864",
];

const databases = new WeakMap<object, Database>();

/** The mode of each open `writeTx` transaction (runAll sends its statements by it). */
const transactions = new WeakMap<object, Mode>();

/** The writer of each open `writeTx` transaction on a local file (see `statementHandle`). */
const fileWriters = new WeakMap<object, Db>();

/**
 * Errors after which a write transaction may simply run again: nothing was committed. "no transaction
 * is active" is drizzle's rollback failing because the server had already ended (aborted) the
 * transaction; it replaces the original TRANSACTION_TIMEOUT in the error drizzle throws.
 */
const RETRYABLE =
  /TRANSACTION_TIMEOUT|STREAM_EXPIRED|SQLITE_BUSY|database is locked|no transaction is active/i;

/**
 * How long a write transaction that the server aborted or found locked is run
 * again (waiting 50 ms doubling to 1 s between attempts). Another instance's
 * long write holds the primary's lock for up to its ~5 s limit, and may be
 * aborted and run again itself on a loaded server: 8 s was seen to run out.
 */
const RETRY_FOR_MS = 20_000;

/** A local write that found the file busy sooner than this did not wait out busy_timeout (5 s): retried. */
const EARLY_BUSY_MS = 1_000;

/** One open database: the handle for reads, the one for writes, and their shared state. */
export class Database {
  #tail: Promise<unknown> = Promise.resolve();
  /** Commits, the write lock and its odd-while-writing count: this object's, or the server threads' (db/threads.ts). */
  #cells: Int32Array;
  #sampled = { at: -Infinity, value: "", others: "" };
  /** Whether the writer's connection checkpoints on commit again (file mode, the checkpointer's fallback). */
  #fellBack = false;
  #worker?: Worker;
  #syncTimer?: ReturnType<typeof setInterval>;
  #syncing?: Promise<unknown>;
  #closed = false;
  #closing: Promise<void> = Promise.resolve();
  #closers: (() => void)[] = [];
  /** The local file's path (file mode), for the prepared reads' own connection (db/reader.ts). */
  file?: string;

  /** @internal use `openDb`. */
  constructor(
    /** Reads: the local file, the server, or the embedded replica. */
    readonly db: Db,
    /**
     * Writes: in file mode a second client on the file with a single connection
     * (only `writeTx` uses it, one write at a time); in replica mode an async
     * client to the primary; a server's is `db`.
     */
    readonly writer: Db,
    readonly mode: Mode,
    memory?: SharedArrayBuffer,
  ) {
    this.#cells = databaseCells(memory);
    databases.set(db, this);
    databases.set(writer, this);
  }

  /**
   * The handle that reads the primary's state as committed now, outside a
   * transaction: the writer in replica mode (the replica may lag), the read
   * handle otherwise (a file's writer may be inside another write).
   */
  get primary(): Db {
    return this.mode === "replica" ? this.writer : this.db;
  }

  /** Write transactions committed through this object (with threads: through any of the process's threads). */
  get commits(): number {
    return Atomics.load(this.#cells, COMMITS);
  }

  /** The background checkpointer of a local file, if it has one (tests listen to its messages). */
  get checkpointer(): Worker | undefined {
    return this.#worker;
  }

  /**
   * Runs `fn` in a write transaction, then bumps the data version row in it.
   * Writes are serialised inside the process, across its threads too (local
   * libSQL runs statements synchronously, so interleaved write transactions
   * would wait on each other's lock while blocking the event loop). On a server a transaction
   * aborted by its ~5 s limit or a busy lock is rolled back and run again
   * for up to 20 s (waiting 50 ms, 100 ms … 1 s between attempts); after
   * that the error is thrown and `isBusy` tells the app to answer 503. On a
   * local file, where SQLite waits for the lock itself, only a busy that came
   * before that wait was over is run again.
   * In replica mode the replica is synced before this resolves, so the
   * writer reads what it wrote. Do slow async work (password hashing) first.
   * A `quiet` write changes nothing any page shows (a long write's staged
   * rows, db/staging.ts): no version bump, no cache drop, no replica pull.
   */
  writeTx<T>(fn: (tx: Tx) => Promise<T>, options: WriteOptions = {}): Promise<T> {
    const run = this.#tail.then(async () => {
      const until = performance.now() + RETRY_FOR_MS;
      for (let attempt = 1;; attempt++) {
        const began = performance.now();
        const cells = this.#cells;
        await acquire(cells, LOCK);
        Atomics.add(cells, WRITING, 1); // odd from here until the commit is counted (see `version`)
        try {
          let result!: T;
          let changes: Changes | undefined;
          if (this.mode === "file") {
            // The writer has one connection, set up once (the read client's pool may open new ones, which
            // is why the settings used to be sent before every write); the checkpointer's fallback, if it
            // stopped since the last write, is applied to it first.
            if (!this.#fellBack && Atomics.load(cells, FALLBACK)) {
              this.#fellBack = true;
              await this.writer.$client.execute("PRAGMA wal_autocheckpoint=1000");
            }
            result = await this.writer.transaction(async (tx) => {
              transactions.set(tx, this.mode);
              fileWriters.set(tx, this.writer);
              const out = await fn(tx);
              changes = changesOf(tx);
              if (!options.quiet) await bump(tx);
              return out;
            });
          } else {
            result = await this.writer.transaction(async (tx) => {
              transactions.set(tx, this.mode);
              const out = await fn(tx);
              changes = changesOf(tx);
              if (!options.quiet) await bump(tx);
              return out;
            }, { behavior: "immediate" });
          }
          if (options.quiet) return result;
          Atomics.add(cells, COMMITS, 1);
          if (this.mode === "replica") await this.sync();
          // Once this instance reads what was written: the read cache drops what the write named.
          noteCommit(changes!);
          return result;
        } catch (e) {
          if (!isBusy(e) || performance.now() >= until) throw e;
          // A local file's lock is waited for by SQLite itself (busy_timeout); a busy that comes sooner is
          // SQLite giving up early, as it did 3–6 times in 2,500 creates on the national tree while the
          // checkpoint worker restarted the log (67 ms into the wait): that one is tried again.
          if (this.mode === "file" && performance.now() - began >= EARLY_BUSY_MS) throw e;
        } finally {
          Atomics.add(cells, WRITING, 1);
          release(cells, LOCK);
        }
        // Another instance's write may hold the primary's lock for a second or two (a long write's final
        // transaction on a busy server): wait longer each time, for up to RETRY_FOR_MS in all.
        await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** (attempt - 1), 1000)));
      }
    });
    this.#tail = run.catch(() => {});
    return run;
  }

  /**
   * The read-cache version: this object's commits (exact) and the data
   * version row, which every instance's writes move; the row is read at most
   * every `everyMs` (from the replica in replica mode, so it moves with sync).
   * A sample is taken only while no write of this process holds the lock (its
   * row would be counted before its commit is, or after): the cells' writing
   * count is even and the same before and after the read, or the last sample
   * stays until the next request.
   */
  async version(everyMs = 50): Promise<string> {
    const now = performance.now();
    const cells = this.#cells;
    const writing = Atomics.load(cells, WRITING);
    if (now - this.#sampled.at >= everyMs && writing % 2 === 0) {
      this.#sampled.at = now; // one sample at a time (over a network the read takes a while)
      try {
        const res = await this.db.$client.execute("SELECT version FROM data_version WHERE id = 1");
        if (Atomics.load(cells, WRITING) !== writing) this.#sampled.at = -Infinity;
        else {
          this.#sampled.value = String(res.rows[0]?.[0] ?? "");
          // Every write moves the row by one: what is left after this process's commits is others' writes.
          this.#sampled.others = this.#sampled.value === ""
            ? ""
            : String(Number(this.#sampled.value) - Atomics.load(cells, COMMITS));
        }
      } catch {
        // An unreachable primary: keep the last value; the next request tries again.
        this.#sampled.at = -Infinity;
      }
    }
    return `${Atomics.load(cells, COMMITS)}.${this.#sampled.value}`;
  }

  /**
   * The part of the version that only others' writes move (other processes
   * and instances): the row minus this object's commits, both taken at the
   * same sample. The read cache drops everything when it moves; this object's
   * own writes drop only what they name (db/changes.ts, `noteCommit`).
   */
  async othersVersion(everyMs = 50): Promise<string> {
    await this.version(everyMs);
    return this.#sampled.others;
  }

  /** Replica mode: pulls the primary's changes now (one pull at a time). Elsewhere: nothing. */
  async sync(): Promise<void> {
    if (this.mode !== "replica" || this.#closed) return;
    while (this.#syncing) await this.#syncing.catch(() => {});
    if (this.#closed) return;
    const p = this.db.$client.sync();
    this.#syncing = p;
    try {
      await p;
    } finally {
      this.#syncing = undefined;
    }
  }

  /** The schema check of an instance: refuses a database whose migrations differ from this build's. */
  async checkSchema(): Promise<void> {
    const journal = JSON.parse(await Deno.readTextFile(`${MIGRATIONS}/meta/_journal.json`)) as {
      entries: { tag: string; when: number }[];
    };
    const expected = journal.entries.at(-1)!;
    let applied: { created_at: number; n: number } | undefined;
    try {
      const res = await this.db.$client.execute(
        "SELECT max(created_at) AS created_at, count(*) AS n FROM __drizzle_migrations",
      );
      applied = res.rows[0] as unknown as { created_at: number; n: number };
    } catch {
      applied = undefined;
    }
    const appliedCount = Number(applied?.n ?? 0);
    if (appliedCount !== journal.entries.length || Number(applied?.created_at) !== expected.when) {
      const at = appliedCount
        ? `${appliedCount} migration(s), the last from ${new Date(Number(applied!.created_at)).toISOString()}`
        : "no migrations (an empty database)";
      throw new SchemaMismatch(
        `database schema mismatch: the database has ${at}; this build expects ${journal.entries.length}, ` +
          `the last ${expected.tag}. Run the deploy step \`deno task migrate\` (with the same DATABASE_URL) ` +
          `before starting instances, or deploy the build that matches the database.`,
      );
    }
  }

  /** Runs `fn` when this database is closed (db/reader.ts closes its connection). */
  onClose(fn: () => void): void {
    this.#closers.push(fn);
  }

  /**
   * Stops the sync loop and the checkpointer and closes the clients. A
   * replica's pull already under way is let finish first (it writes the local
   * file from a native thread); the promise settles once everything is closed.
   */
  close(): Promise<void> {
    if (this.#closed) return this.#closing;
    this.#closed = true;
    for (const fn of this.#closers) fn();
    clearInterval(this.#syncTimer);
    this.#worker?.terminate();
    if (this.writer !== this.db) this.writer.$client.close();
    const pull = this.#syncing;
    this.#closing = pull
      ? pull.catch(() => {}).then(() => this.db.$client.close())
      : Promise.resolve(this.db.$client.close());
    return this.#closing;
  }

  /** @internal opening steps. */
  async init(url: string, options: OpenOptions): Promise<void> {
    if (this.mode === "file") {
      await this.db.$client.execute("PRAGMA journal_mode=WAL");
      const pragmas = options.backgroundCheckpoints ? [...PRAGMAS, "PRAGMA wal_autocheckpoint=0"] : PRAGMAS;
      for (const p of pragmas) await this.db.$client.execute(p);
      for (const p of pragmas) await this.writer.$client.execute(p);
    }
    if (options.migrate ?? true) {
      await migrate(this.mode === "file" ? this.db : this.writer, { migrationsFolder: MIGRATIONS });
    }
    if (this.mode === "replica") {
      await this.sync();
      this.#syncTimer = setInterval(() => {
        if (!this.#syncing) this.sync().catch((e) => console.error(`replica sync failed: ${errorText(e)}`));
      }, options.syncEveryMs ?? 200);
    }
    if (this.mode === "file" && options.backgroundCheckpoints && (options.thread?.first ?? true)) {
      const worker = new Worker(new URL("./checkpoint_worker.ts", import.meta.url).href, { type: "module" });
      worker.onerror = (e) => {
        // Never take the server down for this: fall back to SQLite's own checkpoints from the next write on.
        e.preventDefault();
        console.error(`background checkpoints stopped (${e.message}); SQLite checkpoints on commit again`);
        Atomics.store(this.#cells, FALLBACK, 1); // every thread's writer, from its next write on
      };
      worker.postMessage(
        { url, everyMs: 250, restartFrames: options.restartLogAt ?? 16_384 } satisfies CheckpointStart,
      );
      this.#worker = worker;
    }
  }
}

/** How `writeTx` treats a write. */
export interface WriteOptions {
  /** The write changes nothing a read shows: the data version, the read cache and the replica stay. */
  quiet?: boolean;
}

/** Thrown when an instance's build and the database's migrations differ. */
export class SchemaMismatch extends Error {}

/** Every write transaction moves the data version row (db/cache.ts; other instances sample it). */
const bump = (tx: Tx) => tx.run(sql`UPDATE data_version SET version = version + 1 WHERE id = 1`);

/** Whether `e` says the database was busy or aborted the transaction (nothing was written; try later). */
export const isBusy = (e: unknown): boolean => RETRYABLE.test(errorText(e));

/** The message of `e` and of its causes (drizzle wraps the driver's error as the cause of its own). */
const errorText = (e: unknown): string => {
  const own = e instanceof LibsqlError
    ? `${e.code} ${e.message}`
    : e instanceof Error
    ? e.message
    : String(e);
  return e instanceof Error && e.cause !== undefined && e.cause !== e ? `${own} ${errorText(e.cause)}` : own;
};

/**
 * Opens the database at `url` (`file:…`, or a libSQL server URL), as an
 * embedded replica of `options.syncUrl` when given, and migrates it unless
 * `migrate: false`. Callers use `.db` for reads (every db/ function takes
 * it), `writeTx(db, fn)` for writes, and `.close()`.
 */
export async function openDb(url: string, options: OpenOptions = {}): Promise<Database> {
  const file = url.startsWith("file:");
  if (file) {
    const dir = url.slice(5).replace(/[^/]*$/, "");
    if (dir) await Deno.mkdir(dir, { recursive: true });
  }
  const mode: Mode = !file ? "remote" : options.syncUrl ? "replica" : "file";
  const handle = (client: Client) => drizzle(client, { schema, casing: "snake_case" }) as Db;
  // A local file's read handle and writer are each one connection with prepared statements (db/local_client.ts).
  const db = handle(
    mode === "replica"
      ? createClient({ url, syncUrl: options.syncUrl, authToken: options.authToken })
      : mode === "file"
      ? localClient(url.slice(5))
      : createClient({ url, authToken: options.authToken }),
  );
  const writer = mode === "replica"
    ? handle(createClient({ url: options.syncUrl!, authToken: options.authToken }))
    : mode === "file"
    ? handle(localClient(url.slice(5)))
    : db;
  if (options.thread && mode === "replica") {
    throw new Error(
      "an embedded replica serves from one thread (its local file has one sync loop): THREADS=1",
    );
  }
  if (options.thread) shareMarks(options.thread.memory);
  const database = new Database(db, writer, mode, options.thread?.memory);
  if (mode === "file") database.file = url.slice(5);
  try {
    await database.init(url, options);
  } catch (e) {
    database.close();
    throw e;
  }
  return database;
}

/** The `Database` a handle belongs to. */
export function databaseOf(db: Db): Database {
  const d = databases.get(db);
  if (!d) throw new Error("not a handle from openDb()");
  return d;
}

/** The background checkpointer of `db`, if it has one (tests listen to its messages). */
export const checkpointer = (db: Db): Worker | undefined => databaseOf(db).checkpointer;

/** Closes the database `db` belongs to (see `Database.close`). */
export function closeDb(db: Db): Promise<void> {
  return databaseOf(db).close();
}

/** Runs `fn` in a write transaction of the database `db` belongs to (see `Database.writeTx`). */
export function writeTx<T>(db: Db, fn: (tx: Tx) => Promise<T>, options?: WriteOptions): Promise<T> {
  return databaseOf(db).writeTx(fn, options);
}

/**
 * The handle a prepared statement for `db` may be kept on: for a write
 * transaction on a local file, the writer itself. Its client has one
 * connection, which runs the transaction (only `writeTx` uses it, one write at
 * a time), so a statement prepared on the writer runs inside whichever
 * transaction is open, reading its writes, and is built once instead of once
 * per transaction (db/reader.ts `preparedQuery`). Any other handle: itself.
 */
export const statementHandle = <C extends object>(db: C): C => (fileWriters.get(db) as C | undefined) ?? db;

/** A transaction handle (also accepted wherever a read-only `Db` is). */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

// The event loop is the process's, not a database's: one budget for all long work.
let heldSince = performance.now();

/**
 * Marks the start of a task of the event loop that is not a `breathe` (a
 * request): `pace` counts the budget from here. Without it the budget ran from
 * the last breath, however long the loop had been idle since, so the first
 * `pace()` of nearly every request slept a timer turn (`setTimeout(0)` is
 * 1–2 ms in Deno) for nothing: the progress page and the chase lists call it.
 */
export function taskStarted(): void {
  heldSince = performance.now();
}

/**
 * Lets other requests run in the middle of long work (local libSQL is
 * synchronous, so a 5,000-row write would otherwise hold the event loop).
 */
export async function breathe(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  heldSince = performance.now();
}

/**
 * Breathes when long work has held the event loop for `budgetMs` since it
 * last did: call it after every statement of a long loop, so no request
 * waits behind more than a few statements whatever their size.
 */
export async function pace(budgetMs = 10): Promise<void> {
  if (performance.now() - heldSince >= budgetMs) await breathe();
}

/**
 * `items.map(fn)` for long work on the event loop (checking thousands of
 * imported rows): breathes (`pace`) before every `chunk` items.
 */
export async function mapPaced<T, R>(
  items: readonly T[],
  fn: (item: T, index: number) => R,
  chunk = 500,
): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i++) {
    if (i % chunk === 0) await pace();
    out.push(fn(items[i], i));
  }
  return out;
}

/**
 * Runs `task` now and then every `everyMs`, in the background of a server: a
 * failure is logged as "`what` failed: …" and the next run tries again; the
 * timer does not keep the process alive. Returns a stopper.
 */
export function repeatInBackground(what: string, task: () => Promise<unknown>, everyMs: number): () => void {
  const run = () => task().catch((e) => console.error(`${what} failed: ${e}`));
  run();
  const timer = setInterval(run, everyMs);
  Deno.unrefTimer(timer);
  return () => clearInterval(timer);
}

/** Values per request of `runAll` to a libSQL server. */
const BATCH_PARAMS = 20_000;

/**
 * Runs write statements, in order, in the caller's transaction with as few
 * round trips as its mode allows. Over a libSQL server (http, or a replica's
 * writer) all of them go in one request, the transaction's batch: the server
 * runs them in order and stops at the first error, which fails the
 * transaction (20 ms a statement on a WAN would otherwise put an import of
 * thousands past the primary's ~5 s transaction limit). On a local file they
 * run one at a time, breathing between them (local statements run on the
 * event loop), as outside `writeTx`.
 */
export async function runAll(tx: Tx | Db, statements: SQLWrapper[]): Promise<void> {
  const mode = transactions.get(tx);
  if (mode === undefined || mode === "file") {
    for (const s of statements) {
      await tx.run(s);
      await pace();
    }
    return;
  }
  // drizzle's own batch() goes to the client, outside the transaction: use the libSQL transaction it wraps.
  const inner = tx as unknown as {
    dialect: { sqlToQuery(s: ReturnType<SQLWrapper["getSQL"]>): { sql: string; params: unknown[] } };
    session: { tx?: Transaction };
  };
  const libsqlTx = inner.session.tx;
  if (!libsqlTx) throw new Error("runAll: no libSQL transaction under this drizzle transaction");
  // Building and encoding thousands of rows is event-loop work too: statements are built one by one
  // with a breath between, and sent in requests of about BATCH_PARAMS values (a few round trips for
  // an import of 5,000, each request's encoding well under the event-loop budget).
  let group: InStatement[] = [];
  let params = 0;
  for (const [i, s] of statements.entries()) {
    const q = inner.dialect.sqlToQuery(s.getSQL());
    group.push({ sql: q.sql, args: q.params as InArgs });
    params += q.params.length;
    if (params >= BATCH_PARAMS || i === statements.length - 1) {
      await libsqlTx.batch(group);
      group = [];
      params = 0;
    }
    await pace();
  }
}
