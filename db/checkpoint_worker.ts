/**
 * Worker entry: checkpoints a local database's write-ahead log on its own
 * connection and thread. SQLite otherwise checkpoints inside the commit that
 * grows the log past 1,000 pages, and on a 5 GB file that copy and fsync
 * held a request's event loop for 35 ms after a 5,000-row import.
 *
 * Started with `{ url, everyMs, restartFrames }`; posts `{ frames }` after
 * each checkpoint that copied something, and `{ restarted: frames }` when it
 * made the log start over.
 */
/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
import { createClient } from "@libsql/client";

/** What the worker is started with. */
export interface CheckpointStart {
  /** The database file's URL. */
  url: string;
  /** Pause between two checkpoints. */
  everyMs: number;
  /** A log this long (in pages) is made to start over, even while writes keep coming. */
  restartFrames: number;
}

self.onmessage = async (e: MessageEvent<CheckpointStart>) => {
  const { url, everyMs, restartFrames } = e.data;
  const client = createClient({ url });
  // RESTART never waits for the writer or the log's readers: it takes a free moment or tries again.
  await client.execute("PRAGMA busy_timeout=0");
  let copied = 0;
  while (true) {
    try {
      // PASSIVE: copies what no reader still needs, never waits for or blocks readers and writers.
      const res = await client.execute("PRAGMA wal_checkpoint(PASSIVE)");
      const log = Number(res.rows[0][1]), done = Number(res.rows[0][2]);
      if (done > 0 && done !== copied) self.postMessage({ frames: done });
      copied = log === done ? 0 : done; // a fully copied log restarts from frame 0 with the next write
      // That moment never comes while writes follow each other with no pause (the log grew by 40 MB a
      // second in a loop of creates). Past the limit, RESTART takes the write lock, copies what is left
      // and resets the log so the next write starts it over (and cuts the file back to 64 MB). It holds
      // writes (not reads) back for its fsyncs, 30-55 ms here, so PASSIVE first copies all but a few
      // frames without holding anything back.
      for (let tries = 0; log >= restartFrames && tries < 50; tries++) {
        const left = await client.execute("PRAGMA wal_checkpoint(PASSIVE)");
        if (Number(left.rows[0][1]) - Number(left.rows[0][2]) > 64) continue;
        const restart = await client.execute("PRAGMA wal_checkpoint(RESTART)");
        if (Number(restart.rows[0][0]) === 0) {
          self.postMessage({ restarted: Number(restart.rows[0][1]) });
          copied = 0;
          break;
        }
        await new Promise((r) => setTimeout(r, 5)); // a write or a reader was in the way
      }
    } catch {
      // Busy or locked: try again next time.
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
};
