/**
 * Attempt budgets kept in the `throttles` table. An attempt is reserved
 * before the work it guards (hashing a password, looking up a code) with one
 * `INSERT … ON CONFLICT DO UPDATE … RETURNING`, so parallel attempts cannot
 * all pass before the first failure is recorded; plain SQL, so it works on a
 * local file and over a libSQL server alike.
 */
import { eq, lt, sql } from "drizzle-orm";
import type { Budget } from "../lib/throttle.ts";
import { type Db, writeTx } from "./client.ts";
import { throttles } from "./schema.ts";

/** The outcome of a reservation: allowed, or the seconds to wait. */
export type Reservation = { ok: true } | { ok: false; wait: number };

let reservations = 0;

/** Reserves one attempt of `budget` under `key` at `now` (ms). */
export async function reserve(db: Db, key: string, budget: Budget, now: number): Promise<Reservation> {
  const { limit, windowMs, delayMs } = budget;
  const expired = now - windowMs;
  const row = await writeTx(db, async (tx) => {
    if (++reservations % 500 === 0) {
      await tx.delete(throttles).where(lt(throttles.windowStart, now - 86400_000));
    }
    const [r] = await tx.all<{ hits: number; window_start: number; next_at: number; granted: number }>(sql`
      INSERT INTO throttles (key, hits, window_start, next_at, granted)
      VALUES (${key}, 1, ${now}, ${limit === 1 && delayMs > 0 ? now + delayMs : 0}, 1)
      ON CONFLICT (key) DO UPDATE SET
        hits = CASE WHEN window_start <= ${expired} THEN 1 ELSE hits + 1 END,
        window_start = CASE WHEN window_start <= ${expired} THEN ${now} ELSE window_start END,
        granted = CASE
          WHEN window_start <= ${expired} OR hits + 1 <= ${limit} THEN 1
          WHEN ${delayMs} > 0 AND next_at <= ${now} THEN 1
          ELSE 0 END,
        next_at = CASE
          WHEN window_start <= ${expired} THEN 0
          WHEN hits + 1 < ${limit} THEN next_at
          WHEN hits + 1 = ${limit} THEN ${delayMs > 0 ? now + delayMs : 0}
          WHEN ${delayMs} > 0 AND next_at <= ${now} THEN ${now + delayMs}
          ELSE next_at END
      RETURNING hits, window_start, next_at, granted`);
    return r;
  });
  if (row.granted) return { ok: true };
  const until = delayMs > 0
    ? Math.min(row.next_at, row.window_start + windowMs)
    : row.window_start + windowMs;
  return { ok: false, wait: Math.max(1, Math.ceil((until - now) / 1000)) };
}

/** Gives back one reserved attempt (it turned out not to be a guess). */
export async function refund(db: Db, key: string): Promise<void> {
  await writeTx(db, (tx) => tx.run(sql`UPDATE throttles SET hits = max(hits - 1, 0) WHERE key = ${key}`));
}

/** Forgets a key (after a success). */
export async function clearBudget(db: Db, key: string): Promise<void> {
  await writeTx(db, (tx) => tx.delete(throttles).where(eq(throttles.key, key)));
}
