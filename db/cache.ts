/**
 * A read cache that is dropped whenever the database changes: the version
 * is the `Database`'s own commit count and its data version row, which
 * every write transaction of every instance bumps (sampled; see
 * `Database.version`). Nothing is cached across a write of this process.
 */
import { databaseOf, type Db } from "./client.ts";

/** The cache version of `db`'s database (another instance's write shows within `everyMs` plus sync). */
export function dataVersion(db: Db, everyMs = 50): Promise<string> {
  return databaseOf(db).version(everyMs);
}

/** Values valid for one data version, least recently used dropped first beyond a byte budget. */
export class VersionedCache {
  #map = new Map<string, { value: unknown; bytes: number }>();
  #version = "";
  #bytes = 0;

  /** At most about `maxBytes` of values (by the sizes given to `get`). */
  constructor(readonly maxBytes = 32 * 1024 * 1024) {}

  /** Bytes held now (as weighed). */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * The cached value of `key` at `version`, computing it on a miss. `weigh`
   * tells a new value's size in bytes (a session or an org row: about 1 KB).
   */
  async get<V>(
    version: string,
    key: string,
    load: () => Promise<V>,
    weigh: (value: V) => number = () => 1024,
  ): Promise<V> {
    if (version !== this.#version) {
      this.#map.clear();
      this.#bytes = 0;
      this.#version = version;
    }
    const hit = this.#map.get(key);
    if (hit) {
      // Most recently used last: Map keeps insertion order.
      this.#map.delete(key);
      this.#map.set(key, hit);
      return hit.value as V;
    }
    const value = await load();
    if (version === this.#version && !this.#map.has(key)) {
      const bytes = weigh(value);
      this.#map.set(key, { value, bytes });
      this.#bytes += bytes;
      for (const [oldest, entry] of this.#map) {
        if (this.#bytes <= this.maxBytes) break;
        this.#map.delete(oldest);
        this.#bytes -= entry.bytes;
      }
    }
    return value;
  }
}
