/**
 * Loads the signed-in admin from the `sid` cookie (HttpOnly, SameSite=Lax;
 * the table stores only its SHA-256) into `session` and `viewer`.
 */
import { createMiddleware } from "hono/factory";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Context } from "hono";
import { loadSession, SESSION_DAYS } from "../db/accounts.ts";
import { orgAdmins } from "../db/schema.ts";
import { count, eq } from "drizzle-orm";
import type { AppEnv } from "./env.ts";

/** Name of the session cookie. */
export const SESSION_COOKIE = "sid";

/** Sets the session cookie. */
export function setSessionCookie(
  c: Context,
  secret: string,
  secure = false,
): void {
  setCookie(c, SESSION_COOKIE, secret, {
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    secure,
    maxAge: SESSION_DAYS * 86400,
  });
}

/** Clears the session cookie. */
export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
}

/** The session middleware. */
export const session = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    c.set("session", null);
    c.set("viewer", null);
    const secret = getCookie(c, SESSION_COOKIE);
    if (secret) {
      const db = c.get("db");
      const { version, store } = c.get("cache");
      const found = await store.get(version, `sid:${secret}`, async () => {
        const row = await loadSession(db, secret, c.get("now")());
        if (!row) return null;
        const [{ n }] = await db.select({ n: count() }).from(orgAdmins).where(
          eq(orgAdmins.accountId, row.account.id),
        );
        return { row, n };
      });
      if (found && found.row.session.expiresAt > c.get("now")()) {
        const { row, n } = found;
        c.set("session", {
          id: secret,
          accountId: row.account.id,
          name: row.account.name,
          org: row.org,
          orgCount: n,
        });
        c.set("viewer", {
          name: row.account.name,
          orgId: row.org.id,
          orgName: row.org.shortName,
          orgCount: n,
        });
      } else clearSessionCookie(c);
    }
    await next();
  });
