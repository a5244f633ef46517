/**
 * Opening the database: a local libSQL file by default, a libSQL server URL
 * in production. Migrations are applied on open.
 */
import { type Client, createClient } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import * as schema from "./schema.ts";

/** The database handle used everywhere. */
export type Db = LibSQLDatabase<typeof schema> & { $client: Client };

const MIGRATIONS = new URL("./migrations", import.meta.url).pathname;

/** How to open the database. */
export interface OpenOptions {
  /** For a libSQL server URL. */
  authToken?: string;
  /**
   * Local files: checkpoint the write-ahead log from a worker thread instead
   * of inside whichever commit grows it past 1,000 pages (the server does;
   * scripts keep SQLite's default). `closeDb` stops the worker.
   */
  backgroundCheckpoints?: boolean;
}

/** Opens (and migrates) the database at `url` (`file:…` or `libsql://…`). */
export async function openDb(url: string, options: OpenOptions = {}): Promise<Db> {
  const file = url.startsWith("file:");
  if (file) {
    const dir = url.slice(5).replace(/[^/]*$/, "");
    if (dir) await Deno.mkdir(dir, { recursive: true });
  }
  const client = createClient({ url, authToken: options.authToken });
  const db = drizzle(client, { schema, casing: "snake_case" });
  if (file) {
    await client.execute("PRAGMA journal_mode=WAL");
    const pragmas = [...PRAGMAS];
    if (options.backgroundCheckpoints) pragmas.push("PRAGMA wal_autocheckpoint=0");
    localPragmas.set(db, pragmas);
    await connectionPragmas(db);
  }
  await migrate(db, { migrationsFolder: MIGRATIONS });
  if (file && options.backgroundCheckpoints) {
    const worker = new Worker(new URL("./checkpoint_worker.ts", import.meta.url).href, { type: "module" });
    worker.onerror = (e) => {
      // Never take the server down for this: fall back to SQLite's own checkpoints from the next write on.
      e.preventDefault();
      console.error(`background checkpoints stopped (${e.message}); SQLite checkpoints on commit again`);
      localPragmas.set(db, [...PRAGMAS, "PRAGMA wal_autocheckpoint=1000"]);
    };
    worker.postMessage({ url, everyMs: 250 });
    workers.set(db, worker);
  }
  return db;
}

/** Per-connection settings (WAL itself is stored in the file); the log is cut back to 64 MB after use. */
const PRAGMAS = [
  "PRAGMA synchronous=NORMAL",
  "PRAGMA foreign_keys=ON",
  "PRAGMA busy_timeout=5000",
  "PRAGMA journal_size_limit=67108864",
];
const localPragmas = new WeakMap<object, string[]>();
const workers = new WeakMap<object, Worker>();

/** Applies the per-connection settings of a local database to its current connection. */
async function connectionPragmas(db: Db): Promise<void> {
  for (const p of localPragmas.get(db) ?? []) await db.$client.execute(p);
}

/** The background checkpointer of `db`, if it has one (tests listen to its messages). */
export const checkpointer = (db: Db): Worker | undefined => workers.get(db);

/** Closes the underlying client and stops its checkpointer. */
export function closeDb(db: Db): void {
  workers.get(db)?.terminate();
  db.$client.close();
}

let tail: Promise<unknown> = Promise.resolve();
let commits = 0;

/** Write transactions committed by this process (part of the read-cache version). */
export const localCommits = (): number => commits;

/**
 * Runs `fn` in a write transaction. Writes are serialised inside the process:
 * local libSQL runs statements synchronously, so two interleaved write
 * transactions would wait on each other's lock while blocking the event loop.
 * Do slow async work (password hashing) before calling this.
 */
export function writeTx<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const run = tail.then(async () => {
    // A local client hands its connection to each transaction and opens a fresh one afterwards,
    // so the per-connection settings are applied to the connection about to become this one.
    await connectionPragmas(db);
    return await db.transaction(fn);
  }).finally(() => commits++);
  tail = run.catch(() => {});
  return run;
}

/** A transaction handle (also accepted wherever a read-only `Db` is). */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

let heldSince = performance.now();

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
