/**
 * First-start initialisation of levels 1–4 from `db/divisions.json`.
 * Idempotent: when the root exists nothing is written.
 */
import { buildInitialTree } from "../lib/initial_tree.ts";
import type { Divisions } from "../lib/divisions.ts";
import { recount } from "../lib/counters.ts";
import { type Db, writeTx } from "./client.ts";
import { getRoot, reserveIds } from "./orgs.ts";
import { stagedWrite } from "./staging.ts";
import { gramRows, orgNameGrams } from "./staging_rows.ts";
import { type NewOrg, orgs } from "./schema.ts";

/** Loads the committed division data. */
export async function loadDivisions(): Promise<Divisions> {
  return JSON.parse(
    await Deno.readTextFile(new URL("./divisions.json", import.meta.url)),
  );
}

/** Inserts the initial tree unless already there. Returns the number of orgs inserted. */
export async function initialiseTree(
  db: Db,
  divisions?: Divisions,
): Promise<number> {
  if (await getRoot(db)) return 0;
  const seed = buildInitialTree(divisions ?? await loadDivisions());
  // A staged long write (db/staging.ts): ~3,400 orgs and their index rows in one short final transaction,
  // which stores nothing when another deploy initialised the tree meanwhile.
  return await stagedWrite(db, async (stage) => {
    const first = await writeTx(db, (tx) => reserveIds(tx, seed.length), { quiet: true });
    const rows = treeRows(seed, first);
    await stage.rows(orgs, rows);
    await stage.rows(orgNameGrams, gramRows(rows));
    return rows.length;
  }, async (tx, stage, n) => {
    if (await getRoot(tx)) return 0;
    await stage.copy(tx, orgs);
    await stage.copy(tx, orgNameGrams, { orIgnore: true, orderBy: ["gram", "path"] });
    return n;
  });
}

/** The seed's rows with ids from `first` on, paths and counters filled in. */
function treeRows(seed: ReturnType<typeof buildInitialTree>, first: number): NewOrg[] {
  const idOf = new Map(seed.map((o, i) => [o.key, first + i]));
  const rows = seed.map((o, i): NewOrg => {
    const parentId = o.parentKey === null ? null : idOf.get(o.parentKey)!;
    return {
      id: first + i,
      parentId,
      level: o.level,
      path: "",
      sortOrder: o.sortOrder,
      shortName: o.shortName,
      fullName: o.fullName,
      category: 1,
      initialised: true,
      // Official division names (团西沙群岛委 …) are correct by definition, whatever their ending.
      badName: 0,
    };
  });
  for (const r of rows) {
    r.path = r.parentId === null ? `/${r.id}/` : `${rows[r.parentId! - first].path}${r.id}/`;
  }
  const counts = recount(rows.map((r) => ({
    id: r.id!,
    parentId: r.parentId ?? null,
    category: r.category,
    infoComplete: 0,
    badName: 0,
    adminCount: 0,
  })));
  for (const r of rows) {
    const c = counts.get(r.id!)!;
    Object.assign(r, c.sub, { childCount: c.childCount });
  }
  return rows;
}
