/**
 * In-process attempt limiter (fixed window per key), for sign-in, code and
 * reset-code guessing. Only failures are counted; success clears the key.
 */
export class Throttle {
  #hits = new Map<string, { start: number; count: number }>();

  /** At most `limit` failures per `windowMs` for one key. */
  constructor(readonly limit: number, readonly windowMs: number) {}

  /** Seconds to wait before the next attempt, or 0 when allowed. */
  retryAfter(key: string, now: number): number {
    const h = this.#hits.get(key);
    if (!h || now - h.start >= this.windowMs) return 0;
    return h.count >= this.limit ? Math.ceil((h.start + this.windowMs - now) / 1000) : 0;
  }

  /** Records a failure. */
  fail(key: string, now: number): void {
    const h = this.#hits.get(key);
    if (!h || now - h.start >= this.windowMs) {
      this.#hits.set(key, { start: now, count: 1 });
    } else h.count++;
    if (this.#hits.size > 100_000) this.#sweep(now);
  }

  /** Forgets a key (after a success). */
  clear(key: string): void {
    this.#hits.delete(key);
  }

  #sweep(now: number) {
    for (const [k, h] of this.#hits) {
      if (now - h.start >= this.windowMs) this.#hits.delete(k);
    }
  }
}

/** Human wording of a wait. */
export function waitText(seconds: number): string {
  return seconds >= 60 ? `${Math.ceil(seconds / 60)} 分钟` : `${seconds} 秒`;
}
