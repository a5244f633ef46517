/**
 * The memory the serving threads of one process share (server.ts): one
 * `SharedArrayBuffer` of int32 cells, passed to each thread when it starts.
 *
 * - The read cache's marks (db/cache.ts): per tag slot the commit sequence of
 *   its last change, the sequence itself and the count of commits that named
 *   everything. A write committed by one thread is marked before it answers,
 *   so the next request, whichever thread takes it, reads what was written.
 * - The database's cells (db/client.ts `Database`): commits by these threads
 *   (the data version row minus them is other processes' writes), the write
 *   lock (one write transaction at a time in the process, waited for without
 *   blocking a thread's event loop, where SQLite's busy wait would), a counter
 *   that is odd while a write holds the lock, and the checkpointer's fallback.
 *
 * Without threads each module keeps a private copy of the same layout, so
 * the code is one path either way.
 */

/** Tag slots of the read cache (a power of two). */
export const SLOTS = 1 << 16;

/** The cache's cells after its slots: the commit sequence and the everything-commits. */
export const SEQ = SLOTS;
export const EPOCH = SLOTS + 1;
const MARK_CELLS = SLOTS + 2;

/** The database's cells: commits, the write lock, the odd-while-writing counter, the checkpoint fallback. */
export const COMMITS = 0;
export const LOCK = 1;
export const WRITING = 2;
export const FALLBACK = 3;
const DATABASE_CELLS = 4;

/** A new block of memory for the threads of a server process (all cells zero). */
export const threadMemory = (): SharedArrayBuffer => new SharedArrayBuffer((MARK_CELLS + DATABASE_CELLS) * 4);

/** The read cache's cells in `memory` (a private block without it). */
export const markCells = (memory = threadMemory()): Int32Array => new Int32Array(memory, 0, MARK_CELLS);

/** A database's cells in `memory` (a private block without it). */
export const databaseCells = (memory = threadMemory()): Int32Array =>
  new Int32Array(memory, MARK_CELLS * 4, DATABASE_CELLS);

/**
 * Whether commit sequence `a` came after `b`. Sequences are int32 and wrap
 * after 2³¹ commits; compared by their difference, they stay right for any two
 * less than 2³¹ commits apart (a cached value lives a minute at most).
 */
export const after = (a: number, b: number): boolean => ((a - b) | 0) > 0;

/** Takes the lock in cell `at` of `cells`, waiting (asynchronously) while another thread holds it. */
export async function acquire(cells: Int32Array, at: number): Promise<void> {
  while (Atomics.compareExchange(cells, at, 0, 1) !== 0) {
    const wait = Atomics.waitAsync(cells, at, 1);
    if (wait.async) await wait.value;
  }
}

/** Gives back the lock in cell `at` and wakes one waiting thread. */
export function release(cells: Int32Array, at: number): void {
  Atomics.store(cells, at, 0);
  Atomics.notify(cells, at, 1);
}
