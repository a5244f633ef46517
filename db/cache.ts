/**
 * A read cache that is dropped whenever the database changes: this
 * process's own write transactions are counted by `writeTx`, and SQLite's
 * `PRAGMA data_version` (a 25 µs query, sampled) moves when another
 * process commits. Nothing is cached across a write of this process.
 */
import { type Db, localCommits } from "./client.ts";

let sampled = { at: -Infinity, value: "" };

/**
 * The cache version: this process's commits (exact) and the database's
 * change counter, which other processes move; that one is sampled at most
 * every `everyMs`, so another process's write shows within 50 ms.
 */
export async function dataVersion(db: Db, everyMs = 50): Promise<string> {
  const now = performance.now();
  if (now - sampled.at >= everyMs) {
    const res = await db.$client.execute("PRAGMA data_version");
    sampled = { at: now, value: String(res.rows[0][0]) };
  }
  return `${localCommits()}.${sampled.value}`;
}

/** Values valid for one data version; bounded in size. */
export class VersionedCache {
  #map = new Map<string, unknown>();
  #version = "";

  /** At most `max` entries (then it starts over). */
  constructor(readonly max = 20_000) {}

  /** The cached value of `key` at `version`, computing it on a miss. */
  async get<V>(version: string, key: string, load: () => Promise<V>): Promise<V> {
    if (version !== this.#version) {
      this.#map.clear();
      this.#version = version;
    }
    if (this.#map.has(key)) return this.#map.get(key) as V;
    const value = await load();
    if (version === this.#version) {
      if (this.#map.size >= this.max) this.#map.clear();
      this.#map.set(key, value);
    }
    return value;
  }
}
