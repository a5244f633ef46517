/**
 * Who is asking, for the attempt budgets (db/throttle.ts).
 *
 * The address is the socket's, unless the socket is a reverse proxy named in
 * `TRUST_PROXY` (comma-separated addresses): then the last address that proxy
 * appended to `X-Forwarded-For`. A forwarded header from anyone else is
 * ignored, since a client could write any address into it.
 */
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { getConnInfo } from "hono/deno";
import type { AppEnv } from "./env.ts";

/** The proxies named by a `TRUST_PROXY` value. */
export const parseTrustProxy = (value: string | undefined): string[] =>
  (value ?? "").split(",").map((s) => s.trim()).filter(Boolean);

function socketAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? "local";
  } catch {
    return "local"; // served in-process (tests)
  }
}

/** The client's address: the socket's, or the trusted proxy's forwarded one. */
export function clientAddress(c: Context<AppEnv>): string {
  const socket = socketAddress(c);
  if (!c.get("trustProxy")?.includes(socket)) return socket;
  const forwarded = c.req.header("X-Forwarded-For")?.split(",").map((s) => s.trim()).filter(Boolean);
  return forwarded?.at(-1)?.slice(0, 64) ?? socket;
}

/**
 * One client: its address and its browser (the CSRF cookie it was given).
 * Behind a county or campus NAT many people share an address; keyed by
 * address alone, one person's typos would refuse everyone. Dropping the
 * cookie makes a new client, so the per-account budget is what stops guessing.
 */
export function clientKey(c: Context<AppEnv>): string {
  return `${clientAddress(c)}|${(getCookie(c, "csrf") ?? "-").slice(0, 40)}`;
}
