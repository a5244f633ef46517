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

/** The connection's automatic checkpoint threshold (0: off). */
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
