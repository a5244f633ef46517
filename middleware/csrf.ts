/**
 * CSRF protection by double submit: a random token in an HttpOnly,
 * SameSite=Lax cookie that every state-changing request must echo in the
 * `_csrf` form field or the `X-CSRF-Token` header (htmx sends the header,
 * set once on <body>). Cross-site Origin headers are refused outright.
 */
import { createMiddleware } from "hono/factory";
import { getCookie, setCookie } from "hono/cookie";
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
    let token = getCookie(c, COOKIE);
    if (!token || token.length < 20) {
      token = generateSecret(24);
      setCookie(c, COOKIE, token, {
        httpOnly: true,
        sameSite: "Lax",
        path: "/",
        secure,
      });
    }
    c.set("csrf", token);
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
        return renderError(
          c,
          403,
          "请求已失效",
          "页面已过期或来源不可信，请刷新页面后重试。",
        );
      }
    }
    await next();
  });
