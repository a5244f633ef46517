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

/** Opens (and migrates) the database at `url` (`file:…` or `libsql://…`). */
export async function openDb(url: string, authToken?: string): Promise<Db> {
  if (url.startsWith("file:")) {
    const dir = url.slice(5).replace(/[^/]*$/, "");
    if (dir) await Deno.mkdir(dir, { recursive: true });
  }
  const client = createClient({ url, authToken });
  if (url.startsWith("file:")) {
    await client.execute("PRAGMA journal_mode=WAL");
    await connectionPragmas(client);
  }
  const db = drizzle(client, { schema, casing: "snake_case" });
  if (url.startsWith("file:")) local.add(db);
  await migrate(db, { migrationsFolder: MIGRATIONS });
  return db;
}

const local = new WeakSet<object>();

/** Per-connection settings (WAL itself is stored in the file). */
async function connectionPragmas(client: Client): Promise<void> {
  for (const p of ["PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=5000"]) {
    await client.execute(p);
  }
}

/** Closes the underlying client. */
export function closeDb(db: Db): void {
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
    if (local.has(db)) await connectionPragmas(db.$client);
    return await db.transaction(fn);
  }).finally(() => commits++);
  tail = run.catch(() => {});
  return run;
}

/** A transaction handle (also accepted wherever a read-only `Db` is). */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * Lets other requests run in the middle of long work (local libSQL is
 * synchronous, so a 5,000-row write would otherwise hold the event loop).
 */
export const breathe = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
