/**
 * Every spreadsheet the app serves opens: the routes are collected from the
 * app itself (`app.routes` paths ending in .xlsx), so a new download is
 * covered or this test fails. Each file is opened with exceljs, and with
 * LibreOffice (`soffice --headless --convert-to csv`) where it is installed:
 * in CI the LibreOffice part is skipped only when soffice is absent.
 */
import assert from "node:assert/strict";
import ExcelJS from "exceljs";
import { writeTx } from "../db/client.ts";
import { issueCodes } from "../db/codes.ts";
import { PROBLEMS } from "../db/progress.ts";
import { XLSX_TYPE } from "../lib/xlsx.ts";
import { branchRows, uploadForm, xlsxFile } from "./import_files.ts";
import { addBranches, setup } from "./helpers.ts";
import { exclusive } from "./exclusive.ts";
import { memberRows } from "./member_files.ts";
import { MEMBER_SHEET } from "../lib/member_import.ts";

const JINAN = 11, LIXIA = 15;

/** soffice's path, or null when LibreOffice is not installed. */
const soffice: string | null = await (async () => {
  for (const p of ["/usr/bin/soffice", "/usr/bin/libreoffice", "/usr/local/bin/soffice"]) {
    try {
      await Deno.stat(p);
      return p;
    } catch { /* try the next */ }
  }
  return null;
})();

/** Converts every file to CSV with one LibreOffice run; returns each file's CSV text ("" if it failed). */
async function libreOfficeCsv(files: Uint8Array[]): Promise<{ csv: string[]; stderr: string }> {
  const dir = await Deno.makeTempDir({ prefix: "zhtj-soffice-" });
  try {
    const names = files.map((_, i) => `${dir}/f${i}.xlsx`);
    for (const [i, bytes] of files.entries()) await Deno.writeFile(names[i], bytes);
    const out = await new Deno.Command(soffice!, {
      args: [
        `-env:UserInstallation=file://${dir}/profile`,
        "--headless",
        "--convert-to",
        // Comma-separated, quoted, UTF-8 (76).
        "csv:Text - txt - csv (StarCalc):44,34,76",
        "--outdir",
        dir,
        ...names,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const csv = await Promise.all(files.map((_, i) => Deno.readTextFile(`${dir}/f${i}.csv`).catch(() => "")));
    return { csv, stderr: new TextDecoder().decode(out.stderr) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name: "downloads: every .xlsx route of the app answers a file that opens in exceljs and LibreOffice",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using t = await setup();
  const c = await t.adminOf(LIXIA, 0);
  const [branch] = await addBranches(t.db, LIXIA, 3);
  // An org with no 团支部 beneath (the list whose sheet name has a "/") and an expired code.
  await c.post(`/orgs/${LIXIA}/children/new`, { shortName: "济南一中团委", category: "2", fullName: "" });
  await writeTx(t.db, (tx) => issueCodes(tx, [JINAN], { accountId: null }, new Date("2026-01-01T00:00:00Z")));
  // An import with a failing row, for its failure report.
  const bad = [...branchRows(1), ["坏名字", "团支部", "", ""]];
  const up = await c.post(`/orgs/${LIXIA}/import`, uploadForm(await xlsxFile(bad)));
  const importUrl = up.headers.get("Location")!;
  assert.match(importUrl, /\/import\/[^/]+$/);
  const importId = importUrl.split("/").pop()!;
  // Members of a 团支部 (its direct parent enters them), by a batch with a failing row for its report.
  const memberBad = [...memberRows(2), ["", "110101", "", "", "", "", "", "", "", "", "", "", "", "", ""]];
  const mup = await c.post(
    `/orgs/${branch}/members/import`,
    uploadForm(await xlsxFile(memberBad, { headers: [...MEMBER_SHEET.headers] }), "团员.xlsx"),
  );
  const memberImport = mup.headers.get("Location")!;
  assert.match(memberImport, /\/members\/import\/[^/]+$/);
  assert.equal((await c.post(`${memberImport}/confirm`)).status, 303);

  // What each download route is asked for (query, method); every .xlsx route must be here.
  const requests: Record<string, { method: "GET" | "POST"; urls: string[] }> = {
    "GET /orgs/:id/progress.xlsx": { method: "GET", urls: [`/orgs/${LIXIA}/progress.xlsx`] },
    "GET /orgs/:id/chase.xlsx": { method: "GET", urls: [`/orgs/${LIXIA}/chase.xlsx`] },
    "GET /orgs/:id/problems.xlsx": {
      method: "GET",
      urls: Object.keys(PROBLEMS).map((k) => `/orgs/${LIXIA}/problems.xlsx?kind=${k}`),
    },
    "POST /orgs/:id/codes.xlsx": { method: "POST", urls: [`/orgs/${LIXIA}/codes.xlsx`] },
    "GET /orgs/:id/export.xlsx": { method: "GET", urls: [`/orgs/${LIXIA}/export.xlsx`] },
    "POST /orgs/:id/export.xlsx": { method: "POST", urls: [`/orgs/${LIXIA}/export.xlsx`] },
    "GET /orgs/:id/import/template.xlsx": { method: "GET", urls: [`/orgs/${LIXIA}/import/template.xlsx`] },
    "GET /orgs/:id/import/:importId/failures.xlsx": {
      method: "GET",
      urls: [`/orgs/${LIXIA}/import/${importId}/failures.xlsx`],
    },
    "GET /orgs/:id/members.xlsx": { method: "GET", urls: [`/orgs/${branch}/members.xlsx`] },
    "POST /orgs/:id/members.xlsx": { method: "POST", urls: [`/orgs/${branch}/members.xlsx`] },
    "GET /orgs/:id/members/import/template.xlsx": {
      method: "GET",
      urls: [`/orgs/${branch}/members/import/template.xlsx`],
    },
    "GET /orgs/:id/members/import/:importId/failures.xlsx": {
      method: "GET",
      urls: [`${memberImport}/failures.xlsx`],
    },
  };
  const served = [
    ...new Set(
      t.app.routes.filter((r) => r.path.endsWith(".xlsx") && r.method !== "ALL").map((r) =>
        `${r.method} ${r.path.replace(/\{(?:[^{}]|\{[^}]*\})*\}/g, "")}`
      ),
    ),
  ].sort();
  assert.deepEqual(served, Object.keys(requests).sort(), "every .xlsx route of the app is opened here");

  const files: { url: string; bytes: Uint8Array; header: string }[] = [];
  for (const [route, { method, urls }] of Object.entries(requests)) {
    for (const url of urls) {
      const res = method === "GET" ? await c.get(url) : await c.post(url, { unmasked: "1" });
      assert.equal(res.status, 200, `${route} ${url}`);
      assert.equal(res.headers.get("Content-Type"), XLSX_TYPE, url);
      const bytes = new Uint8Array(await res.arrayBuffer());
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(bytes.slice().buffer);
      assert.ok(wb.worksheets.length >= 1, `${url}: a sheet`);
      for (const ws of wb.worksheets) {
        assert.ok(ws.name.length <= 31 && !/[:\\/?*[\]]/.test(ws.name), `${url}: sheet name ${ws.name}`);
      }
      assert.ok(wb.worksheets.some((ws) => ws.rowCount >= 1), `${url}: rows`);
      files.push({ url, bytes, header: String(wb.worksheets[0].getRow(1).getCell(1).value ?? "") });
    }
  }
  assert.equal(files.length, Object.values(requests).reduce((n, r) => n + r.urls.length, 0));
  if (soffice) {
    const { csv, stderr } = await exclusive(() => libreOfficeCsv(files.map((f) => f.bytes)));
    files.forEach((f, i) => {
      assert.ok(csv[i].length > 0, `LibreOffice opened ${f.url} (${stderr})`);
      assert.ok(csv[i].includes(f.header), `${f.url}: LibreOffice reads the header ${f.header}`);
    });
  } else console.warn("LibreOffice (soffice) not installed: only exceljs opened the downloads");
});
