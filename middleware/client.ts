/** The client's network address, for throttling. */
import type { Context } from "hono";
import { getConnInfo } from "hono/deno";

/** Remote address of the request ("local" when served in-process, e.g. tests). */
export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? "local";
  } catch {
    return "local";
  }
}
