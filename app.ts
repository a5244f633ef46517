/**
 * The application: `createApp(deps)` wires middleware and the resource
 * sub-apps. Tests drive it in-process with `app.request()`.
 */
import { Hono } from "hono";
import { serveStatic } from "hono/deno";
import { secureHeaders } from "hono/secure-headers";
import { bodyLimit } from "hono/body-limit";
import type { Context } from "hono";
import type { AppDeps, AppEnv } from "./middleware/env.ts";
import { dataVersion, VersionedCache } from "./db/cache.ts";
import { csrf } from "./middleware/csrf.ts";
import { session } from "./middleware/session.ts";
import { renderError } from "./middleware/render.tsx";
import { isBusy, taskStarted } from "./db/client.ts";
import { gzip } from "./middleware/gzip.ts";
import { tree } from "./routes/tree.tsx";
import { auth } from "./routes/auth.tsx";
import { register } from "./routes/register.tsx";
import { guide } from "./routes/guide.tsx";
import { orgApp } from "./routes/org.tsx";
import { uploadLimit } from "./routes/import.tsx";
import { memberRoll } from "./middleware/member_roll.ts";

export type { AppDeps } from "./middleware/env.ts";

/** Largest request body anywhere but the spreadsheet upload (which has its own, routes/import.tsx). */
export const MAX_BODY = 64 * 1024;

/** Script only from our own files (no inline script, no eval); htmx reads its config from a meta tag. */
const CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  // style attributes carry the progress bars' widths; htmx adds no style of its own (includeIndicatorStyles off).
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", "data:"],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"],
};

/** The spreadsheet upload, which brings its own body limit. */
const UPLOAD = /^\/orgs\/[0-9]+\/(members\/)?import\/?$/;

const STATIC_ROOT = new URL("./static", import.meta.url).pathname;

/** Builds the app around its dependencies. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const now = deps.now ?? (() => new Date());
  const app = new Hono<AppEnv>();

  // Slow, metered links: gzip every text response (xlsx is already zipped) for clients that take it.
  app.use("*", gzip());
  // Added to the finished response (after next()), so prebuilt responses get them too.
  app.use(
    "*",
    secureHeaders({
      contentSecurityPolicy: CSP,
      strictTransportSecurity: deps.secureCookies ? "max-age=31536000; includeSubDomains" : false,
      xFrameOptions: "DENY",
      referrerPolicy: "same-origin",
    }),
  );
  app.use("/static/*", async (c, next) => {
    await next();
    if (c.res.ok) {
      c.header("Cache-Control", "public, max-age=31536000, immutable");
    }
  });
  app.use(
    "/static/*",
    serveStatic({
      root: STATIC_ROOT,
      rewriteRequestPath: (p) => p.replace(/^\/static/, ""),
    }),
  );

  app.get("/favicon.ico", (c) => c.body(null, 204, { "Cache-Control": "public, max-age=86400" }));
  const store = new VersionedCache();
  app.use("*", async (c, next) => {
    taskStarted(); // a request is a new task of the event loop: long work paces itself from here
    c.set("db", deps.db);
    c.set("sheets", deps.sheets);
    c.set("cache", { version: await dataVersion(deps.db), store, shared: deps.sharedPages });
    c.set("now", now);
    c.set("secure", deps.secureCookies ?? false);
    c.set("trustProxy", deps.trustProxy ?? []);
    c.set("publicUrl", deps.publicUrl);
    c.set("pageCache", deps.pageCache ?? true);
    // Middleware here adds headers to the finished response rather than preparing them with c.header():
    // cheaper, and it lets a handler answer with a copy of a prebuilt Response (the cached tree fragments).
    await next();
  });
  app.use("*", session());
  // Bodies are limited while they are read (a missing or false Content-Length does not get past it).
  const limit = bodyLimit({
    maxSize: MAX_BODY,
    onError: (c) =>
      renderError(
        c as Context<AppEnv>,
        413,
        "提交的内容太大",
        "提交的内容超过 64 KB 的上限，没有做任何修改。",
      ),
  });
  app.use("*", (c, next) => UPLOAD.test(c.req.path) ? uploadLimit(c, next) : limit(c, next));
  app.use("*", csrf(deps.secureCookies));
  app.use("/orgs/*", memberRoll());

  app.get(
    "/",
    (c) =>
      c.redirect(
        c.get("session") ? `/orgs/${c.get("session")!.org.id}` : "/login",
      ),
  );
  app.route("/", auth);
  app.route("/", guide);
  app.route("/register", register);
  // Every screen of one org (routes/org.tsx: one loader and guard, the org's layout).
  app.route("/orgs/:id{[0-9]+}", orgApp);
  app.route("/tree", tree);

  app.notFound((c) => renderError(c, 404, "页面不存在", "您访问的页面不存在或已被移除。"));
  app.onError((e, c) => {
    if (isBusy(e)) {
      // Another instance held the primary's lock for longer than the retries wait (db/client.ts): nothing
      // was written, and the same submit will go through in a moment.
      console.error(`busy database: ${c.req.method} ${c.req.path}`);
      c.header("Retry-After", "5");
      return renderError(
        c as Context<AppEnv>,
        503,
        "系统繁忙",
        "数据库正忙，这次提交没有保存，也没有做任何修改。请稍等几秒后返回上一页重新提交。",
      );
    }
    console.error(e);
    return c.html(
      "<!DOCTYPE html><meta charset=utf-8><title>出错了</title><p>服务器出错了，请稍后重试。</p>",
      500,
    );
  });
  return app;
}
