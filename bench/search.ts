/**
 * Search timing (issue 6): p50/p99 of name search for 1–4 character queries
 * at the root and within a province, on a tree of about 1,000,000 orgs.
 *
 *   deno task bench:search               (synthetic ~1,000,000 orgs; takes a few minutes to build)
 *   BENCH_DB=data/national.db deno task bench:search
 */
import { eq } from "drizzle-orm";
import { searchOrgs, tooShort } from "../db/search.ts";
import { orgs } from "../db/schema.ts";
import { benchDb, fmt, stats } from "./common.ts";

const { db, label } = await benchDb(Number(Deno.env.get("BENCH_SIZE") ?? 1_000_000));
const [root] = await db.select().from(orgs).where(eq(orgs.id, 1));
const [province] = await db.select().from(orgs).where(eq(orgs.shortName, "团山东省委"));
console.log(`search on ${label} (${root.subOrgs} orgs; 团山东省委 ${province.subOrgs})`);
console.log("| scope | query | results | p50 | p99 | max |");
console.log("|---|---|---|---|---|---|");
for (const scope of [root, province]) {
  for (const q of ["济", "济南", "天桥区", "第3街道", "团支部", "不存在的名字"]) {
    if (tooShort(q, scope.subOrgs)) {
      console.log(`| ${scope.shortName} | ${q} | (asks for two characters) | – | – | – |`);
      continue;
    }
    const ms: number[] = [];
    let n = 0;
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now();
      n = (await searchOrgs(db, q, { rootPath: scope.path, limit: 21 })).length;
      ms.push(performance.now() - t0);
    }
    const s = stats(ms);
    console.log(`| ${scope.shortName} | ${q} | ${n} | ${fmt(s.p50)} | ${fmt(s.p99)} | ${fmt(s.max)} |`);
  }
}
