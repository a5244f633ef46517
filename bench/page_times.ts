/**
 * Server time per page kind (issue 14), for `bench:campaign`: the pages of a
 * request list it wrote, requested through the app in this process one at a
 * time (`app.request()` to the last byte, gzip), each distinct page built
 * once per pass.
 *
 *   deno run -A --v8-flags=<the serve task's> bench/page_times.ts \
 *     <file.db> <bench/.campaign/list-NNNN.tsv> [--writes]
 *
 * `bench:campaign` starts it as it starts the server (the same V8 flags and
 * MALLOC_ARENA_MAX), so the figures are a server process's, not those of the
 * bench's own process and its heap of set-up data. It prints JSON:
 *
 * - `first`: the first pass, in a process that has built none of these pages
 *   yet. V8 compiles as it goes: the 50 pages of the 5,000-child list took
 *   2.6 ms each at p50 in the first pass, 1.1–1.5 in later ones.
 * - `warm`: {@link WARM_PASSES} more passes, each through a fresh app (an empty
 *   page cache, so every page is built again), pooled: what a page costs a
 *   server that has been running when a write has changed it. The issue's
 *   targets are about this figure.
 * - `writes` (with `--writes`): up to 40 of each kind of write, one at a
 *   time, after the reads (they change the tree).
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { createApp } from "../app.ts";
import { closeDb, openDb } from "../db/client.ts";
import { SheetThread } from "../lib/sheet_thread.ts";
import { stats } from "./common.ts";

/** Per page kind: p50 / p99 wall and p50 CPU of a build, in ms; the page's gzip and raw size in bytes. */
export interface PageTimes {
  p50: number;
  p99: number;
  cpu: number;
  gz: number;
  raw: number;
}

/** What a write costs: p50 / p99 wall and p50 CPU, in ms. */
export interface WriteTimes {
  p50: number;
  p99: number;
  cpu: number;
}

/** The measured passes after the first, pooled. */
export const WARM_PASSES = 3;

/** The JSON this script prints, as maps keyed by action. */
export function parseTimes(json: string): {
  first: Map<string, PageTimes>;
  warm: Map<string, PageTimes>;
  writes: Map<string, WriteTimes>;
} {
  const o = JSON.parse(json);
  return { first: new Map(o.first), warm: new Map(o.warm), writes: new Map(o.writes) };
}

/** CPU time of this process since `from` (user + system, ms): on a shared machine, wall time also counts waiting. */
const cpuMs = (from: ReturnType<typeof process.cpuUsage>) => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
};

if (import.meta.main) {
  const { values: opts, positionals: [file, listFile] } = parseArgs({
    args: Deno.args,
    options: { writes: { type: "boolean", default: false } },
    allowPositionals: true,
  });
  const served = (await openDb(`file:${file}`)).db;
  const sheets = new SheetThread({ keepReader: true });
  const appOf = () => createApp({ db: served, sheets });

  const reads = new Map<string, string[][]>();
  const writeLines = new Map<string, string[][]>();
  for (const line of (await Deno.readTextFile(listFile)).split("\n")) {
    const f = line.split("\t");
    const to = f[0] === "r" ? reads : f[0]?.startsWith("w") ? writeLines : undefined;
    if (!to) continue;
    const list = to.get(f[1]) ?? [];
    if (list.length < (f[0] === "r" ? 120 : 40)) list.push(f);
    to.set(f[1], list);
  }

  // Each bench session's first request writes its last-seen time (middleware/session.ts, then every few
  // minutes): that write is done here first, so a page's time is the page's.
  const first = appOf();
  for (const cookie of new Set([...reads.values()].flat().map((f) => f[4]))) {
    await (await first.request("/guide", { headers: { Cookie: cookie } })).arrayBuffer();
  }

  /** Each listed page of each kind once (gzip, then raw for its size) through `app`, pooled into `into`. */
  const pass = async (
    app: ReturnType<typeof createApp>,
    into: Map<string, { ms: number[]; cpu: number[]; gz: number[]; raw: number[] }>,
  ) => {
    for (const [action, list] of reads) {
      const got = into.get(action) ?? { ms: [], cpu: [], gz: [], raw: [] };
      into.set(action, got);
      for (const [, , , path, cookie, , hx] of list) {
        const headers: Record<string, string> = { Cookie: cookie, "Accept-Encoding": "gzip" };
        if (hx === "1") headers["HX-Request"] = "true";
        await new Promise((r) => setTimeout(r, 0));
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        const res = await app.request(path, { headers });
        const body = new Uint8Array(await res.arrayBuffer());
        got.ms.push(performance.now() - t0);
        got.cpu.push(cpuMs(c0));
        if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
        got.gz.push(body.length);
        const plain = await app.request(path, { headers: { ...headers, "Accept-Encoding": "identity" } });
        got.raw.push((await plain.arrayBuffer()).byteLength);
      }
    }
  };
  const summary = (m: Map<string, { ms: number[]; cpu: number[]; gz: number[]; raw: number[] }>) =>
    [...m].map(([action, t]): [string, PageTimes] => {
      const { p50, p99 } = stats(t.ms);
      return [action, { p50, p99, cpu: stats(t.cpu).p50, gz: stats(t.gz).p50, raw: stats(t.raw).p50 }];
    });

  const firstPass = new Map();
  await pass(first, firstPass);
  const warm = new Map();
  for (let i = 0; i < WARM_PASSES; i++) await pass(appOf(), warm);

  // Writes, one at a time (what each costs the serialised write path), after the reads: they change the tree.
  const writes: [string, WriteTimes][] = [];
  const app = appOf();
  for (const [action, list] of opts.writes ? writeLines : []) {
    const ms: number[] = [];
    const cpu: number[] = [];
    for (const [, , method, path, cookie, csrf, hx, ctype, body] of list) {
      const headers: Record<string, string> = { Cookie: cookie, "X-CSRF-Token": csrf, "Content-Type": ctype };
      if (hx === "1") headers["HX-Request"] = "true";
      const payload = body.startsWith("@")
        ? await Deno.readFile(body.slice(1))
        : body.replaceAll("{n}", `${Math.floor(Math.random() * 1e9)}`);
      await new Promise((r) => setTimeout(r, 0));
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const res = await app.request(path, { method, headers, body: payload });
      await res.arrayBuffer();
      ms.push(performance.now() - t0);
      cpu.push(cpuMs(c0));
      if (res.status >= 400) throw new Error(`${action} ${path}: ${res.status}`);
    }
    const { p50, p99 } = stats(ms);
    writes.push([action, { p50, p99, cpu: stats(cpu).p50 }]);
  }
  closeDb(served);
  sheets.close();
  console.log(JSON.stringify({ first: summary(firstPass), warm: summary(warm), writes }));
  Deno.exit(0);
}
