/** Where to go after signing in: only a path on this site. */

const BASE = "http://origin.invalid";

/**
 * `next` as a same-origin path (with query and hash), or undefined. Parsed
 * with URL against a placeholder origin, the way a browser resolves it, so
 * `/\evil.example/`, `/%09/evil.example/` (a tab) and `//evil.example` all
 * resolve off-site and are refused.
 */
export function safeNext(next: unknown): string | undefined {
  if (typeof next !== "string" || !next.startsWith("/") || next.length > 2000) return undefined;
  try {
    const url = new URL(next, BASE);
    if (url.origin !== BASE) return undefined;
    return url.pathname + url.search + url.hash;
  } catch {
    return undefined;
  }
}
