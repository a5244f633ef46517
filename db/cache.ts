/**
 * The read cache (issue 14, item 3): values kept until a write changes what
 * they show, not until any write.
 *
 * Local writes name what they change (db/changes.ts); when one commits,
 * `noteCommit` marks its tags. A cached value names its tags too (an org, an
 * account, a session) and is valid while none of them was marked after it
 * began to load. A write that names nothing, or `everything`, drops the whole
 * cache, as does a write by another process or instance: the data version
 * row moves by one per write everywhere, so `row − own commits` moves only
 * with others' writes (sampled; see `Database.othersVersion`).
 *
 * Tags are hashed into a fixed table of 65,536 slots holding the commit
 * sequence of their last change: memory stays bounded however many orgs are
 * written, and a collision only drops a value early. The table is shared by
 * the server's threads (db/threads.ts), so a write in one thread drops what
 * it names in all of them before it is answered.
 */
import { databaseOf, type Db } from "./client.ts";
import type { Changes } from "./changes.ts";
import type { Conn } from "./orgs.ts";
import { after, EPOCH, markCells, SEQ, SLOTS } from "./threads.ts";

/**
 * Per slot the sequence of the last commit that named a tag hashed to it, then the commit sequence and the
 * count of commits that named everything: this thread's own, or those the server's threads share.
 */
let marks = markCells();

/** Shares the marks of the server's threads (db/threads.ts): called once, as a thread opens its database. */
export function shareMarks(memory: SharedArrayBuffer): void {
  marks = markCells(memory);
}

/** FNV-1a of a string, as int32 (tag slots here, page entries in middleware/shared_pages.ts). */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0;
}

/** A tag's slot index: its FNV-1a, masked. */
export const slotOf = (tag: string): number => fnv1a(tag) & (SLOTS - 1);

/**
 * Called by `Database.writeTx` after a commit with what the transaction recorded, while it holds the
 * write lock (so one at a time). The tags are marked before the sequence moves on: a value whose load began
 * at the new sequence may trust a value kept before it (middleware/shared_pages.ts) once it finds none of
 * that value's tags marked.
 */
export function noteCommit(changes: Changes): void {
  const seq = Atomics.load(marks, SEQ) + 1 | 0;
  if (changes.everything) Atomics.add(marks, EPOCH, 1);
  else for (const tag of changes.tags) Atomics.store(marks, slotOf(tag), seq);
  Atomics.store(marks, SEQ, seq);
}

/** The sequence of the last commit noted (by any of the server's threads). */
export const commitSequence = (): number => Atomics.load(marks, SEQ);

/** Whether a tag slot among `slots` was marked after commit sequence `from`. */
export function changedSince(slots: readonly number[], from: number): boolean {
  for (const s of slots) if (after(Atomics.load(marks, s), from)) return true;
  return false;
}

/**
 * The cache version: commits that named everything, and others' writes
 * (another process's or instance's write shows within `everyMs` plus sync).
 */
export async function dataVersion(db: Db, everyMs = 50): Promise<string> {
  return `${Atomics.load(marks, EPOCH)}.${await databaseOf(db).othersVersion(everyMs)}`;
}

interface Entry {
  value: unknown;
  bytes: number;
  slots: number[];
  /** The commit sequence when the value began to load. */
  from: number;
  at: number;
  /** The cache's count of placements when the entry was last put at the recent end. */
  placed: number;
}

/** Whether a kept entry still holds: none of its tags marked since it began to load, and young enough. */
function holds(e: Entry, maxAgeMs: number | undefined): boolean {
  return !changedSince(e.slots, e.from) && (maxAgeMs === undefined || performance.now() - e.at <= maxAgeMs);
}

/** How a value is kept. */
export interface CacheOptions<V> {
  /** Its size in bytes (default about 1 KB: a session or an org row). */
  weigh?: (value: V) => number;
  /** What it shows (db/changes.ts tags); without tags, it lasts until the version changes. */
  tags?: (value: V) => string[];
  /** At most this old (a page whose flags depend on the clock). */
  maxAgeMs?: number;
  /** How old a loaded value already is, in ms (one another thread built: middleware/shared_pages.ts). */
  ageOf?: (value: V) => number;
  /** Whether to keep a loaded value (default: always). */
  keep?: (value: V) => boolean;
}

/**
 * Values valid for one data version and while their tags are unchanged, the least recently used dropped
 * first (an entry used again is moved to the recent end once it has fallen into the older half).
 */
export class VersionedCache {
  #map = new Map<string, Entry>();
  #version = "";
  #bytes = 0;
  #placed = 0;

  /** At most about `maxBytes` of values (by the sizes `weigh` gives). */
  constructor(readonly maxBytes = 32 * 1024 * 1024) {}

  /** Bytes held now (as weighed). */
  get bytes(): number {
    return this.#bytes;
  }

  /** The cached value of `key` at `version`, computing it on a miss (from commit sequence `from` on). */
  async get<V>(
    version: string,
    key: string,
    load: (from: number) => Promise<V>,
    how: CacheOptions<V> | ((value: V) => number) = {},
  ): Promise<V> {
    const options = typeof how === "function" ? { weigh: how } : how;
    if (version !== this.#version) {
      this.#map.clear();
      this.#bytes = 0;
      this.#version = version;
    }
    const hit = this.#map.get(key);
    if (hit) {
      if (holds(hit, options.maxAgeMs)) {
        // Most recently used last (Map keeps insertion order, the oldest go first). An entry placed among the
        // newer half stays where it is: moving it on every hit was a delete and an insert of a long key.
        if (this.#placed - hit.placed > this.#map.size >> 1) {
          this.#map.delete(key);
          this.#map.set(key, hit);
          hit.placed = ++this.#placed;
        }
        return hit.value as V;
      }
      this.#map.delete(key);
      this.#bytes -= hit.bytes;
    }
    const from = commitSequence();
    const value = await load(from);
    if (version === this.#version && !this.#map.has(key) && (options.keep?.(value) ?? true)) {
      const bytes = options.weigh?.(value) ?? 1024;
      const slots = (options.tags?.(value) ?? []).map(slotOf);
      const at = performance.now() - (options.ageOf?.(value) ?? 0);
      this.#map.set(key, { value, bytes, slots, from, at, placed: ++this.#placed });
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

const aggregates = new WeakMap<object, VersionedCache>();

/**
 * A value read from `db` (the read handle of an open database) and kept
 * until a write names one of `tags` or another instance writes: for
 * aggregates over an org's direct children that several pages and viewers
 * share (a 团委 of 5,000 团支部 sums 5,000 rows; every write to one of them
 * names the parent, db/changes.ts). Inside a transaction it is just read.
 */
export async function kept<V>(db: Conn, key: string, tags: string[], load: () => Promise<V>): Promise<V> {
  let database: ReturnType<typeof databaseOf>;
  try {
    database = databaseOf(db as Db);
  } catch {
    return await load(); // a transaction reads its own writes
  }
  let cache = aggregates.get(database);
  if (!cache) aggregates.set(database, cache = new VersionedCache(4 * 1024 * 1024));
  return await cache.get(await dataVersion(database.db), key, load, { tags: () => tags, weigh: () => 256 });
}
