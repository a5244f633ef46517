/** The server's write-ahead log is checkpointed by a worker, not inside a request's commit. */
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import {
  checkpointer,
  closeDb,
  databaseOf,
  type Db,
  openDb,
  type OpenOptions,
  writeTx,
} from "../db/client.ts";

/** A database in a fresh temporary file, closed and removed after `fn`. */
async function withDb(options: OpenOptions, fn: (db: Db, file: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "zhtj-ckpt-" });
  const db = (await openDb(`file:${dir}/t.db`, options)).db;
  try {
    await fn(db, `${dir}/t.db`);
  } finally {
    closeDb(db);
    await Deno.remove(dir, { recursive: true });
  }
}

/** The automatic checkpoint threshold of the connection that commits the writes (db/client.ts `writer`). */
const autoCheckpoint = async (db: Db) =>
  (await databaseOf(db).writer.$client.execute("PRAGMA wal_autocheckpoint")).rows[0][0];

Deno.test("background checkpoints: commits leave the log to the worker, which copies it into the file", () =>
  withDb({ backgroundCheckpoints: true }, async (db, file) => {
    const copied: number[] = [];
    checkpointer(db)!.onmessage = (e: MessageEvent<{ frames: number }>) => copied.push(e.data.frames);
    await db.run(sql`CREATE TABLE filler (x BLOB)`);
    const before = (await Deno.stat(file)).size;
    // About 8 MB in one transaction: twice SQLite's automatic checkpoint threshold.
    await writeTx(
      db,
      (tx) =>
        tx.run(sql`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
        INSERT INTO filler SELECT randomblob(4000) FROM n`),
    );
    assert.equal(await autoCheckpoint(db), 0, "the connection after a write transaction keeps the setting");
    // A bound, not a timing: the worker starts and checkpoints every 250 ms, far slower on a loaded machine.
    const deadline = Date.now() + 60_000;
    while (!copied.some((f) => f >= 2000) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.ok(copied.some((f) => f >= 2000), `worker copied ${copied.join(", ") || "nothing"}`);
    assert.ok(
      (await Deno.stat(file)).size >= before + 8_000_000,
      "the pages are in the database file",
    );
    const [{ n }] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM filler`);
    assert.equal(n, 2000);
  }));

Deno.test("without the option, scripts keep SQLite's automatic checkpoints", () =>
  withDb({}, async (db) => {
    assert.equal(checkpointer(db), undefined);
    assert.equal(await autoCheckpoint(db), 1000);
  }));

Deno.test("a checkpointer that fails hands checkpoints back to SQLite instead of stopping the server", () =>
  withDb({ backgroundCheckpoints: true }, async (db) => {
    const logged: string[] = [];
    const error = console.error;
    console.error = (...args: unknown[]) => void logged.push(args.join(" "));
    try {
      assert.equal(await autoCheckpoint(db), 0);
      const event = new ErrorEvent("error", { message: "boom", cancelable: true });
      checkpointer(db)!.dispatchEvent(event);
      assert.ok(event.defaultPrevented, "the error is handled, not rethrown");
      assert.match(logged.join("\n"), /background checkpoints stopped \(boom\)/);
      await writeTx(db, (tx) => tx.run(sql`CREATE TABLE t (x)`));
      assert.equal(await autoCheckpoint(db), 1000);
    } finally {
      console.error = error;
    }
  }));

Deno.test("writes with no pause between them: a log past the limit is made to start over", () =>
  withDb({ backgroundCheckpoints: true, restartLogAt: 1000 }, async (db, file) => {
    const restarts: number[] = [];
    checkpointer(db)!.onmessage = (e: MessageEvent<{ restarted?: number }>) => {
      if (e.data.restarted !== undefined) restarts.push(e.data.restarted);
    };
    await db.run(sql`CREATE TABLE filler (x BLOB)`);
    // A page and more a transaction, one after the other. The worker's passive checkpoints copy the
    // log but never start it over: that takes a write beginning when every frame is copied.
    let writes = 0;
    const deadline = Date.now() + 60_000;
    while (restarts.length < 3 && Date.now() < deadline) {
      await writeTx(db, (tx) => tx.run(sql`INSERT INTO filler VALUES (randomblob(3000))`));
      // The worker's messages arrive on a timer turn, which a write alone never gives.
      if (++writes % 100 === 0) await new Promise((r) => setTimeout(r, 0));
    }
    const walBytes = (await Deno.stat(`${file}-wal`)).size;
    assert.ok(restarts.length >= 3, `no restart after ${writes} writes, log file ${walBytes} bytes`);
    assert.ok(restarts.every((pages) => pages >= 1000), `restarted at ${restarts.join(", ")} pages`);
    // At most 100 writes came between the last restart and its message, then this one.
    await writeTx(db, (tx) => tx.run(sql`INSERT INTO filler VALUES (randomblob(3000))`));
    const logPages =
      (await databaseOf(db).writer.$client.execute("PRAGMA wal_checkpoint(PASSIVE)")).rows[0][1];
    assert.ok(Number(logPages) < 1000, `the log holds ${logPages} pages: it started over`);
    const [{ n }] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM filler`);
    assert.equal(n, writes + 1, "every write is kept");
  }));
