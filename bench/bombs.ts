/**
 * bench:bombs — feeds a running server (started as `deno task start` starts
 * it: 256 MB V8 heap, MALLOC_ARENA_MAX=2) spreadsheet bombs and large
 * anonymous bodies while another client keeps requesting pages, and prints
 * the server's peak RSS (target < 300 MB), the upload readers' peak RSS (their
 * own processes) and the other requests' latency (target: max < 100 ms).
 *
 *   deno task bench:bombs
 */
import { eq } from "drizzle-orm";
import { closeDb, openDb } from "../db/client.ts";
import { initialiseTree } from "../db/seed.ts";
import { orgs } from "../db/schema.ts";
import { adminCookie, serveCommand, stats } from "./common.ts";
import { branchRows, manyRows, xlsxFile, zipBomb } from "../tests/import_files.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const dir = await Deno.makeTempDir({ prefix: "zhtj-bombs-" });
const dbUrl = `file:${dir}/app.db`;

// A fresh national start (3,350 orgs) and an admin of 团济南市委 to upload as.
const db = (await openDb(dbUrl)).db;
await initialiseTree(db);
const [jinan] = await db.select().from(orgs).where(eq(orgs.shortName, "团济南市委"));
const cookie = await adminCookie(db, jinan.id);
closeDb(db);
const TOKEN = cookie.match(/csrf=([^;]+)/)![1];

// The server, with the flags of `deno task serve` (what `deno task start` runs after migrating).
const { flags, env } = await serveCommand(new URL("..", import.meta.url));
const port = 18000 + Math.floor(Math.random() * 1000);
const server = new Deno.Command(Deno.execPath(), {
  args: ["run", ...flags, "main.ts"],
  cwd: ROOT,
  env: { ...env, DATABASE_URL: dbUrl, PORT: String(port), HOST: "127.0.0.1" },
  stdout: "null",
  stderr: "piped",
}).spawn();
const base = `http://127.0.0.1:${port}`;
for (let i = 0;; i++) {
  try {
    const res = await fetch(`${base}/login`);
    await res.body?.cancel();
    if (res.ok) break;
  } catch {
    if (i > 200) throw new Error("the server did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** VmRSS / VmHWM (kB) of a process, or 0 once it has ended. */
async function memOf(pid: number): Promise<{ rss: number; hwm: number }> {
  try {
    const s = await Deno.readTextFile(`/proc/${pid}/status`);
    const kb = (k: string) => Number(s.match(new RegExp(`${k}:\\s+(\\d+)`))?.[1] ?? 0);
    return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

/** The pids whose parent is `pid` (the upload readers). */
async function childrenOf(pid: number): Promise<number[]> {
  const out: number[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const stat = await Deno.readTextFile(`/proc/${e.name}/stat`);
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) out.push(Number(e.name));
    } catch { /* ended */ }
  }
  return out;
}

let running = true;
let serverPeak = 0, readerPeak = 0;
const sampler = (async () => {
  while (running) {
    serverPeak = Math.max(serverPeak, (await memOf(server.pid)).hwm);
    for (const child of await childrenOf(server.pid)) {
      readerPeak = Math.max(readerPeak, (await memOf(child)).rss);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
})();

// Everything the attacks send is built first: building it would stall this process's own timing.
const kb = (b: Uint8Array) => `${Math.round(b.length / 1024)} KB`;
const bomb150 = zipBomb(150), bomb100 = zipBomb(100), million = manyRows(1_000_000);
const rows200k = manyRows(200_000), valid = await xlsxFile(branchRows(5000));
const blob200 = new Blob(Array.from({ length: 200 }, () => new Uint8Array(1024 * 1024).fill(0x61)));

// The other client: pages one after another, as a browser would ask for them, timed in a worker of its own
// (bench/page_client.ts): this thread's own work on the attacks' bodies would otherwise count as the server's.
const latencies: number[] = [];
const pages = ["/login", `/orgs/${jinan.id}`, `/orgs/${jinan.id}/children`, `/tree/${jinan.id}`];
const client = new Worker(new URL("./page_client.ts", import.meta.url), { type: "module" });
const other = new Promise<void>((resolve, reject) => {
  client.onmessage = (e: MessageEvent<{ ms: number; page: string; status: number } | "done">) => {
    if (e.data === "done") return resolve();
    if (e.data.status !== 200) return reject(new Error(`${e.data.page}: ${e.data.status}`));
    latencies.push(e.data.ms);
  };
  client.onerror = (e) => reject(e);
});
client.postMessage({ base, cookie, pages });

/** Uploads `bytes` as the batch file; returns status and the message shown. */
async function upload(bytes: Uint8Array<ArrayBuffer>) {
  const form = new FormData();
  form.set("_csrf", TOKEN);
  form.set("file", new File([bytes], "bomb.xlsx"));
  const res = await fetch(`${base}/orgs/${jinan.id}/import`, {
    method: "POST",
    body: form,
    headers: { Cookie: cookie },
    redirect: "manual",
  });
  const html = await res.text();
  const message = html.match(/class="(?:errors|error)"[^>]*>(?:<[^>]+>)*([^<]+)/)?.[1]?.slice(0, 36) ?? "";
  return `${res.status} ${message}`;
}

/** Posts `mb` megabytes to /register without a cookie, streamed (no Content-Length) or in one piece. */
async function bigBody(mb: number, streamed: boolean) {
  const chunk = new Uint8Array(1024 * 1024).fill(0x61);
  let sent = 0;
  const body = streamed
    ? new ReadableStream<Uint8Array>({
      pull(ctl) {
        if (sent >= mb) return ctl.close();
        sent++;
        ctl.enqueue(chunk);
      },
    })
    : blob200.slice(0, mb * 1024 * 1024);
  try {
    const res = await fetch(`${base}/register`, {
      method: "POST",
      body,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    await res.body?.cancel();
    return `${res.status}${streamed ? ` after ${sent} MB sent` : ""}`;
  } catch (e) {
    return `connection closed (${(e as Error).message.slice(0, 40)})${
      streamed ? ` after ${sent} MB sent` : ""
    }`;
  }
}

const attacks: [string, () => Promise<string>][] = [
  [`zip bomb, ${kb(bomb150)} → 150 MB`, () => upload(bomb150)],
  [`zip bomb, ${kb(bomb100)} → 100 MB`, () => upload(bomb100)],
  [`1,000,000 rows (${kb(million)})`, () => upload(million)],
  [`200,000 rows (${kb(rows200k)})`, () => upload(rows200k)],
  [`5,000 valid rows (${kb(valid)}, for comparison)`, () => upload(valid)],
  ["400 MB anonymous body, streamed", () => bigBody(400, true)],
  ["200 MB anonymous body, Content-Length", () => bigBody(200, false)],
];
const lines: string[] = [];
for (const [name, run] of attacks) {
  const t0 = performance.now(), from = latencies.length;
  const outcome = await run();
  const worst = Math.max(0, ...latencies.slice(from));
  lines.push(
    `| ${name} | ${outcome} | ${((performance.now() - t0) / 1000).toFixed(2)} s | ${worst.toFixed(1)} ms |`,
  );
}
// Several at once, too.
const t0 = performance.now(), from = latencies.length;
const together = await Promise.all([upload(bomb150), upload(million), bigBody(100, true)]);
lines.push(
  `| the three at once | ${together.map((s) => s.split(" ")[0]).join(", ")} | ${
    ((performance.now() - t0) / 1000).toFixed(2)
  } s | ${Math.max(0, ...latencies.slice(from)).toFixed(1)} ms |`,
);
await new Promise((r) => setTimeout(r, 500));
running = false;
client.postMessage("stop");
await Promise.all([sampler, other]);
client.terminate();
const alive = await fetch(`${base}/login`).then((r) => (r.body?.cancel(), r.status)).catch(() => 0);
server.kill("SIGTERM");
await server.status;
await Deno.remove(dir, { recursive: true });

const l = stats(latencies);
console.log("| attack | answer | time | other pages' max latency meanwhile |\n| --- | --- | --- | --- |");
for (const line of lines) console.log(line);
console.log(`\nserver still answering afterwards: ${alive === 200 ? "yes" : `no (${alive})`}`);
console.log(`peak RSS of the server (VmHWM): ${(serverPeak / 1024).toFixed(0)} MB (target < 300 MB)`);
console.log(`peak RSS of an upload reader subprocess: ${(readerPeak / 1024).toFixed(0)} MB (160 MB V8 heap)`);
console.log(
  `other client's pages during the run: ${latencies.length} requests, p50 ${l.p50.toFixed(1)} ms, p99 ${
    l.p99.toFixed(1)
  } ms, max ${l.max.toFixed(1)} ms (target max < 100 ms)`,
);
