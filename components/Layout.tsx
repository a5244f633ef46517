import type { Child } from "hono/jsx";
import { ASSETS } from "../lib/assets.ts";

/** What the page chrome needs to know about the signed-in admin. */
export interface Viewer {
  name: string;
  orgId: number;
  orgName: string;
  /** Other orgs the account administers, for the switcher. */
  orgCount: number;
}

/** Props of {@link Layout}. */
export interface LayoutProps {
  title: string;
  csrf: string;
  viewer?: Viewer | null;
  children?: Child;
}

/** htmx 2 swaps no 4xx by default; our 4xx pages carry the Chinese message to show. */
const HTMX_CONFIG = JSON.stringify({
  scrollIntoViewOnBoost: false,
  // The Content-Security-Policy (app.ts) allows no inline script, no eval and no inline <style> from htmx.
  allowEval: false,
  allowScriptTags: false,
  includeIndicatorStyles: false,
  responseHandling: [
    { code: "204", swap: false },
    { code: "[234]..", swap: true },
    { code: "5..", swap: true, error: true },
  ],
});

/** The full HTML page around every screen. */
export function Layout({ title, csrf, viewer, children }: LayoutProps) {
  return (
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title} · 智慧团建</title>
        <link rel="stylesheet" href={ASSETS.css} />
        <script src={ASSETS.htmx} defer></script>
        <script src={ASSETS.js} defer></script>
        <meta name="htmx-config" content={HTMX_CONFIG} />
      </head>
      <body hx-boost="true">
        {/* The token sits inside the part a boosted navigation replaces: a sign-in gives a new one. */}
        <div class="page" hx-headers={JSON.stringify({ "X-CSRF-Token": csrf })}>
          <a class="skip" href="#main">跳到正文</a>
          <header class="top">
            <a class="brand" href="/">智慧团建 · 组织树</a>
            {viewer
              ? (
                <nav aria-label="账户">
                  <a href={`/orgs/${viewer.orgId}`}>{viewer.orgName}</a>
                  <a href="/guide">操作指南</a>
                  {viewer.orgCount > 1 ? <a href="/account/switch">切换组织</a> : null}
                  <span class="who">{viewer.name}</span>
                  <form method="post" action="/logout" class="inline">
                    <input type="hidden" name="_csrf" value={csrf} />
                    <button type="submit" class="link">退出</button>
                  </form>
                </nav>
              )
              : (
                <nav aria-label="账户">
                  <a href="/guide">操作指南</a>
                  <a href="/login">登录</a>
                  <a href="/register">管理员注册</a>
                </nav>
              )}
          </header>
          <main id="main">{children}</main>
        </div>
      </body>
    </html>
  );
}
