/**
 * Signing in (after a password check or a registration): a new session with
 * its own CSRF token, and the end of the session this browser had before.
 */
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { createSession, deleteSession } from "../db/accounts.ts";
import { type Tx, writeTx } from "../db/client.ts";
import { generateSecret } from "../lib/codes.ts";
import type { AppEnv } from "./env.ts";
import { rotateCsrf } from "./csrf.ts";
import { SESSION_COOKIE, setSessionCookie } from "./session.ts";

/**
 * Creates a session for `accountId` acting for `orgId` (inside `tx` when
 * given), sets the cookies, and ends the browser's previous session.
 */
export async function signIn(c: Context<AppEnv>, accountId: number, orgId: number, tx?: Tx): Promise<void> {
  const secret = generateSecret();
  const token = generateSecret(24);
  const previous = getCookie(c, SESSION_COOKIE);
  const write = async (tx: Tx) => {
    if (previous) await deleteSession(tx, previous);
    await createSession(tx, accountId, orgId, secret, c.get("now")(), token);
  };
  if (tx) await write(tx);
  else await writeTx(c.get("db"), write);
  setSessionCookie(c, secret, c.get("secure"));
  rotateCsrf(c, token);
}
