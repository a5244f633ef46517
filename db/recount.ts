/** Full recount of the roll-up counters, for checks, tests and bulk loads. */
import { asc } from "drizzle-orm";
import { recount } from "../lib/counters.ts";
import type { Conn } from "./orgs.ts";
import { countsToColumns, subCounts } from "./orgs.ts";
import { orgs } from "./schema.ts";

/**
 * Recomputes every org's counters from its own flags and compares them with
 * the stored ones. Returns one line per mismatch (empty when exact).
 */
export async function verifyCounters(db: Conn): Promise<string[]> {
  const rows = await db.select().from(orgs).orderBy(asc(orgs.id));
  const fresh = recount(rows);
  const problems: string[] = [];
  for (const r of rows) {
    const want = fresh.get(r.id)!;
    const have = subCounts(r);
    const bad = Object.entries(countsToColumns(want.sub)).filter(([k, v]) => r[k as keyof typeof r] !== v);
    if (bad.length || r.childCount !== want.childCount) {
      problems.push(
        `org ${r.id} ${r.shortName}: stored ${JSON.stringify(have)} child ${r.childCount}, recount ${
          JSON.stringify(want.sub)
        } child ${want.childCount}`,
      );
    }
  }
  return problems;
}
