/**
 * Worker entry: checkpoints a local database's write-ahead log on its own
 * connection and thread. SQLite otherwise checkpoints inside the commit that
 * grows the log past 1,000 pages, and on a 5 GB file that copy and fsync
 * held a request's event loop for 35 ms after a 5,000-row import.
 *
 * Started with `{ url, everyMs }`; posts `{ frames }` after each checkpoint
 * that copied something.
 */
/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
import { createClient } from "@libsql/client";

self.onmessage = async (e: MessageEvent<{ url: string; everyMs: number }>) => {
  const client = createClient({ url: e.data.url });
  let copied = 0;
  while (true) {
    try {
      // PASSIVE: copies what no reader still needs, never waits for or blocks readers and writers.
      const res = await client.execute("PRAGMA wal_checkpoint(PASSIVE)");
      const log = Number(res.rows[0][1]), done = Number(res.rows[0][2]);
      if (done > 0 && done !== copied) self.postMessage({ frames: done });
      copied = log === done ? 0 : done; // a fully copied log restarts from frame 0 with the next write
    } catch {
      // Busy or locked: try again next time.
    }
    await new Promise((r) => setTimeout(r, e.data.everyMs));
  }
};
