/**
 * Writes with no pause between them, the server's way (background
 * checkpoints): `deno task bench:wal-flood [seconds]`.
 *
 * Runs the same loop of one-row write transactions (3,000-byte rows, a timer
 * turn every 100 writes) for `seconds` (default 8) twice, each on a fresh
 * temp database: with the checkpointer's RESTART at the default 16,384 pages
 * (db/checkpoint_worker.ts) and with it pushed out of reach, the way it was
 * before. Prints writes, p50/p99/p999/max write time, writes over 20 ms, the
 * log's restarts and the log file's size at the end, side by side.
 */
import { sql } from "drizzle-orm";
import { checkpointer, closeDb, openDb, writeTx } from "../db/client.ts";

const seconds = Number(Deno.args[0] ?? 8);

/** One loop on a fresh database; `restartLogAt` as in db/client.ts OpenOptions. */
async function flood(restartLogAt: number) {
  const dir = await Deno.makeTempDir({ prefix: "zhtj-wal-flood-" });
  const { db } = await openDb(`file:${dir}/t.db`, { backgroundCheckpoints: true, restartLogAt });
  let restarts = 0;
  checkpointer(db)!.onmessage = (e: MessageEvent<{ restarted?: number }>) => {
    if (e.data.restarted !== undefined) restarts++;
  };
  await db.run(sql`CREATE TABLE filler (x BLOB)`);
  const ms: number[] = [];
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    const t = performance.now();
    await writeTx(db, (tx) => tx.run(sql`INSERT INTO filler VALUES (randomblob(3000))`));
    ms.push(performance.now() - t);
    // The worker's messages arrive on a timer turn, which a write alone never gives.
    if (ms.length % 100 === 0) await new Promise((r) => setTimeout(r, 0));
  }
  const logBytes = (await Deno.stat(`${dir}/t.db-wal`)).size;
  closeDb(db);
  await Deno.remove(dir, { recursive: true });
  ms.sort((a, b) => a - b);
  const q = (p: number) => ms[Math.floor(p * (ms.length - 1))].toFixed(2);
  return {
    writes: ms.length,
    p50: q(0.5),
    p99: q(0.99),
    p999: q(0.999),
    max: q(1),
    "over 20 ms": ms.filter((x) => x > 20).length,
    restarts,
    "log MB": (logBytes / 2 ** 20).toFixed(0),
  };
}

console.log(`one-row writes with no pause, ${seconds} s each (ms)`);
console.table({
  "restart at 16,384 pages": await flood(16_384),
  "never restarted": await flood(Number.MAX_SAFE_INTEGER),
});
