/**
 * Member benchmarks (issue 16) on a tree with members (BENCH_DB, default
 * data/national.db after `deno task gen:national --members 0.1`):
 *
 *   deno task bench:members
 *
 * member figures at nodes of every level, a branch's member page (server time
 * inside app.request), the national duplicate-ID check, an Excel import of
 * 5,000 members into a new branch (upload, check, confirm), peak RSS, and the
 * database bytes per member.
 */
import { count, eq, sql } from "drizzle-orm";
import { createApp } from "../app.ts";
import { createChildren } from "../db/children.ts";
import { closeDb, openDb, writeTx } from "../db/client.ts";
import { beijingDay } from "../lib/member_rules.ts";
import { directMemberCounts } from "../db/member_progress.ts";
import { holderOfId, memberCountsOf, rollDue, verifyMemberCounters } from "../db/members.ts";
import { getOrg } from "../db/orgs.ts";
import { members, orgs } from "../db/schema.ts";
import { SheetThread } from "../lib/sheet_thread.ts";
import { uploadForm } from "../tests/import_files.ts";
import { adminCookie, fmt, stats } from "./common.ts";

const file = Deno.env.get("BENCH_DB") ?? "data/national.db";
const db = (await openDb(`file:${file}`, { backgroundCheckpoints: true })).db;
const sheets = new SheetThread({ keepReader: true });
const app = createApp({ db, sheets });
let peakRss = 0;
const rss = setInterval(() => (peakRss = Math.max(peakRss, Deno.memoryUsage().rss)), 20);
const lines: string[] = [];
const row = (what: string, measured: string, target = "") => {
  lines.push(`| ${what} | ${measured} | ${target} |`);
  console.log(`${what}: ${measured}${target ? ` (target ${target})` : ""}`);
};
const yieldNow = () => new Promise((r) => setTimeout(r, 0));

const [{ total }] = await db.select({ total: count() }).from(members);
const [root] = await db.select().from(orgs).where(eq(orgs.id, 1));
console.log(`${file}: ${root.subOrgs.toLocaleString()} orgs, ${total.toLocaleString()} members`);

// ---- member figures at any node -------------------------------------------------------------------------
const [{ maxLevel }] = await db.select({ maxLevel: sql<number>`max(${orgs.level})` }).from(orgs);
// As the progress page reads them: the org's row through the prepared reader (db/orgs.ts getOrg, which the org
// app's guard runs on every page) folded by memberCountsOf, and the direct children's grouped query (kept per
// org until a write names it: only its first, cold read is timed). 团中央 is one node, read 200 times.
for (let level = 1; level <= maxLevel; level++) {
  const ids = level === 1 ? Array<number>(200).fill(1) : (await db.all<{ id: number }>(
    sql`SELECT id FROM orgs WHERE level = ${level} ORDER BY random() LIMIT 200`,
  )).map((r) => r.id);
  const own: number[] = [], direct: number[] = [];
  const seen = new Set<number>();
  for (const id of ids) {
    let t0 = performance.now();
    memberCountsOf((await getOrg(db, id))!);
    own.push(performance.now() - t0);
    if (!seen.has(id)) {
      seen.add(id);
      t0 = performance.now();
      await directMemberCounts(db, id);
      direct.push(performance.now() - t0);
    }
    await yieldNow();
  }
  const s = stats(own), d = stats(direct);
  row(
    `member figures at level ${level} (${level === 1 ? "团中央, 200 reads" : `${ids.length} nodes`})`,
    `subtree ${fmt(s.p50)} p50 / ${fmt(s.p99)} p99; direct children (first read) ${fmt(d.p50)}${
      direct.length > 1 ? ` / ${fmt(d.p99)}` : ""
    }`,
    level === 1 ? "≤ 1 ms" : "",
  );
}

// ---- a branch's member page -----------------------------------------------------------------------------
{
  const [b] = await db.all<{ id: number; n: number }>(
    sql`SELECT id, member_count AS n FROM orgs WHERE category = 5 AND member_count BETWEEN 18 AND 40 LIMIT 1`,
  );
  const [big] = await db.all<{ id: number; n: number }>(
    sql`SELECT id, member_count AS n FROM orgs WHERE category = 5 AND member_count > 50 LIMIT 1`,
  );
  for (const branch of [b, big].filter(Boolean)) {
    const cookie = await adminCookie(db, branch.id);
    const ms: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 300; i++) {
      const t0 = performance.now();
      const res = await app.request(`/orgs/${branch.id}/members`, { headers: { Cookie: cookie } });
      const body = await res.arrayBuffer();
      ms.push(performance.now() - t0);
      bytes = body.byteLength;
      if (res.status !== 200) throw new Error(`member page: ${res.status}`);
      await yieldNow();
    }
    const s = stats(ms);
    row(
      `a branch's member page (${branch.n} members, ${bytes} bytes)`,
      `server ${fmt(s.p50)} p50 / ${fmt(s.p99)} p99`,
      "≤ 2 ms",
    );
  }
}

// ---- the national duplicate-ID check --------------------------------------------------------------------
{
  const existing = (await db.all<{ id: string }>(
    sql`SELECT id_number AS id FROM members WHERE rowid IN (SELECT abs(random()) % (SELECT max(rowid) FROM members) + 1 FROM members LIMIT 300)`,
  )).map((r) => r.id);
  const hit: number[] = [], miss: number[] = [];
  for (const id of existing) {
    let t0 = performance.now();
    if (!(await holderOfId(db, id))) throw new Error("lookup failed");
    hit.push(performance.now() - t0);
    const other = `99999${id.slice(5)}`;
    t0 = performance.now();
    await holderOfId(db, other);
    miss.push(performance.now() - t0);
    await yieldNow();
  }
  const h = stats(hit), m = stats(miss);
  row(
    "national duplicate-ID check (held / free)",
    `${fmt(h.p50)} / ${fmt(h.p99)} p99 held; ${fmt(m.p50)} / ${fmt(m.p99)} p99 free`,
    "≤ 1 ms",
  );
}

// ---- import of 5,000 members ----------------------------------------------------------------------------
// Twice, side by side: read by a subprocess started for the upload (a server without a kept reader), then by
// the server's warmed reader (server.ts: SheetThread({ keepReader: true })).
const importOnce = async (how: string, app: ReturnType<typeof createApp>) => {
  const [county] = await db.select().from(orgs).where(eq(orgs.level, 4)).limit(1);
  // createChildren, not bulkAppend: the latter recounts the whole tree (4 million rows in memory).
  const name = `压测${Date.now().toString(36)}团支部`;
  const [{ id: branchId }] = await writeTx(
    db,
    (tx) =>
      createChildren(
        tx,
        county.id,
        [{ shortName: name, category: 5, fullName: `${name}委员会` }],
        0,
        new Date(),
      ),
  );
  const cookie = await adminCookie(db, branchId);
  const csrf = cookie.match(/csrf=([^;]+)/)![1];
  // ID numbers of region 99xxxx (the generator's regions end at 649999), each run's after the earlier runs'
  // (a start from the clock, below 105,000, let two runs' 5,000 overlap and the repeats were refused).
  const [{ earlier }] = await db.all<{ earlier: number }>(
    sql`SELECT count(*) AS earlier FROM members WHERE id_number >= '99'`,
  );
  // Written by another process: exceljs here would add to the server's RSS.
  const made = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { memberFile } from "${new URL("../tests/member_files.ts", import.meta.url).href}";
       await ReadableStream.from([await memberFile(5000, 990000, ${
        100_000 + earlier
      })]).pipeTo(Deno.stdout.writable);`,
    ],
    stdout: "piped",
  }).output();
  if (!made.success) throw new Error("writing the upload file failed");
  const form = uploadForm(made.stdout, "团员.xlsx");
  form.set("_csrf", csrf);
  const t0 = performance.now();
  const up = await app.request(`/orgs/${branchId}/members/import`, {
    method: "POST",
    body: form,
    headers: { Cookie: cookie },
  });
  const url = up.headers.get("Location");
  if (!url) throw new Error(`upload: ${up.status} ${(await up.text()).slice(0, 500)}`);
  const checked = performance.now();
  const confirm = await app.request(`${url}/confirm`, {
    method: "POST",
    body: new URLSearchParams({ _csrf: csrf }),
    headers: { Cookie: cookie },
  });
  const ms = performance.now() - t0;
  const [b] = await db.select().from(orgs).where(eq(orgs.id, branchId));
  if (confirm.status !== 303 || b.memberCount !== 5000) throw new Error(`import failed: ${b.memberCount}`);
  row(
    `Excel import of 5,000 members, ${how} (upload + check, confirm)`,
    `${(ms / 1000).toFixed(2)} s (${((checked - t0) / 1000).toFixed(2)} s + ${
      ((performance.now() - checked) / 1000).toFixed(2)
    } s), peak RSS so far ${(peakRss / 1e6).toFixed(0)} MB`,
    "≤ 3 s",
  );
};
{
  const cold = new SheetThread();
  await importOnce("reader started for the upload", createApp({ db, sheets: cold }));
  await cold.close();
  await importOnce("the server's kept reader", app);
}

// ---- the daily 应离团 roll, for tomorrow, rolled back afterwards ----------------------------------------------
{
  const day = beijingDay(new Date(Date.now() + 86400_000));
  let flagged = 0, ms = 0;
  const undo = new Error("undo");
  await writeTx(db, async (tx) => {
    const t0 = performance.now();
    flagged = await rollDue(tx, day);
    ms = performance.now() - t0;
    throw undo;
  }).catch((e) => {
    if (e !== undo) throw e;
  });
  row(
    "daily 应离团 roll (one day, rolled back)",
    `${flagged.toLocaleString()} members turning 28 in ${ms.toFixed(0)} ms`,
  );
}

clearInterval(rss);
row(
  "peak RSS of the bench process (serving the requests above)",
  `${(peakRss / 1e6).toFixed(0)} MB`,
  "≤ 300 MB",
);

// ---- database bytes per member --------------------------------------------------------------------------
{
  const t0 = performance.now();
  let bytes = 0;
  try {
    const [r] = await db.all<{ b: number }>(
      sql`SELECT sum(pgsize) AS b FROM dbstat WHERE name IN ('members', 'members_id_number_uq', 'members_member_no_uq', 'members_org_idx', 'members_leave_idx')`,
    );
    bytes = r.b;
  } catch {
    bytes = 0;
  }
  const [{ n }] = await db.select({ n: count() }).from(members);
  row(
    "database bytes per member (table and its indexes)",
    bytes
      ? `${Math.round(bytes / n)} bytes (${(bytes / 1e9).toFixed(2)} GB for ${n.toLocaleString()})`
      : "dbstat not available",
  );
  console.error(`(dbstat took ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
if (Deno.env.get("BENCH_VERIFY")) {
  const problems = await verifyMemberCounters(db);
  row(
    "member counters after the bench (full recount)",
    problems.length ? `${problems.length} mismatches` : "exact",
  );
}
await sheets.close();
closeDb(db);
await Deno.writeTextFile(
  new URL("./MEMBERS.md", import.meta.url),
  `| what | measured | target |\n| --- | --- | --- |\n${lines.join("\n")}\n`,
);
