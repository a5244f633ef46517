/**
 * A read cache that is dropped whenever the database changes: this
 * process's own write transactions are counted by `writeTx`, and SQLite's
 * `PRAGMA data_version` (one 25 µs query per request) moves when another
 * process commits. Reads stay coherent; nothing is cached across a write.
 */
import { type Db, localCommits } from "./client.ts";

/** The cache version: this process's commits and the database's change counter. */
export async function dataVersion(db: Db): Promise<string> {
  const res = await db.$client.execute("PRAGMA data_version");
  return `${localCommits()}.${res.rows[0][0]}`;
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
