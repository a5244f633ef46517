/**
 * The kept pages the server's threads share (issue 14): each thread keeps
 * its own copies of the pages it answers (middleware/page_cache.ts), and
 * without this every thread built each page again after a write changed it,
 * as many times as there are threads. A page built by one thread is put
 * here too, and another thread that misses it takes the bytes from here
 * instead of building it.
 *
 * One `SharedArrayBuffer`: a ring of page records (the key, the headers, the
 * body) written one after another and overwritten the oldest first, and a
 * table of entries, one per key hash, pointing into it. An entry says where
 * its record is, the commit sequence when the page began to build, when it
 * was built and the slots of its tags (db/cache.ts). A reader copies the
 * record, then checks that no writer changed the entry meanwhile (its
 * counter is odd while written, and moves with every write) and that the
 * ring has not come round over the record; the key stored in the record is
 * compared in full, so two keys on one entry only lose each other's page.
 * Nothing waits: a thread finding an entry being written treats it as a miss.
 */
import { changedSince, fnv1a } from "../db/cache.ts";

/** Entry cells: the write counter, the key's hash, the record's start and length, build sequence and second. */
const COUNTER = 0, HASH = 1, START = 2, LENGTH = 3, FROM = 4, AT = 5, KEY_BYTES = 6, HEAD_BYTES = 7;
/** Then the count of tag slots and the slots. */
const TAG_COUNT = 8, TAGS = 9, MAX_TAGS = 7, ENTRY_CELLS = 16;

/** What a page is kept as: its bytes and the headers that go with them. */
export interface KeptPage {
  body: Uint8Array<ArrayBuffer>;
  headers: Headers;
  bytes: number;
  /** When it was built (`Date.now()`; to the second when another thread built it). */
  builtAt: number;
}

/** Sizes of a store: entries and ring bytes, both powers of two. */
export interface SharedPagesSize {
  entries: number;
  ringBytes: number;
}

/** The default: 16,384 entries and a 32 MB ring (a child list of 100 rows is about 7 KB gzipped). */
export const SHARED_PAGES_SIZE: SharedPagesSize = { entries: 1 << 14, ringBytes: 1 << 25 };

const utf8 = new TextEncoder();
const text = new TextDecoder();

/** A time's second, as int32 (compared by difference, so it may wrap). */
const secondOf = (ms: number) => Math.floor(ms / 1000) | 0;

/** A new block of memory for the shared pages of a server process. */
export function sharedPagesMemory(size = SHARED_PAGES_SIZE): SharedArrayBuffer {
  return new SharedArrayBuffer(4 + size.entries * ENTRY_CELLS * 4 + size.ringBytes);
}

/** Pages kept in `memory`, which the server's threads share (each thread makes its own object over it). */
export class SharedPages {
  /** The ring's head (bytes ever reserved, as int32), then the entries' cells. */
  #cells: Int32Array;
  #ring: Uint8Array;
  #entries: number;
  #ringBytes: number;

  constructor(memory: SharedArrayBuffer, size = SHARED_PAGES_SIZE) {
    this.#entries = size.entries;
    this.#ringBytes = size.ringBytes;
    this.#cells = new Int32Array(memory, 0, 1 + size.entries * ENTRY_CELLS);
    this.#ring = new Uint8Array(memory, this.#cells.byteLength, size.ringBytes);
  }

  #entryOf(hash: number): number {
    return 1 + (hash & (this.#entries - 1)) * ENTRY_CELLS;
  }

  /**
   * The page kept under `key` at `version`, if none of its tags changed since it began to build and it
   * is at most `maxAgeMs` old; null otherwise (another key on its entry, an entry being written, a record
   * the ring has come round over).
   */
  get(version: string, key: string, maxAgeMs: number): KeptPage | null {
    const full = `${version}\n${key}`;
    const hash = fnv1a(full);
    const e = this.#entryOf(hash);
    const cells = this.#cells;
    const counter = Atomics.load(cells, e + COUNTER);
    if (counter % 2 !== 0 || Atomics.load(cells, e + HASH) !== hash) return null;
    const start = Atomics.load(cells, e + START);
    const length = Atomics.load(cells, e + LENGTH);
    const from = Atomics.load(cells, e + FROM);
    const at = Atomics.load(cells, e + AT);
    const keyBytes = Atomics.load(cells, e + KEY_BYTES);
    const headBytes = Atomics.load(cells, e + HEAD_BYTES);
    const tagCount = Atomics.load(cells, e + TAG_COUNT);
    const slots: number[] = [];
    for (let i = 0; i < tagCount; i++) slots.push(Atomics.load(cells, e + TAGS + i));
    const age = (secondOf(Date.now()) - at | 0) * 1000;
    if (age > maxAgeMs || changedSince(slots, from)) return null;
    const at0 = (start >>> 0) & (this.#ringBytes - 1);
    const record = this.#ring.slice(at0, at0 + length);
    // The copy holds if the entry was not written meanwhile and no reservation reached the record's bytes.
    if (
      Atomics.load(cells, e + COUNTER) !== counter ||
      (Atomics.load(cells, 0) - start | 0) > this.#ringBytes
    ) return null;
    if (text.decode(record.subarray(0, keyBytes)) !== full) return null;
    const lines = text.decode(record.subarray(keyBytes, keyBytes + headBytes)).split("\n");
    const headers = new Headers();
    for (let i = 0; i + 1 < lines.length; i += 2) headers.append(lines[i], lines[i + 1]);
    return {
      body: record.subarray(keyBytes + headBytes),
      headers,
      bytes: length + 512,
      builtAt: Date.now() - age,
    };
  }

  /**
   * Keeps `page` under `key` at `version`, tagged with these tag slots (db/cache.ts `slotOf`), built from
   * commit sequence `from` on. Skipped when another thread is writing the same entry, when it has more
   * tags than an entry holds or is larger than an eighth of the ring.
   */
  put(version: string, key: string, page: KeptPage, slots: number[], from: number): void {
    const full = `${version}\n${key}`;
    const keyBytes = utf8.encode(full);
    let head = "";
    for (const [name, value] of page.headers) head += `${name}\n${value}\n`;
    const headBytes = utf8.encode(head);
    const length = keyBytes.length + headBytes.length + page.body.length;
    if (slots.length > MAX_TAGS || length > this.#ringBytes >> 3) return;
    const cells = this.#cells;
    const hash = fnv1a(full);
    const e = this.#entryOf(hash);
    const counter = Atomics.load(cells, e + COUNTER);
    if (
      counter % 2 !== 0 || Atomics.compareExchange(cells, e + COUNTER, counter, counter + 1 | 0) !== counter
    ) {
      return;
    }
    try {
      // Reserve the record's bytes; one that would run past the ring's end starts at its beginning.
      let start: number;
      for (;;) {
        const reserved = Atomics.load(cells, 0);
        const at = (reserved >>> 0) & (this.#ringBytes - 1);
        const skip = at + length > this.#ringBytes ? this.#ringBytes - at : 0;
        start = reserved + skip | 0;
        if (Atomics.compareExchange(cells, 0, reserved, start + length | 0) === reserved) break;
      }
      const at = (start >>> 0) & (this.#ringBytes - 1);
      this.#ring.set(keyBytes, at);
      this.#ring.set(headBytes, at + keyBytes.length);
      this.#ring.set(page.body, at + keyBytes.length + headBytes.length);
      Atomics.store(cells, e + HASH, hash);
      Atomics.store(cells, e + START, start);
      Atomics.store(cells, e + LENGTH, length);
      Atomics.store(cells, e + FROM, from);
      Atomics.store(cells, e + AT, secondOf(page.builtAt));
      Atomics.store(cells, e + KEY_BYTES, keyBytes.length);
      Atomics.store(cells, e + HEAD_BYTES, headBytes.length);
      Atomics.store(cells, e + TAG_COUNT, slots.length);
      slots.forEach((slot, i) => Atomics.store(cells, e + TAGS + i, slot));
    } finally {
      Atomics.store(cells, e + COUNTER, counter + 2 | 0);
    }
  }
}
