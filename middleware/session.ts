/**
 * Loads the signed-in admin from the `sid` cookie (HttpOnly, SameSite=Lax;
 * the table stores only its SHA-256) into `session` and `viewer`.
 */
import { createMiddleware } from "hono/factory";
import { deleteCookie, generateCookie, getCookie, setCookie } from "hono/cookie";
import type { Context } from "hono";
import {
  adminOrgCount,
  loadSession,
  SEEN_EVERY_MS,
  SESSION_DAYS,
  sessionEnd,
  sha256,
  touchSession,
} from "../db/accounts.ts";
import { writeTx } from "../db/client.ts";
import type { AppEnv, SessionInfo } from "./env.ts";
import type { Viewer } from "../components/Layout.tsx";

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
    const secret = getCookie(c, SESSION_COOKIE);
    let stale = !!secret;
    c.set("session", null);
    c.set("viewer", null);
    if (secret) {
      const db = c.get("db");
      const { version, store } = c.get("cache");
      // What every request of this session needs, built once per data version (treat as read-only), until a write names it.
      const found = await store.get(version, `sid:${secret}`, async () => {
        const row = await loadSession(db, secret, c.get("now")());
        if (!row) return null;
        const n = await adminOrgCount(db, row.account.id);
        const session: SessionInfo = {
          id: secret,
          accountId: row.account.id,
          name: row.account.name,
          org: row.org,
          orgCount: n,
          csrf: row.session.csrf,
        };
        const viewer: Viewer = {
          name: row.account.name,
          orgId: row.org.id,
          orgName: row.org.shortName,
          orgCount: n,
        };
        return { session, viewer, endsAt: sessionEnd(row.session), seenAt: row.session.lastSeenAt };
      }, {
        // Its row and its account's rights. Not its org: what it keeps of the org (`SessionOrg`) changes only
        // with a rename or a move, which name everything, and a tag there dropped every session of every
        // admin above each write that moved a counter.
        tags: (v) => v ? [`sid:${sha256(secret)}`, `acct:${v.session.accountId}`] : [`sid:${sha256(secret)}`],
      });
      const now = c.get("now")();
      if (found && found.endsAt > now.getTime()) {
        c.set("session", found.session);
        c.set("viewer", found.viewer);
        stale = false;
        // The idle timeout needs the last request's time; written at most every few minutes.
        if (!found.seenAt || now.getTime() - found.seenAt.getTime() >= SEEN_EVERY_MS) {
          found.seenAt = now;
          await writeTx(db, (tx) => touchSession(tx, secret, now));
        }
      }
    }
    await next();
    // A stale cookie is dropped with the finished response, unless the handler just signed in afresh.
    if (stale && !c.res.headers.getSetCookie().some((v) => v.startsWith(`${SESSION_COOKIE}=`))) {
      c.res.headers.append("Set-Cookie", generateCookie(SESSION_COOKIE, "", { path: "/", maxAge: 0 }));
    }
  });
