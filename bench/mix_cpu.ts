/**
 * Where a campaign mix's server time goes (issue 14): replays a request list
 * that `deno task bench:campaign` wrote (bench/.campaign/list-*.tsv) through
 * the app in process, one request at a time, and charges each request's
 * main-thread CPU time (Linux `/proc/thread-self/schedstat`, so waits for the
 * Excel reader process or password hashing threads are left out) to its
 * action, split into page-cache hits and misses (a miss is a request whose
 * page, or any cached value it needed, had to be loaded).
 *
 *   deno task bench:mix-cpu --db data/perf.db --list bench/.campaign/list-NNNN.tsv
 *                           [--share 2] [--requests 20000] [--seed 1] [--profile FILE] [--process]
 *
 * With --process, the whole process's CPU is charged instead (`process.cpuUsage()`): a registration's
 * password hash, which runs on another thread, then counts (about 40 ms each). The Excel reader is
 * another process and never counts.
 *
 * It also counts the per-viewer pages built again (a page key loaded before) after a write by the
 * viewer's own session, and after others' writes only: what coalescing the ancestors' counter
 * changes for other viewers could save.
 *
 * With --profile, V8's sampling profiler (node:inspector, a sample a
 * millisecond) runs over the measured requests: the profile goes to FILE (a
 * .cpuprofile, which Chrome's DevTools open), and the functions with the most
 * self time and the project's functions with the most time inclusive of what
 * they call are printed. Wall time, not CPU: the profile counts the main
 * thread's waits too, and this script's own reads of /proc (`cpuNs`, about
 * 15% of it). A sample every 100 µs charged 1.3 s to SQLite's COMMIT that
 * timing each COMMIT found to be 67 ms; at 1 ms the profile said 101.
 *
 * Reads are replayed in list order, each once to warm the cache first; a
 * write is drawn with probability `share`% (seeded), in list order as wrk's
 * script does. Single-use writes (registrations, Excel files) of a list that
 * was already replayed fail fast and are counted as errors: generate a fresh
 * list for figures about them. The database grows (new children): use a copy.
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { Session } from "node:inspector";
import { createApp } from "../app.ts";
import { openDb } from "../db/client.ts";
import { VersionedCache } from "../db/cache.ts";
import { SheetThread } from "../lib/sheet_thread.ts";

const { values: opts } = parseArgs({
  args: Deno.args,
  options: {
    db: { type: "string", default: "data/national.db" },
    list: { type: "string" },
    share: { type: "string", default: "2" },
    requests: { type: "string", default: "20000" },
    seed: { type: "string", default: "1" },
    profile: { type: "string" },
    process: { type: "boolean", default: false },
  },
});
if (!opts.list) {
  console.error("--list bench/.campaign/list-NNNN.tsv is required (written by deno task bench:campaign)");
  Deno.exit(2);
}
const share = Number(opts.share);
const total = Number(opts.requests);

// Counts loads of every cached value (pages, sessions, org rows, kept figures): a request that loaded any missed.
let loads = 0;
/** Per session (its cookie's secret), the step of its last write; per page key, the step it was last built. */
const wroteAt = new Map<string, number>();
const builtAt = new Map<string, number>();
/** Pages built again after the viewer's own write, and after others' writes only (while measuring). */
const rebuilt = { own: 0, others: 0 };
let step = 0;
let measuring = false;
/** A per-viewer page's key (middleware/page_cache.ts): `page:<session>:…`; its session is a rebuild's viewer. */
function notePageLoad(key: string) {
  if (!key.startsWith("page:")) return;
  const viewer = key.split(":")[1];
  const last = builtAt.get(key);
  if (measuring && last !== undefined) {
    if ((wroteAt.get(viewer) ?? -1) > last) rebuilt.own++;
    else rebuilt.others++;
  }
  builtAt.set(key, step);
}
const get = VersionedCache.prototype.get;
VersionedCache.prototype.get = function <V>(
  this: VersionedCache,
  version: string,
  key: string,
  load: (from: number) => Promise<V>,
  how?: Parameters<typeof get<V>>[3],
): Promise<V> {
  return get.call<VersionedCache, Parameters<typeof get<V>>, Promise<V>>(
    this,
    version,
    key,
    (from) => (loads++, notePageLoad(key), load(from)),
    how,
  );
};

/** Nanoseconds of CPU this thread has used. */
const cpuNs = opts.process
  ? () => {
    const { user, system } = process.cpuUsage();
    return (user + system) * 1000;
  }
  : () => Number(Deno.readTextFileSync("/proc/thread-self/schedstat").split(" ")[0]);

/** A small seeded generator (mulberry32), so two builds replay the same draws. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A V8 CPU profile node, as the inspector's Profiler domain gives it. */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

const ROOT = new URL("../", import.meta.url).pathname;

/** A profile node's function as `name file:line`, the file relative to node_modules or the project. */
const placeOf = ({ callFrame: { functionName, url, lineNumber } }: ProfileNode) =>
  `${functionName || "(anonymous)"} ${
    url.replace(`file://${ROOT}`, "").replace(/^.*\/node_modules\/\.deno\/[^/]+\/node_modules\//, "")
  }:${lineNumber + 1}`;

/**
 * Starts V8's sampling profiler in this process; `stop` writes the profile and prints the functions with the
 * most self time and the project's functions with the most time inclusive of what they called (idle left out).
 */
async function startProfiler() {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params: object = {}) =>
    new Promise<T>((resolve, reject) =>
      session.post(method, params, (e: Error | null, r?: object) => e ? reject(e) : resolve(r as T))
    );
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 1000 });
  await post("Profiler.start");
  return {
    async stop(file: string) {
      const { profile } = await post<{
        profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
      }>("Profiler.stop");
      session.disconnect();
      await Deno.writeTextFile(file, JSON.stringify(profile));
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      const parentOf = new Map<number, number>();
      for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);
      const self = new Map<string, number>();
      const inclusive = new Map<string, number>();
      let busy = 0;
      profile.samples.forEach((id, i) => {
        const node = byId.get(id)!;
        const us = profile.timeDeltas[i] ?? 0;
        if (node.callFrame.functionName === "(idle)") return;
        busy += us;
        self.set(placeOf(node), (self.get(placeOf(node)) ?? 0) + us);
        const seen = new Set<string>();
        for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
          const place = placeOf(byId.get(at)!);
          if (seen.has(place)) continue;
          seen.add(place);
          inclusive.set(place, (inclusive.get(place) ?? 0) + us);
        }
      });
      const top = (m: Map<string, number>, keep: (place: string) => boolean) =>
        [...m].filter(([place]) => keep(place)).sort((a, b) => b[1] - a[1]).slice(0, 25)
          .map(([place, us]) => `${(us / busy * 100).toFixed(1).padStart(5)}%  ${place}`).join("\n");
      console.log(`\nCPU profile in ${file}, ${(busy / 1000).toFixed(0)} ms busy. Self time:`);
      console.log(top(self, () => true));
      console.log("\nThe project's functions, with what they called:");
      console.log(top(inclusive, (place) => /^\S+ (app|db|routes|components|middleware|lib)\b/.test(place)));
    },
  };
}

interface Line {
  kind: string;
  action: string;
  method: string;
  path: string;
  cookie: string;
  csrf: string;
  hx: boolean;
  ctype: string;
  body: string;
}

const database = await openDb(`file:${opts.db}`, { backgroundCheckpoints: true, migrate: false });
const sheets = new SheetThread({ keepReader: true });
const app = createApp({ db: database.db, sheets });
const reads: Line[] = [];
const writes: Line[] = [];
for (const text of (await Deno.readTextFile(opts.list)).split("\n")) {
  if (!text) continue;
  const f = text.split("\t");
  const line = {
    kind: f[0],
    action: f[1],
    method: f[2],
    path: f[3],
    cookie: f[4],
    csrf: f[5],
    hx: f[6] === "1",
    ctype: f[7],
    body: f[8] ?? "",
  };
  (line.kind === "r" ? reads : writes).push(line);
}

let serial = 0;
async function send(line: Line) {
  const headers: Record<string, string> = { Cookie: line.cookie, "Accept-Encoding": "gzip" };
  if (line.csrf) headers["X-CSRF-Token"] = line.csrf;
  if (line.hx) headers["HX-Request"] = "true";
  if (line.ctype) headers["Content-Type"] = line.ctype;
  const body = line.body.startsWith("@")
    ? await Deno.readFile(line.body.slice(1))
    : line.body
    ? line.body.replaceAll("{n}", `9${Date.now() % 1e6}${serial++}`)
    : undefined;
  const before = loads;
  const start = cpuNs();
  const res = await app.request(line.path, { method: line.method, headers, body });
  await res.arrayBuffer();
  return {
    ms: (cpuNs() - start) / 1e6,
    status: res.status,
    location: res.headers.get("Location"),
    miss: loads > before,
  };
}

type Tally = { n: number; ms: number; misses: number; missMs: number; errors: number };
const tallies = new Map<string, Tally>();
function count(action: string, r: { ms: number; miss: boolean; status: number }) {
  const t = tallies.get(action) ?? { n: 0, ms: 0, misses: 0, missMs: 0, errors: 0 };
  t.n++;
  t.ms += r.ms;
  if (r.miss) (t.misses++, t.missMs += r.ms);
  if (r.status >= 400) t.errors++;
  tallies.set(action, t);
}

for (const line of reads) await send(line); // every screen once, as wrk's warm-up does
const profiler = opts.profile ? await startProfiler() : undefined;
measuring = true;
const draw = random(Number(opts.seed));
let r = 0, w = 0;
for (let i = 0; i < total; i++) {
  const line = writes.length && draw() * 100 < share
    ? writes[w++ % writes.length]
    : reads[r++ % reads.length];
  step++;
  const res = await send(line);
  const viewer = line.kind === "r" ? undefined : line.cookie.match(/(?:^|; )sid=([^;]+)/)?.[1];
  if (viewer) wroteAt.set(viewer, step);
  count(line.kind === "r" ? line.action : `write: ${line.action}`, res);
  if (line.action === "import upload" && res.status === 303 && res.location) {
    const confirm = {
      ...line,
      action: "import confirm",
      path: `${res.location}/confirm`,
      ctype: "",
      body: "",
    };
    count("write: import confirm", await send(confirm));
  }
}

if (profiler) await profiler.stop(opts.profile!);

let writeMs = 0, missMs = 0, hitMs = 0;
for (const [action, t] of tallies) {
  if (action.startsWith("write: ")) writeMs += t.ms;
  else (missMs += t.missMs, hitMs += t.ms - t.missMs);
}
const all = writeMs + missMs + hitMs;
const pct = (x: number) => `${(x / all * 100).toFixed(0)}%`;
console.log(
  `${total} requests at ${share}% writes, ${opts.process ? "process" : "main-thread"} CPU ${
    all.toFixed(0)
  } ms (${(all / total * 1000).toFixed(0)} µs a request): writes ${pct(writeMs)}, page builds (misses) ${
    pct(missMs)
  }, cache hits ${pct(hitMs)}`,
);
console.log(
  "\n| action | n | CPU ms (share) | misses: n, mean ms | hits: mean ms | errors |\n|---|---|---|---|---|---|",
);
for (const [action, t] of [...tallies].sort((a, b) => b[1].ms - a[1].ms)) {
  const hits = t.n - t.misses;
  console.log(
    `| ${action} | ${t.n} | ${t.ms.toFixed(0)} (${pct(t.ms)}) | ${t.misses}, ${
      t.misses ? (t.missMs / t.misses).toFixed(2) : "–"
    } | ${hits ? ((t.ms - t.missMs) / hits).toFixed(3) : "–"} | ${t.errors} |`,
  );
}
console.log(
  `\nper-viewer pages built again: ${rebuilt.own} after the viewer's own write, ${rebuilt.others} after others' writes only`,
);
sheets.close();
database.close();
