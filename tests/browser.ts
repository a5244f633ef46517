/**
 * Real-Chromium tests: Debian's chromium driven by playwright-core. A test
 * may skip itself only where chromium is absent outside CI, never in CI.
 */
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { SheetThread } from "../lib/sheet_thread.ts";
import { createApp } from "../app.ts";
import type { Db } from "../db/client.ts";
import { PASSWORD } from "./helpers.ts";

/** Path of Debian's chromium. */
export const CHROMIUM = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";

/** False when chromium is missing outside CI (then browser tests are ignored). */
export const haveChromium: boolean = (() => {
  try {
    Deno.statSync(CHROMIUM);
    return true;
  } catch {
    if (Deno.env.get("CI")) {
      throw new Error(`chromium not found at ${CHROMIUM} in CI`);
    }
    return false;
  }
})();

/** Options of every browser test: ignored without chromium (never in CI); the server outlives the test body. */
export const browserTest = { ignore: !haveChromium, sanitizeResources: false, sanitizeOps: false };

/** Signs in at `base` with a mobile or ID number and the test password, and waits to leave /login. */
export async function signIn(page: Page, base: string, login: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill("#f-login", login);
  await page.fill("#f-password", PASSWORD);
  await page.click("button[type=submit].primary");
  // htmx posts the form, then follows HX-Redirect: wait for that navigation, not for a moment of idleness
  // (which can come before the post has even started on a loaded machine).
  await page.waitForURL((url) => url.pathname !== "/login");
}

/** Serves the app on a free loopback port; returns its base URL and a stopper. */
export function serve(db: Db, sheets = new SheetThread()) {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    createApp({ db, sheets }).fetch,
  );
  server.finished.then(() => sheets.close());
  return { base: `http://127.0.0.1:${server.addr.port}`, server };
}

/** A fresh browser profile (persistent context, as Debian's chromium wants). */
export async function browserContext(
  opts: { width?: number; height?: number; javaScript?: boolean } = {},
): Promise<
  BrowserContext & { dir: string }
> {
  const dir = await Deno.makeTempDir({ prefix: "zhtj-chromium-" });
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: opts.width ?? 1200, height: opts.height ?? 900 },
    javaScriptEnabled: opts.javaScript ?? true,
    locale: "zh-CN",
    acceptDownloads: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return Object.assign(ctx, { dir });
}

/** Closes a context and removes its profile. */
export async function closeContext(ctx: BrowserContext & { dir: string }) {
  await ctx.close();
  await Deno.remove(ctx.dir, { recursive: true }).catch(() => {});
}
