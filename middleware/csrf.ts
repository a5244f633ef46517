/**
 * CSRF protection by a synchronizer token: every state-changing request
 * must echo the token in the `_csrf` form field or the `X-CSRF-Token` header
 * (htmx sends the header, set once on <body>). Signed in, the token is the
 * one bound to the session (a new one at every sign-in); anonymous, it is
 * the one in the HttpOnly, SameSite=Lax `csrf` cookie. Cross-site Origin
 * headers are refused outright.
 *
 * Why a token and not only Hono's `csrf()` (Origin / Sec-Fetch-Site): the
 * admins' browsers include IE10/11 and 360's compatibility mode, which may
 * send neither header on a form post, so the headers alone cannot tell a
 * forged post from a real one there.
 *
 * Runs after the session middleware (it needs the session's token) and
 * after the body limit (it reads form bodies, which the handlers then reuse).
 * A new token's cookie is added to the finished response, like every
 * header middleware adds here (see app.ts), so handlers may answer with a
 * prebuilt Response.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { generateCookie, getCookie } from "hono/cookie";
import { timingSafeEqual } from "node:crypto";
import { generateSecret } from "../lib/codes.ts";
import type { AppEnv } from "./env.ts";
import { renderError } from "./render.tsx";

const COOKIE = "csrf";
const encoder = new TextEncoder();

/**
 * Whether the sent token is the expected one, in time that does not depend on
 * where they differ (a token's length is no secret). Synchronous: Hono's
 * `timingSafeEqual` hashes both with WebCrypto, an async op on every POST.
 */
function sameToken(sent: string, expected: string): boolean {
  const a = encoder.encode(sent);
  const b = encoder.encode(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/** True when `origin` (an Origin header) names another site; a malformed one counts as another. */
function crossSite(origin: string | undefined, url: string): boolean {
  if (origin === undefined || origin === "null") return false;
  try {
    return new URL(origin).host !== new URL(url).host;
  } catch {
    return true;
  }
}

/** Gives the browser a fresh anonymous token (at sign-in; the session gets its own). */
export function rotateCsrf(c: Context<AppEnv>, token: string): void {
  c.set("csrf", token);
}

/** The CSRF middleware. */
export const csrf = (secure = false) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const had = getCookie(c, COOKIE);
    const anonymous = had && had.length >= 20 ? had : generateSecret(24);
    const session = c.get("session");
    const expected = session?.csrf ?? anonymous;
    c.set("csrf", expected);
    /** Hands the browser the token in use when its cookie holds another. */
    const withToken = (res: Response) => {
      const token = c.get("csrf");
      if (token !== had) {
        res.headers.append(
          "Set-Cookie",
          generateCookie(COOKIE, token, { httpOnly: true, sameSite: "Lax", path: "/", secure }),
        );
      }
      return res;
    };
    if (!SAFE.has(c.req.method)) {
      let sent = c.req.header("X-CSRF-Token");
      const type = c.req.header("Content-Type") ?? "";
      if (/form/i.test(type)) {
        // Parsed here once (handlers reuse it); a body that cannot be parsed is a 400, not a 500.
        let body: Record<string, unknown>;
        try {
          body = await c.req.parseBody();
        } catch {
          return withToken(
            await renderError(c, 400, "请求格式不正确", "提交的表单无法读取，请刷新页面后重新提交。"),
          );
        }
        if (!sent) sent = typeof body._csrf === "string" ? body._csrf : undefined;
      }
      if (crossSite(c.req.header("Origin"), c.req.url) || !sent || !sameToken(sent, expected)) {
        return withToken(
          await renderError(c, 403, "请求已失效", "页面已过期或来源不可信，请刷新页面后重试。"),
        );
      }
    }
    await next();
    withToken(c.res);
  });
