/**
 * Subtree export (issue 6): time and peak RSS of streaming ≥ 100,000 rows to
 * .xlsx through the real route.
 *
 *   deno task bench:export               (synthetic ~150,000 orgs)
 *   BENCH_DB=data/national.db BENCH_ORG=<id> deno task bench:export
 */
import { createApp } from "../app.ts";
import { SheetThread } from "../lib/sheet_thread.ts";
import { getOrg } from "../db/orgs.ts";
import { adminCookie, benchDb } from "./common.ts";

const { db, label } = await benchDb(Number(Deno.env.get("BENCH_SIZE") ?? 150_000));
const orgId = Number(Deno.env.get("BENCH_ORG") ?? 1);
const org = (await getOrg(db, orgId))!;
const cookie = await adminCookie(db, orgId);
const sheets = new SheetThread();
const app = createApp({ db, sheets });
const baseline = Deno.memoryUsage().rss;
let peak = baseline;
const sampler = setInterval(() => (peak = Math.max(peak, Deno.memoryUsage().rss)), 20);
const t0 = performance.now();
const res = await app.request(`/orgs/${orgId}/export.xlsx`, { headers: { Cookie: cookie } });
let bytes = 0;
for await (const chunk of res.body!) bytes += chunk.length;
const ms = performance.now() - t0;
clearInterval(sampler);
peak = Math.max(peak, Deno.memoryUsage().rss);
console.log(
  `export of ${org.shortName} on ${label}: ${org.subOrgs} rows (RSS before: ${
    (baseline / 1e6).toFixed(0)
  } MB)`,
);
console.log("| rows | time | file size | peak RSS |");
console.log("|---|---|---|---|");
console.log(
  `| ${org.subOrgs} | ${(ms / 1000).toFixed(2)} s | ${(bytes / 1e6).toFixed(1)} MB | ${
    (peak / 1e6).toFixed(0)
  } MB |`,
);
sheets.close();
