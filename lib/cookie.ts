/**
 * Reads one cookie from a `Cookie` request header without parsing the
 * others: every request reads two (the session and the CSRF token), and a
 * full parse with validation costs more than the rest of a cached fragment.
 */

/** The value of cookie `name` in `header` (percent-decoded), or undefined. */
export function cookieValue(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  let at = 0;
  while (at < header.length) {
    let end = header.indexOf(";", at);
    if (end < 0) end = header.length;
    const eq = header.indexOf("=", at);
    if (eq > 0 && eq < end && header.slice(at, eq).trim() === name) {
      let value = header.slice(eq + 1, end).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      if (!value.includes("%")) return value;
      try {
        return decodeURIComponent(value);
      } catch {
        return undefined;
      }
    }
    at = end + 1;
  }
  return undefined;
}
