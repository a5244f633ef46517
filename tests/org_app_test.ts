/** The org app (routes/org.tsx): one loader and guard, the org's layout on pages, fragments bare for htmx. */
import assert from "node:assert/strict";
import { MINI, setup, textOf } from "./helpers.ts";

const JINAN = 11;
const PAGES = ["", "/info", "/children", "/progress", "/search?q=历下", "/audit", "/export", "/children/new"];

Deno.test("org app: every screen is a page with the org's header and tabs; for htmx the fragment alone", async () => {
  await using t = await setup();
  const c = await t.adminOf(JINAN, 0);
  for (const p of PAGES) {
    const page = await c.get(`/orgs/${JINAN}${p}`);
    assert.equal(page.status, 200, p);
    assert.match(page.headers.get("Vary") ?? "", /HX-Request/, p);
    const html = await page.text();
    assert.match(html, /^<!DOCTYPE html>/, p);
    const text = textOf(html);
    assert.match(text, /团济南市委 中国共产主义青年团济南市委员会 · 第 3 级 · 领导机关团组织/, p);
    assert.match(text, /概况 组织信息 下级组织管理 录入进度 组织树 搜索 操作记录 导出/, p);
    const frag = await (await c.get(`/orgs/${JINAN}${p}`, { hx: true })).text();
    assert.doesNotMatch(frag, /<!DOCTYPE|<html|<nav aria-label="组织功能"/, `${p} as a fragment`);
  }
  // An ancestor's admin reads the same screens, with 下级组织 instead of 下级组织管理.
  const root = await t.adminOf(MINI.root, 1);
  assert.match(
    textOf(await (await root.get(`/orgs/${JINAN}/children`)).text()),
    /概况 组织信息 下级组织 录入进度/,
  );
});

Deno.test("org app: sign-in first for any org path, the way back kept; foreign and missing orgs look alike", async () => {
  await using t = await setup();
  const anon = t.client();
  const res = await anon.get(`/orgs/${JINAN}/progress?sort=rate`);
  assert.equal(res.status, 303);
  assert.equal(
    res.headers.get("Location"),
    `/login?next=${encodeURIComponent(`/orgs/${JINAN}/progress?sort=rate`)}`,
  );
  const hx = await anon.get(`/orgs/${JINAN}/info`, { hx: true });
  assert.equal(hx.status, 401);
  assert.match(hx.headers.get("HX-Redirect") ?? "", /^\/login\?next=/);
  const beijing = await t.adminOf(MINI.beijing, 0);
  const foreign = await beijing.get(`/orgs/${JINAN}/info`);
  const missing = await beijing.get("/orgs/999999/info");
  assert.equal(foreign.status, 403);
  assert.equal(missing.status, 403);
  assert.equal(textOf(await foreign.text()), textOf(await missing.text()));
});
