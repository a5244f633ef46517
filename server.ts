/**
 * The server process: it opens the database in the mode the environment
 * names (SPEC §10: DATABASE_URL alone, a file or a libSQL server; with
 * DATABASE_SYNC_URL an embedded replica of that primary), checks that its
 * schema matches this build (migrating is the deploy step `deno task
 * migrate`), and serves from `THREADS` threads (default one per core, at
 * most `MAX_DEFAULT_THREADS`).
 *
 * Each thread is a whole server: its own event loop, database connections,
 * app and caches, on the same port (SO_REUSEPORT: the kernel spreads the
 * connections over them). They share one block of memory (db/threads.ts):
 * the read cache's marks, so a write in one thread drops what it names in
 * all before it is answered, and the write lock, so they take turns at the
 * database without SQLite's busy wait blocking a thread. They share the
 * pages they keep too (middleware/shared_pages.ts). The first thread
 * also checkpoints the log and runs the daily jobs. An embedded replica
 * serves from one thread.
 */
import { createApp } from "./app.ts";
import { openDb, SchemaMismatch } from "./db/client.ts";
import { startNameCatchUp } from "./db/search.ts";
import { startDailySnapshots } from "./db/snapshots.ts";
import { threadMemory } from "./db/threads.ts";
import { SheetThread } from "./lib/sheet_thread.ts";
import { parseTrustProxy } from "./middleware/client.ts";
import { SharedPages, sharedPagesMemory } from "./middleware/shared_pages.ts";

/** What a server is started with: plain values, posted as they are to each thread. */
export interface ServerConfig {
  /** DATABASE_URL: `file:…` or a libSQL server. */
  databaseUrl: string;
  /** DATABASE_AUTH_TOKEN. */
  authToken?: string;
  /** DATABASE_SYNC_URL: the primary an embedded replica at `databaseUrl` follows. */
  syncUrl?: string;
  /** HOST and PORT. */
  hostname: string;
  port: number;
  /** THREADS: serving threads (default one per core, at most 8; 1 for an embedded replica). */
  threads: number;
  /** SECURE_COOKIES=1. */
  secureCookies: boolean;
  /** TRUST_PROXY, as written (see middleware/client.ts). */
  trustProxy?: string;
  /** PUBLIC_URL. */
  publicUrl?: string;
  /** bench:campaign only: the page cache off (false), and each response echoes the request's X-Bench id. */
  bench?: { pageCache: boolean };
}

/**
 * Threads when THREADS is not set: one per core up to this many. Each has its own heap and caches (the
 * read cache alone up to 36 MB), and the database takes one write at a time, so past a few cores more
 * threads add memory sooner than throughput.
 */
export const MAX_DEFAULT_THREADS = 8;

/** The configuration the environment gives (see README, "Running"); throws on a THREADS that is not a count. */
export function configFromEnv(env: { get(key: string): string | undefined } = Deno.env): ServerConfig {
  const syncUrl = env.get("DATABASE_SYNC_URL") || undefined;
  const threads = env.get("THREADS")
    ? Number(env.get("THREADS"))
    : syncUrl
    ? 1
    : Math.min(navigator.hardwareConcurrency, MAX_DEFAULT_THREADS);
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
    throw new Error(`THREADS must be a whole number from 1 to 256 (got ${env.get("THREADS")})`);
  }
  return {
    databaseUrl: env.get("DATABASE_URL") ?? "file:data/app.db",
    authToken: env.get("DATABASE_AUTH_TOKEN"),
    syncUrl,
    hostname: env.get("HOST") ?? "0.0.0.0",
    port: Number(env.get("PORT") ?? 8000),
    threads,
    secureCookies: env.get("SECURE_COOKIES") === "1",
    trustProxy: env.get("TRUST_PROXY"),
    publicUrl: env.get("PUBLIC_URL") || undefined,
  };
}

/** What a thread is started with (thread.ts). */
export interface ThreadStart {
  config: ServerConfig;
  memory: SharedArrayBuffer;
  /** The kept pages the threads share (middleware/shared_pages.ts), when there are several. */
  pages?: SharedArrayBuffer;
  index: number;
}

/**
 * Serves `config` from its threads: this one first (which exits the process
 * if the schema is not this build's), then the others; resolves once all listen.
 */
export async function serveAll(config: ServerConfig): Promise<void> {
  const memory = threadMemory();
  const pages = config.threads > 1 ? sharedPagesMemory() : undefined;
  await serveThread({ config, memory, pages, index: 0 });
  const others = [];
  for (let index = 1; index < config.threads; index++) {
    others.push(startThread({ config, memory, pages, index }));
  }
  await Promise.all(others);
}

/** Starts thread `index` (thread.ts); a thread that fails takes the process down, for its supervisor to restart. */
function startThread(start: ThreadStart): Promise<void> {
  const worker = new Worker(new URL("./thread.ts", import.meta.url), { type: "module" });
  return new Promise((listening) => {
    worker.onmessage = () => listening();
    worker.onerror = (e) => {
      e.preventDefault();
      console.error(`server thread ${start.index} failed: ${e.message}`);
      Deno.exit(1);
    };
    worker.postMessage(start);
  });
}

/** One thread's server: its database connections, app and listener. */
export async function serveThread({ config, memory, pages, index }: ThreadStart): Promise<void> {
  const first = index === 0;
  const database = await openDb(config.databaseUrl, {
    authToken: config.authToken,
    syncUrl: config.syncUrl,
    backgroundCheckpoints: true,
    migrate: false,
    thread: config.threads > 1 ? { memory, first } : undefined,
  });
  if (first) {
    try {
      await database.checkSchema();
    } catch (e) {
      if (!(e instanceof SchemaMismatch)) throw e;
      console.error(e.message);
      await database.close();
      Deno.exit(1);
    }
    // The 通报's daily progress snapshot: taken once per Beijing date by whichever instance gets there first.
    startDailySnapshots(database.db);
    // Moved subtrees whose name index a restart left behind (db/search.ts).
    startNameCatchUp(database.db);
  }
  const app = createApp({
    db: database.db,
    sheets: new SheetThread({ keepReader: true }),
    secureCookies: config.secureCookies,
    trustProxy: parseTrustProxy(config.trustProxy),
    publicUrl: config.publicUrl,
    pageCache: config.bench?.pageCache,
    sharedPages: pages && new SharedPages(pages),
  });
  const bench = async (req: Request) => {
    const id = req.headers.get("X-Bench");
    const res = await app.fetch(req);
    if (id) res.headers.set("X-Bench", id);
    return res;
  };
  await new Promise<void>((listening) => {
    Deno.serve({
      hostname: config.hostname,
      port: config.port,
      reusePort: config.threads > 1,
      onListen({ hostname, port }) {
        if (first && !config.bench) {
          console.log(`Listening on http://${hostname}:${port}/ (${config.threads} threads)`);
        }
        listening();
      },
    }, config.bench ? bench : app.fetch);
  });
}
