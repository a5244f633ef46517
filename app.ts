/**
 * The application: `createApp(deps)` wires middleware and the resource
 * sub-apps. Tests drive it in-process with `app.request()`.
 */
import { Hono } from "hono";
import { serveStatic } from "hono/deno";
import { compress } from "hono/compress";
import type { AppDeps, AppEnv, Throttles } from "./middleware/env.ts";
import { Throttle } from "./lib/throttle.ts";
import { dataVersion, VersionedCache } from "./db/cache.ts";
import { csrf } from "./middleware/csrf.ts";
import { session } from "./middleware/session.ts";
import { acceptsGzip, renderError } from "./middleware/render.tsx";
import { tree } from "./routes/tree.tsx";
import { auth } from "./routes/auth.tsx";
import { register } from "./routes/register.tsx";
import { orgsRoutes } from "./routes/orgs.tsx";
import { children } from "./routes/children.tsx";
import { info } from "./routes/info.tsx";
import { progress } from "./routes/progress.tsx";
import { search } from "./routes/search.tsx";
import { auditRoutes } from "./routes/audit.tsx";
import { move } from "./routes/move.tsx";
import { exportRoutes } from "./routes/export.tsx";
import { importRoutes, uploadLimit } from "./routes/import.tsx";
import { members } from "./routes/members.tsx";
import { memberImport } from "./routes/member_import.tsx";
import { memberDeadlines } from "./routes/member_progress.tsx";
import { memberRoll } from "./middleware/member_roll.ts";

export type { AppDeps } from "./middleware/env.ts";

/** Sent with every response. */
const SECURITY_HEADERS = [
  ["X-Content-Type-Options", "nosniff"],
  ["Referrer-Policy", "same-origin"],
  ["X-Frame-Options", "DENY"],
] as const;

const STATIC_ROOT = new URL("./static", import.meta.url).pathname;

/** Builds the app around its dependencies. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const now = deps.now ?? (() => new Date());
  const throttles: Throttles = {
    loginByClient: new Throttle(20, 15 * 60_000),
    loginByAccount: new Throttle(5, 15 * 60_000),
    codeByClient: new Throttle(10, 15 * 60_000),
  };
  const app = new Hono<AppEnv>();

  // Slow, metered links: gzip every text response (xlsx is already zipped) for clients that take it.
  const gzip = compress({ encoding: "gzip" });
  app.use("*", (c, next) => acceptsGzip(c.req.header("Accept-Encoding")) ? gzip(c, next) : next());
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
    c.set("db", deps.db);
    c.set("cache", { version: await dataVersion(deps.db), store });
    c.set("now", now);
    c.set("secure", deps.secureCookies ?? false);
    c.set("throttles", throttles);
    await next();
    // Middleware here adds headers to the finished response rather than preparing them with c.header():
    // cheaper, and it lets a handler answer with a copy of a prebuilt Response (the cached tree fragments).
    for (const [name, value] of SECURITY_HEADERS) c.res.headers.set(name, value);
  });
  app.use("/orgs/:id/import", uploadLimit);
  app.use("/orgs/:id/members/import", uploadLimit);
  app.use("*", csrf(deps.secureCookies));
  app.use("*", session());
  app.use("/orgs/*", memberRoll());

  app.get(
    "/",
    (c) =>
      c.redirect(
        c.get("session") ? `/orgs/${c.get("session")!.org.id}` : "/login",
      ),
  );
  app.route("/", auth);
  app.route("/register", register);
  app.route("/orgs", orgsRoutes);
  app.route("/orgs", info);
  app.route("/orgs", children);
  app.route("/orgs", progress);
  app.route("/orgs", search);
  app.route("/orgs", auditRoutes);
  app.route("/orgs", move);
  app.route("/orgs", exportRoutes);
  app.route("/orgs", importRoutes);
  app.route("/orgs/:id{[0-9]+}", members);
  app.route("/orgs/:id{[0-9]+}/members/import", memberImport);
  app.route("/orgs/:id{[0-9]+}", memberDeadlines);
  app.route("/tree", tree);

  app.notFound((c) => renderError(c, 404, "页面不存在", "您访问的页面不存在或已被移除。"));
  app.onError((e, c) => {
    console.error(e);
    return c.html(
      "<!DOCTYPE html><meta charset=utf-8><title>出错了</title><p>服务器出错了，请稍后重试。</p>",
      500,
    );
  });
  return app;
}
