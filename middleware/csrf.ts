/**
 * CSRF protection by double submit: a random token in an HttpOnly,
 * SameSite=Lax cookie that every state-changing request must echo in the
 * `_csrf` form field or the `X-CSRF-Token` header (htmx sends the header,
 * set once on <body>). Cross-site Origin headers are refused outright.
 *
 * A new token's cookie is added to the finished response, like every
 * header middleware adds here (see app.ts), so handlers may answer with a
 * prebuilt Response.
 */
import { createMiddleware } from "hono/factory";
import { generateCookie } from "hono/cookie";
import { cookieValue } from "../lib/cookie.ts";
import { generateSecret } from "../lib/codes.ts";
import type { AppEnv } from "./env.ts";
import { renderError } from "./render.tsx";

const COOKIE = "csrf";
const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/** Compares two strings in constant time for equal lengths. */
function same(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return d === 0;
}

/** The CSRF middleware. */
export const csrf = (secure = false) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const had = cookieValue(c.req.header("Cookie"), COOKIE);
    const token = had && had.length >= 20 ? had : generateSecret(24);
    c.set("csrf", token);
    /** Hands a newly made token to the browser with `res`. */
    const withToken = (res: Response) => {
      if (token !== had) {
        res.headers.append(
          "Set-Cookie",
          generateCookie(COOKIE, token, { httpOnly: true, sameSite: "Lax", path: "/", secure }),
        );
      }
      return res;
    };
    if (!SAFE.has(c.req.method)) {
      const origin = c.req.header("Origin");
      const host = new URL(c.req.url).host;
      let sent = c.req.header("X-CSRF-Token");
      if (!sent) {
        const type = c.req.header("Content-Type") ?? "";
        if (type.includes("form")) {
          const body = await c.req.parseBody();
          sent = typeof body._csrf === "string" ? body._csrf : undefined;
        }
      }
      const badOrigin = origin !== undefined && origin !== "null" &&
        new URL(origin).host !== host;
      if (badOrigin || !sent || !same(sent, token)) {
        return withToken(
          await renderError(c, 403, "请求已失效", "页面已过期或来源不可信，请刷新页面后重试。"),
        );
      }
    }
    await next();
    withToken(c.res);
  });
