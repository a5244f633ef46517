/**
 * Progress summary timing (issue 5): the server time of /orgs/:id/progress
 * at the root, a province and a county, and the DB time of the counter read.
 *
 *   deno task bench:progress            (synthetic ~200,000 orgs)
 *   BENCH_DB=data/national.db deno task bench:progress
 */
import { eq } from "drizzle-orm";
import { SheetThread } from "../lib/sheet_thread.ts";
import { createApp } from "../app.ts";
import { getOrg } from "../db/orgs.ts";
import { orgs } from "../db/schema.ts";
import { adminCookie, benchDb, fmt, stats, timeRequests } from "./common.ts";

const { db, label } = await benchDb(Number(Deno.env.get("BENCH_SIZE") ?? 200_000));
const cookie = await adminCookie(db, 1);
const sheets = new SheetThread();
const app = createApp({ db, sheets });
const [province] = await db.select().from(orgs).where(eq(orgs.shortName, "团山东省委"));
const [county] = await db.select().from(orgs).where(eq(orgs.shortName, "团天桥区委"));
console.log(`progress summary on ${label}`);
console.log("| node | page p50 | page p99 | counter read p50 | counter read p99 |");
console.log("|---|---|---|---|---|");
for (const [name, id] of [["团中央", 1], ["团山东省委", province.id], ["团天桥区委", county.id]] as const) {
  const page = await timeRequests(app, `/orgs/${id}/progress`, cookie, 200);
  const reads: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const t0 = performance.now();
    await getOrg(db, id);
    reads.push(performance.now() - t0);
  }
  const r = stats(reads);
  console.log(`| ${name} | ${fmt(page.p50)} | ${fmt(page.p99)} | ${fmt(r.p50)} | ${fmt(r.p99)} |`);
}
sheets.close();
