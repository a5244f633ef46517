/**
 * Adds members to a generated national tree (issue 16):
 *
 *   deno task gen:national --members 0.1 [--out data/national.db] [--seed 42]
 *
 * With an existing tree in --out, only the members are (re)generated. Each
 * 团支部 is entered with probability DENSITY (1.0: every branch, about 18
 * members each, 7,400万 in all) with a size and ages that fit its 行业类别
 * (初中 classes of 13–15-year-olds, university classes, villages of 2–15,
 * companies; some under 3, some over 50, some members past 28), 56
 * nationalities weighted like the census, 学历 by age, 团员编号 for most.
 * Every 1,000th member is re-checked with the form's own rule (checkMember).
 *
 * Rows are written with the members table's indexes dropped and rebuilt
 * afterwards (sorting once is far quicker than 7 million random inserts into
 * a unique index), then every org's member counters are computed bottom-up in
 * memory, written where they changed, and compared with a recount read back
 * from the database.
 *
 * All of it goes through one connection of the libsql binding, each statement
 * prepared once and run again and again. Through @libsql/client every
 * `execute`/`batch` statement is prepared anew, and under Deno the binding's
 * native statements are never freed, not even by a forced `gc()` or closing the
 * client (measured: about 1.1 MB per 500-row INSERT, 4.4 KB per small SELECT):
 * RSS grew by about 2 KB per member, 23 GB at 11.9M. Reused, the one INSERT's
 * `run()` keeps RSS flat (about 300 MB). `iterate()`/`all()` leave about 1 KB
 * each even on a reused statement, so reads here are single streaming scans.
 */
import Database from "libsql";
import { loadDivisions } from "../db/seed.ts";
import { checkDigit } from "../lib/id_number.ts";
import { MEMBER_COUNTERS, memberFlags } from "../lib/member_counters.ts";
import {
  beijingDay,
  checkMember,
  EDUCATION,
  ETHNICITIES,
  isDueToLeave,
  leaveDay,
  MEMBER_FIELDS,
} from "../lib/member_rules.ts";
import { INDUSTRIES } from "../lib/org_rules.ts";
import { placeNames } from "../lib/places.ts";

const SURNAMES = [
  ..."王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤",
];
const GIVEN = [
  ..."伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力丹林宇浩然子涵欣怡梓轩一诺雨萱思远博文佳琪晨阳志鹏雅婷俊杰",
];
/** Rough census shares of the larger minorities (per 10,000); the rest spread over the others. */
const MINORITY_WEIGHT: Record<string, number> = {
  壮族: 140,
  回族: 80,
  满族: 75,
  维吾尔族: 85,
  苗族: 80,
  彝族: 70,
  土家族: 70,
  藏族: 50,
  蒙古族: 45,
};

/** The process's memory: resident, the V8 heap, and the rest (native: SQLite, libsql, buffers). */
function memory() {
  const m = Deno.memoryUsage();
  const mb = (b: number) => `${Math.round(b / 1e6)} MB`;
  return `rss ${mb(m.rss)} (heap ${mb(m.heapUsed)}/${mb(m.heapTotal)}, native ${mb(m.rss - m.heapTotal)})`;
}

/** Options of a run. */
export interface MemberGenOptions {
  density: number;
  seed: number;
  now: Date;
  log?: (line: string) => void;
}

/** A connection of the libsql binding (the generator's own, next to the app's client). */
export type Connection = InstanceType<typeof Database>;

/** Opens `file` with the binding, waiting on locks and committing as the app does. */
export function openConnection(file: string): Connection {
  const raw = new Database(file);
  raw.exec("PRAGMA busy_timeout=5000");
  raw.exec("PRAGMA synchronous=NORMAL");
  return raw;
}

/** Generates members (see the module comment) through `raw`; returns what it did. */
export async function generateMembers(raw: Connection, o: MemberGenOptions) {
  const log = o.log ?? ((l: string) => console.error(l));
  const t0 = performance.now();
  let state = o.seed >>> 0;
  const rand = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const between = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)];
  const today = beijingDay(o.now);
  const thisYear = Math.floor(today / 10000);

  // ---- the tree's rows ----------------------------------------------------------------------------------
  const [max] = raw.prepare("SELECT coalesce(max(id), 0) FROM orgs").raw(true).get() as [number];
  const N = max + 1;
  const parent = new Int32Array(N), level = new Uint8Array(N), cat = new Uint8Array(N);
  const industry = new Uint8Array(N), region = new Int32Array(N), present = new Uint8Array(N);
  const K = MEMBER_COUNTERS.length;
  const stored = new Int32Array(N * (K + 2));
  const COLUMN: Record<(typeof MEMBER_COUNTERS)[number], string> = {
    members: "sub_members",
    filled: "sub_filled",
    small: "sub_small",
    large: "sub_large",
    due: "sub_due",
    membersW1: "sub_members_w1",
    membersW2: "sub_members_w2",
    filledW1: "sub_filled_w1",
    filledW2: "sub_filled_w2",
    branchesW1: "sub_branches_w1",
    branchesW2: "sub_branches_w2",
  };
  const cols = MEMBER_COUNTERS.map((k) => COLUMN[k]);
  const industries = INDUSTRIES as readonly string[];
  const orgRows = raw.prepare(
    `SELECT id, parent_id, level, category, industry, path, member_count, due_count, ${
      cols.join(", ")
    } FROM orgs`,
  ).raw(true).iterate() as IterableIterator<(number | string | null)[]>;
  for (const r of orgRows) {
    const id = r[0] as number;
    present[id] = 1;
    parent[id] = (r[1] as number | null) ?? 0;
    level[id] = r[2] as number;
    cat[id] = r[3] as number;
    industry[id] = r[4] ? industries.indexOf(r[4] as string) + 1 : 0;
    // The ID numbers' region: the county (level 4) or province above, as a 6-digit code.
    const ids = String(r[5]).split("/").filter(Boolean).map(Number);
    region[id] = ids[Math.min(3, ids.length - 1)];
    for (let k = 0; k < K + 2; k++) stored[id * (K + 2) + k] = r[6 + k] as number;
  }
  log(`read ${N - 1} orgs in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // ---- members ------------------------------------------------------------------------------------------
  raw.exec("DELETE FROM members");
  for (const ix of ["members_id_number_uq", "members_member_no_uq", "members_org_idx", "members_leave_idx"]) {
    raw.exec(`DROP INDEX IF EXISTS ${ix}`);
  }
  const places = [...placeNames(await loadDivisions())];
  const others = ETHNICITIES.filter((e) => e !== "汉族" && e !== "其他");
  const ethnicity = () => {
    const x = rand() * 10000;
    if (x < 9100) return "汉族";
    let acc = 9100;
    for (const [e, w] of Object.entries(MINORITY_WEIGHT)) if (x < (acc += w)) return e;
    return pick(others);
  };
  // The sequence number per (region, birth date): a dense table, not a Map (V8's stop at 2^24 entries).
  const regionIndex = new Map<number, number>();
  const DAYS = 40 * 12 * 31;
  let seqs = new Uint16Array(DAYS * 64);
  const memberCount = new Int32Array(N), dueCount = new Int32Array(N);
  let noCounter = 0, total = 0, skipped = 0;
  const ind = (id: number) => (industry[id] ? INDUSTRIES[industry[id] - 1] : null);
  const MEMBER_COLS =
    "org_id, name, id_number, ethnicity, political, joined_ym, edu_full, edu_highest, mobile, member_no, occupation, employer, hukou, party_ym, position, leave_on, due, created_at";
  const per = MEMBER_COLS.split(",").length;
  const ROWS = 500;
  let buffer: (string | number | null)[] = [];
  let full: (string | number | null)[][] = [];
  const insertOf = (rows: number) =>
    raw.prepare(
      `INSERT INTO members (${MEMBER_COLS}) VALUES ${
        Array(rows).fill(`(${Array(per).fill("?").join(",")})`)
      }`,
    );
  const insert = insertOf(ROWS);
  /** Writes the full statements and, at the end, the rest in one transaction. */
  const write = (last = false) => {
    raw.exec("BEGIN IMMEDIATE");
    for (const args of full) insert.run(args);
    if (last && buffer.length) insertOf(buffer.length / per).run(buffer);
    raw.exec("COMMIT");
    full = [];
  };
  const createdAt = o.now.getTime();
  let lastLog = performance.now(), lastTotal = 0;
  const POSITIONS = ["书记", "组织委员", "宣传委员"];

  for (let id = 1; id < N; id++) {
    if (!present[id] || cat[id] !== 5 || rand() >= o.density) continue;
    const kind = ind(id);
    // Size and birth years by field.
    let size: number, y0: number, y1: number, school: string | null = null;
    switch (kind) {
      case "初中":
        size = between(12, 30), y0 = thisYear - 15, y1 = thisYear - 14, school = "初中";
        break;
      case "普通高中":
        size = between(18, 40), y0 = thisYear - 18, y1 = thisYear - 16, school = "普通高中";
        break;
      case "普通高等院校":
        size = between(10, 30), y0 = thisYear - 23, y1 = thisYear - 19, school = "大学本科";
        break;
      case "农村":
        size = between(2, 12), y0 = thisYear - 29, y1 = thisYear - 17;
        break;
      case "城市社区":
        size = between(3, 15), y0 = thisYear - 29, y1 = thisYear - 17;
        break;
      default:
        size = between(4, 20), y0 = thisYear - 30, y1 = thisYear - 19;
    }
    const r = rand();
    if (r < 0.03) size = between(51, 80); // should split
    else if (r < 0.08) size = between(1, 2); // below the minimum
    for (let k = 0; k < size; k++) {
      const by = between(y0, y1), bm = between(1, 12), bd = between(1, 28);
      const rg = 110000 + (region[id] * 7919) % 540000;
      let ri = regionIndex.get(rg);
      if (ri === undefined) {
        regionIndex.set(rg, ri = regionIndex.size);
        if ((ri + 1) * DAYS > seqs.length) {
          const grown = new Uint16Array(seqs.length * 2);
          grown.set(seqs);
          seqs = grown;
        }
      }
      const key = ri * DAYS + ((by - (thisYear - 40)) * 12 + bm - 1) * 31 + bd - 1;
      const seq = seqs[key] + 1;
      if (seq > 999) {
        skipped++;
        continue;
      }
      seqs[key] = seq;
      const body = `${rg}${by}${String(bm).padStart(2, "0")}${String(bd).padStart(2, "0")}${
        String(seq).padStart(3, "0")
      }`;
      const idNumber = body + checkDigit(body);
      const joinY = Math.min(thisYear, by + between(14, 16)), joinM = between(1, 12);
      const joined = `${joinY}-${String(joinM).padStart(2, "0")}`;
      const age = thisYear - by;
      const party = age >= 20 && rand() < 0.04;
      const political = party ? (rand() < 0.4 ? "中共预备党员" : "中共党员") : "共青团员";
      const partyYm = party ? `${Math.max(joinY, by + 19)}-${String(between(1, 12)).padStart(2, "0")}` : null;
      const eduFull = school ?? pick(["大学本科", "大学专科", "中等职业教育", "普通高中", "初中"]);
      const eduHighest = !school && rand() < 0.1
        ? EDUCATION[Math.max(0, EDUCATION.indexOf(eduFull as never) - 1)]
        : null;
      const memberNo = rand() < 0.7
        ? `${joinY >= 2019 ? joinY : between(1000, 9999)}${String(++noCounter).padStart(8, "0")}`
        : null;
      const position = k < POSITIONS.length && size >= 3 ? POSITIONS[k] : null;
      const leaveOn = leaveDay({ year: by, month: bm, day: bd });
      const due = isDueToLeave(leaveOn, position, today) ? 1 : 0;
      const name = pick(SURNAMES) + pick(GIVEN) + (rand() < 0.6 ? pick(GIVEN) : "");
      const mobile = `1${pick(["38", "39", "50", "58", "86", "87", "77", "99"])}${
        String(Math.floor(rand() * 1e8)).padStart(8, "0")
      }`;
      const row = [
        id,
        name,
        idNumber,
        ethnicity(),
        political,
        joined,
        eduFull,
        eduHighest,
        mobile,
        memberNo,
        school ? "在校学生" : pick(["职员", "工人", "农民", "个体经营", "教师", "医务人员"]),
        null,
        rand() < 0.5 ? pick(places) : null,
        partyYm,
        position,
        leaveOn,
        due,
        createdAt,
      ];
      if (total % 1000 === 0) {
        const input = Object.fromEntries(MEMBER_FIELDS.map((f) => [f.field, ""])) as Record<string, string>;
        Object.assign(input, {
          name,
          idNumber,
          ethnicity: row[3],
          political,
          joinedYm: joined,
          eduFull,
          eduHighest: eduHighest ?? "",
          mobile,
          memberNo: memberNo ?? "",
          hukou: row[12] ?? "",
          partyYm: partyYm ?? "",
          position: position ?? "",
        });
        const checked = checkMember(input as never, { now: o.now, isPlace: () => true });
        if (!checked.ok) {
          throw new Error(`generated member breaks a rule: ${JSON.stringify(checked.problems)}`);
        }
      }
      buffer.push(...row);
      if (buffer.length >= ROWS * per) full.push(buffer), buffer = [];
      memberCount[id]++;
      dueCount[id] += due;
      total++;
    }
    if (full.length >= 40) write();
    if (performance.now() - lastLog > 10_000) {
      const rate = ((total - lastTotal) * 1000) / (performance.now() - lastLog);
      lastLog = performance.now(), lastTotal = total;
      log(`members: ${total.toLocaleString()} … ${Math.round(rate).toLocaleString()}/s, ${memory()}`);
    }
  }
  write(true);
  seqs = new Uint16Array(0);
  const written = performance.now();
  log(`wrote ${total.toLocaleString()} members in ${((written - t0) / 1000).toFixed(1)} s; indexing …`);
  raw.exec("CREATE UNIQUE INDEX members_id_number_uq ON members (id_number)");
  raw.exec("CREATE UNIQUE INDEX members_member_no_uq ON members (member_no)");
  raw.exec("CREATE INDEX members_org_idx ON members (org_id, id)");
  raw.exec("CREATE INDEX members_leave_idx ON members (leave_on) WHERE due = 0 AND position IS NULL");
  const indexed = performance.now();
  log(`indexed in ${((indexed - written) / 1000).toFixed(1)} s; counters …`);

  // ---- counters, deepest level first ---------------------------------------------------------------------
  const sub = new Int32Array(N * K);
  const byLevel: number[][] = [];
  for (let id = 1; id < N; id++) if (present[id]) (byLevel[level[id]] ??= []).push(id);
  for (let l = byLevel.length - 1; l >= 1; l--) {
    for (const id of byLevel[l] ?? []) {
      const f = memberFlags({
        category: cat[id],
        industry: ind(id),
        memberCount: memberCount[id],
        dueCount: dueCount[id],
      });
      for (let k = 0; k < K; k++) {
        sub[id * K + k] += f[MEMBER_COUNTERS[k]];
        if (parent[id]) sub[parent[id] * K + k] += sub[id * K + k];
      }
    }
  }
  const changed: number[] = [];
  for (let id = 1; id < N; id++) {
    if (!present[id]) continue;
    const s = id * (K + 2);
    let same = stored[s] === memberCount[id] && stored[s + 1] === dueCount[id];
    for (let k = 0; same && k < K; k++) same = stored[s + 2 + k] === sub[id * K + k];
    if (!same) changed.push(id);
  }
  const update = raw.prepare(
    `UPDATE orgs SET ${
      ["member_count", "due_count", ...cols].map((c) => `${c} = ?`).join(", ")
    } WHERE id = ?`,
  );
  for (let i = 0; i < changed.length; i += 50_000) {
    raw.exec("BEGIN IMMEDIATE");
    for (const id of changed.slice(i, i + 50_000)) {
      update.run([memberCount[id], dueCount[id], ...sub.subarray(id * K, id * K + K), id]);
    }
    raw.exec("COMMIT");
  }
  raw.prepare(
    "INSERT INTO settings (key, value) VALUES ('members.rolled_to', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
  ).run([JSON.stringify(today)]);
  raw.exec("ANALYZE members");
  const counted = performance.now();
  log(
    `counters written for ${changed.length.toLocaleString()} orgs in ${
      ((counted - indexed) / 1000).toFixed(1)
    } s; checking …`,
  );

  // ---- check: the database's own group-by and stored counters against the arrays -----------------------
  const problems: string[] = [];
  const groups = raw.prepare("SELECT org_id, count(*), sum(due) FROM members GROUP BY org_id").raw(true)
    .iterate() as IterableIterator<number[]>;
  let groupTotal = 0;
  for (const [id, n, d] of groups) {
    groupTotal += n;
    if (n !== memberCount[id] || d !== dueCount[id]) problems.push(`org ${id} members`);
  }
  if (groupTotal !== total) problems.push(`members table has ${groupTotal}, generated ${total}`);
  const counters = raw.prepare(`SELECT id, member_count, ${cols.join(", ")} FROM orgs`).raw(true)
    .iterate() as IterableIterator<number[]>;
  for (const r of counters) {
    const id = r[0];
    if (r[1] !== memberCount[id]) problems.push(`org ${id} member_count`);
    for (let k = 0; k < K; k++) {
      if (r[2 + k] !== sub[id * K + k]) problems.push(`org ${id} ${cols[k]}`);
    }
    if (problems.length > 20) break;
  }
  const done = performance.now();
  return {
    members: total,
    skipped,
    branches: sub[1 * K + 1],
    due: sub[1 * K + MEMBER_COUNTERS.indexOf("due")],
    problems,
    seconds: {
      write: (written - t0) / 1000,
      index: (indexed - written) / 1000,
      counters: (counted - indexed) / 1000,
      check: (done - counted) / 1000,
      total: (done - t0) / 1000,
    },
  };
}

/** Runs {@link generateMembers} and prints its summary (for gen_national). */
export async function runMemberGeneration(file: string, density: number, seed: number) {
  const before = (await Deno.stat(file)).size;
  const raw = openConnection(file);
  const r = await generateMembers(raw, { density, seed, now: new Date() });
  raw.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  raw.close();
  const after = (await Deno.stat(file)).size;
  console.log(
    `members: ${r.members.toLocaleString()} in ${r.branches.toLocaleString()} branches (density ${density})`,
  );
  console.log(`  应离团 ${r.due.toLocaleString()}, skipped ${r.skipped}`);
  console.log(
    `  file ${(before / 1e9).toFixed(2)} GB → ${(after / 1e9).toFixed(2)} GB: ${
      r.members ? Math.round((after - before) / r.members) : 0
    } bytes per member`,
  );
  console.log(`  time: ${Object.entries(r.seconds).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(", ")}`);
  console.log(
    r.problems.length
      ? `MEMBER COUNTER MISMATCHES: ${r.problems.slice(0, 5).join("; ")}`
      : "  member counters: exact",
  );
  return r;
}
