/**
 * The campaign under load (issue 14): hundreds of virtual admins of orgs at
 * levels 2–7 of the national tree do what the notice asks of them, with a
 * share of writes, driven by wrk on loopback.
 *
 *   deno task bench:campaign [--db data/national.db] [--mixes 0,2,10] [--duration 20]
 *                            [--connections 64] [--admins 360] [--baseline DIR [--rounds 4]]
 *
 * Setup, directly in the database: an org with 5,000 children (once), and per
 * mix fresh accounts, admin rights and sessions for the virtual admins,
 * registration codes for their children (each used once by a registration),
 * and small Excel files of new children. Then a request list (bench/.campaign/)
 * that bench/campaign.lua replays with wrk: per admin the overview, its tree
 * page and expands of its own subtree, its child list (the 5,000-child org's
 * admin pages through all 50 pages), progress page, a drill-down, a problem
 * list and its info form; writes are info saves, single creates, single codes,
 * registrations with a code and Excel imports (upload, then confirm).
 *
 * Each mix runs against a fresh server process started like `deno task start`
 * (the V8 flags and environment of deno.json's `serve` task; a --baseline
 * build's from its own deno.json): 3 s of warm-up, then `--duration`
 * seconds measured. The same wrk, with the same threads and connections,
 * measures a hello-world `Deno.serve` in its own process before and after the
 * mixes (the ceiling), and the Lua script itself against that hello world (the
 * client's own limit with per-request timing). With --baseline the other
 * build runs the same mix after this one, or with --rounds both take turns
 * (ABAB…) for the same total time, so a drift in the machine's speed falls
 * on both alike. Last, the server time of each page kind on the same tree,
 * in a process of its own started with the server's flags (bench/page_times.ts):
 * each page built in a warm process (reported), and its first build.
 *
 * The database grows with every run (new admins, children, codes): point
 * --db at a copy of the generated tree you can spare.
 */
import { parseArgs } from "node:util";
import { eq, inArray, sql } from "drizzle-orm";
import { closeDb, openDb, writeTx } from "../db/client.ts";
import { addAdmin, createSession } from "../db/accounts.ts";
import { createChildren } from "../db/children.ts";
import { issueCodes } from "../db/codes.ts";
import { treeItems } from "../db/orgs.ts";
import { accounts, type Org, orgs } from "../db/schema.ts";
import { checkDigit } from "../lib/id_number.ts";
import { hashPassword } from "../lib/password.ts";
import { serveCommand } from "./common.ts";
import { parseTimes } from "./page_times.ts";
import { categoryOf, LEADING_POSITIONS, OTHER_POSITIONS } from "../lib/org_rules.ts";

const { values: opts } = parseArgs({
  args: Deno.args,
  options: {
    db: { type: "string", default: Deno.env.get("BENCH_DB") ?? "data/national.db" },
    mixes: { type: "string", default: "0,2,10" },
    duration: { type: "string", default: "20" },
    connections: { type: "string", default: "64" },
    threads: { type: "string", default: "2" },
    admins: { type: "string", default: "360" },
    /** Also run every mix against a server without the page cache (AppDeps.pageCache false). */
    "without-page-cache": { type: "boolean", default: false },
    /**
     * Also run every mix, after this build's run, against the app of another checkout (its
     * bench/campaign_server.ts, e.g. \`git archive <commit> | tar -x -C DIR\`): before/after in one run.
     */
    baseline: { type: "string" },
    /**
     * With --baseline: compare the two builds in this many alternating rounds (ABAB…) instead of one after
     * the other, both servers up, each measured slice after a 1 s read-only warm-up, so a drift of the
     * machine's speed falls on both alike. 0: one after the other (the later run had the edge: the same
     * build twice came out 2,872 / 3,749 req/s one after the other, 3,209 / 3,434 in 4 rounds of ABBA).
     */
    rounds: { type: "string", default: "0" },
    /** Requests per second assumed when sizing the single-use parts of the list (codes, Excel files). */
    rate: { type: "string", default: "4000" },
    /** Only the in-process server times (reads, then writes), on a list prepared for the first mix: no wrk. */
    "server-only": { type: "boolean", default: false },
  },
});
const file = opts.db!;
const mixes = opts.mixes!.split(",").map(Number);
const duration = Number(opts.duration);
const connections = Number(opts.connections);
const threads = Number(opts.threads);
const WARM = 3;
const rounds = Number(opts.rounds);
if (rounds && (!opts.baseline || opts["without-page-cache"])) {
  console.error("--rounds takes turns with the --baseline build (and not with --without-page-cache)");
  Deno.exit(2);
}
/**
 * Runs over one list, each with its own share of the single-use writes (campaign.lua): 1–6 the warm-up and
 * measured run of this build, of the build without the page cache and of the baseline; with --rounds,
 * 1–2 the warm-ups of this build and the baseline, then each round's two slices.
 */
const SLICES = rounds ? 2 + 2 * rounds : 6;
/** The longest of those runs, in seconds (each slice of the list is sized for it). */
const SLICE_SECONDS = rounds ? Math.max(WARM, duration / rounds) : WARM + duration;
const dir = new URL("./.campaign/", import.meta.url).pathname;
await Deno.mkdir(dir, { recursive: true });
try {
  await Deno.stat(file);
} catch {
  console.error(`${file} not found: generate it with \`deno task gen:national\` (or pass --db)`);
  Deno.exit(1);
}
const log = (s: string) => console.error(s);

// ---- setup: the org with 5,000 children, and who the virtual admins are -----------------------------
const db = (await openDb(`file:${file}`)).db;
const BIG = "压测五千团委";
let [big] = await db.select().from(orgs).where(eq(orgs.shortName, BIG));
if (!big || big.childCount < 5000) {
  // Created as an admin would (createChildren keeps the counters exact), not with bulkAppend's full recount.
  const [county] = await db.select().from(orgs).where(eq(orgs.shortName, "团天桥区委"));
  const now = new Date();
  if (!big) {
    await writeTx(db, (tx) =>
      createChildren(
        tx,
        county.id,
        [{
          shortName: BIG,
          category: 2,
          fullName: "中国共产主义青年团济南市天桥区压测五千委员会",
        }],
        0,
        now,
      ));
    [big] = await db.select().from(orgs).where(eq(orgs.shortName, BIG));
  }
  log("adding 5,000 children to the big org …");
  for (let from = big.childCount; from < 5000; from += 500) {
    await writeTx(db, (tx) =>
      createChildren(
        tx,
        big.id,
        Array.from({ length: Math.min(500, 5000 - from) }, (_, i) => ({
          shortName: `第${from + i + 1}车间团支部`,
          category: 5,
          fullName: `中国共产主义青年团济南市天桥区压测五千第${from + i + 1}车间支部委员会`,
        })),
        0,
        now,
      ));
  }
  [big] = await db.select().from(orgs).where(eq(orgs.id, big.id));
}

/** Non-branch orgs with children at levels 2–7, about the same number per level, found by random ids. */
async function sampleAdminOrgs(perLevel: number): Promise<Org[]> {
  const [{ max }] = await db.select({ max: sql<number>`max(${orgs.id})` }).from(orgs);
  const byLevel = new Map<number, Org[]>();
  const level2 = await db.select().from(orgs).where(eq(orgs.level, 2));
  byLevel.set(2, level2.filter((o) => o.childCount > 0).slice(0, perLevel));
  for (let round = 0; round < 400; round++) {
    const ids = Array.from({ length: 900 }, () => 1 + Math.floor(Math.random() * max));
    for (const o of await db.select().from(orgs).where(inArray(orgs.id, ids))) {
      if (o.level < 3 || o.level > 7 || o.category === 5 || o.childCount === 0 || o.id === big.id) continue;
      const list = byLevel.get(o.level) ?? [];
      // An org drawn again in a later round is not a second admin org: its children would get two
      // registrations with the one code issueCodes gives them, and the second would be refused.
      if (list.length < perLevel && !list.some((x) => x.id === o.id)) list.push(o);
      byLevel.set(o.level, list);
    }
    if ([3, 4, 5, 6, 7].every((l) => (byLevel.get(l)?.length ?? 0) >= perLevel)) break;
  }
  return [...byLevel.values()].flat();
}

const adminOrgs = [...await sampleAdminOrgs(Math.ceil(Number(opts.admins) / 6)), big];
const levels = new Map<number, number>();
for (const o of adminOrgs) levels.set(o.level, (levels.get(o.level) ?? 0) + 1);
log(
  `${adminOrgs.length} admin orgs: ${
    [...levels].sort().map(([l, n]) => `level ${l}: ${n}`).join(", ")
  } (incl. ${BIG}, ${big.childCount} children)`,
);

/** What each admin's steps touch: children (some with children of their own) and grandchildren. */
interface Plan {
  org: Org;
  kids: { id: number; childCount: number; category: number }[];
  expand: number[];
}
const plans: Plan[] = [];
for (const org of adminOrgs) {
  const kids = await treeItems(db, org.id, 0, 100);
  const inner = kids.filter((k) => k.childCount > 0);
  const expand = [org.id, ...inner.slice(0, 4).map((k) => k.id)];
  for (const k of inner.slice(0, 2)) {
    for (const g of await treeItems(db, k.id, 0, 20)) {
      if (g.childCount > 0 && expand.length < 8) expand.push(g.id);
    }
  }
  plans.push({ org, kids, expand });
}

// ---- per mix: accounts, sessions, codes, Excel files, the request list ------------------------------
const passwordHash = await hashPassword("Bench0000");
const PASSWORD = "Bench0000x";
let serial = Math.floor(Math.random() * 1e6);
// A copy of the tree used for many runs holds the accounts of the earlier ones: their ID numbers and mobiles are
// skipped, so a registration is never refused as a duplicate (which the bench would count as an error).
const taken = new Set(
  (await db.$client.execute("SELECT id_number, mobile FROM accounts")).rows.flatMap((r) => [
    String(r.id_number),
    String(r.mobile),
  ]),
);
/** A fresh valid 身份证号码 and 手机号码 (born 1990–1999, so any join date from 2012 passes the age rule). */
function person(): { idNumber: string; mobile: string } {
  serial++;
  const day = new Date(Date.UTC(1990, 0, 1) + (serial % 3650) * 86400_000);
  const ymd = day.toISOString().slice(0, 10).replaceAll("-", "");
  const first17 = `110101${ymd}${String(Math.floor(serial / 3650) % 1000).padStart(3, "0")}`;
  const who = {
    idNumber: first17 + checkDigit(first17),
    mobile: `139${String((serial * 7919) % 1e8).padStart(8, "0")}`,
  };
  if (taken.has(who.idNumber) || taken.has(who.mobile)) return person();
  taken.add(who.idNumber);
  taken.add(who.mobile);
  return who;
}

const TAB = (fields: (string | number)[]) => fields.join("\t").replaceAll("\n", " ");
const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
const FORM = "application/x-www-form-urlencoded";

/** Info form values that pass validation for any category. */
function infoBody(org: Org, csrf: string): string {
  return form({
    _csrf: csrf,
    fullName: org.fullName ??
      `中国共产主义青年团${org.shortName.replace(/^团|委$|团委$|团工委$|团总支$/g, "")}委员会`,
    industry: org.category === 1 ? "" : "事业单位（不含公立学校）",
    phone: "053112345678",
    email: "tw@example.cn",
    adminQuota: "3",
    adminActual: "2",
    instQuota: "1",
    instActual: "1",
    secretaryName: "张三",
    secretaryIdNumber: "11010119900307867X".slice(0, 17) + checkDigit("11010119900307867"),
    secretaryMobile: "13800138000",
  });
}

async function prepareMix(share: number, tag: string): Promise<string> {
  const now = new Date();
  const cookies: string[] = [];
  // One account, admin right and session per admin org (addAdmin keeps the counters exact).
  await writeTx(db, async (tx) => {
    for (const p of plans) {
      const who = person();
      const [acct] = await tx.insert(accounts).values({
        name: "压测管理员",
        idNumber: who.idNumber,
        mobile: who.mobile,
        joinedYm: "2012-05",
        passwordHash,
      }).returning();
      await addAdmin(tx, acct.id, p.org.id, p.org.category === 1 ? "书记" : "组织委员", null, now);
      const secret = crypto.randomUUID();
      await createSession(tx, acct.id, p.org.id, secret, now);
      cookies.push(`sid=${secret}; csrf=${tag}csrfcsrfcsrfcsrfcsrf`);
    }
  });
  const csrf = `${tag}csrfcsrfcsrfcsrfcsrf`;
  const seconds = SLICE_SECONDS;
  const expected = (fraction: number) =>
    Math.ceil(Number(opts.rate) * seconds * share / 100 * fraction * 1.5 / threads) * threads;

  const reads: string[][] = [];
  const writes: string[] = [];
  plans.forEach((p, i) => {
    const cookie = cookies[i];
    const id = p.org.id;
    const r = (action: string, path: string, hx = false) =>
      TAB(["r", action, "GET", path, cookie, "", hx ? "1" : "0", "", ""]);
    const steps = [
      r("overview", `/orgs/${id}`),
      r("progress page", `/orgs/${id}/progress`),
      r("tree page", `/tree/${id}`),
      ...p.expand.map((e) => r("expand", `/tree/${e}`, true)),
      ...p.expand.slice(1, 3).map((e) => r("expand", `/tree/${e}`, true)),
      r("child list", `/orgs/${id}/children`),
      r("child list (htmx)", `/orgs/${id}/children`, true),
      r("progress drill-down", `/orgs/${p.expand[1] ?? id}/progress`, true),
      r("problem list", `/orgs/${id}/problems?kind=noAdmin`),
      r("info form", `/orgs/${id}/info`),
    ];
    if (p.org.id === big.id) {
      // The admin of the 5,000-child org pages through everything, many times over.
      for (let k = 1; k <= 50; k++) {
        steps.push(r("5,000-child list", `/orgs/${id}/children${k > 1 ? `?page=${k}` : ""}`));
        steps.push(r("5,000-child expand", `/tree/${id}${k > 1 ? `?page=${k}&more=1` : ""}`, true));
        if (k % 5 === 0) steps.push(r("5,000-child progress", `/orgs/${id}/progress?page=${k}`));
      }
    }
    reads.push(steps);

    const w = (action: string, path: string, body: string, hx = true, ctype = FORM) =>
      TAB(["w", action, "POST", path, cookie, csrf, hx ? "1" : "0", ctype, body]);
    writes.push(w("info save", `/orgs/${id}/info`, infoBody(p.org, csrf)));
    writes.push(w("info save", `/orgs/${id}/info`, infoBody(p.org, csrf)));
    const name = `压测${tag}第{n}车间团支部`;
    writes.push(w(
      "create child",
      `/orgs/${id}/children/new`,
      form({
        _csrf: csrf,
        shortName: name,
        category: "5",
        fullName: `中国共产主义青年团${name.slice(0, -3)}支部委员会`,
      })
        .replaceAll("%7Bn%7D", "{n}"),
    ));
    const kid = p.kids[i % p.kids.length];
    writes.push(w("issue code", `/orgs/${id}/children/${kid.id}/code`, form({ _csrf: csrf })));
  });

  // Registrations: one code per child, each child at most once, spread over the admins.
  const regCount = share ? SLICES * expected(0.1) : 0;
  const regKids: { id: number; category: number }[] = [];
  for (let round = 0; regKids.length < regCount && round < 100; round++) {
    for (const p of plans) {
      if (p.kids[round] && regKids.length < regCount) regKids.push(p.kids[round]);
    }
  }
  const issued = regKids.length
    ? await writeTx(db, (tx) => issueCodes(tx, regKids.map((k) => k.id), { accountId: null }, now))
    : [];
  const registrations = issued.map((code, i) => {
    const who = person();
    const kid = regKids[i];
    return TAB([
      "w1",
      "register with code",
      "POST",
      "/register",
      `csrf=${csrf}`,
      csrf,
      "0",
      FORM,
      form({
        _csrf: csrf,
        org: String(kid.id),
        position: (kid.category === 1 ? LEADING_POSITIONS : OTHER_POSITIONS)[0],
        code: code.code,
        name: "压测新管理员",
        idNumber: who.idNumber,
        mobile: who.mobile,
        joined: "2012-05",
        password: PASSWORD,
        password2: PASSWORD,
      }),
    ]);
  });

  // Excel imports: small files of new 团支部 (written by another process: exceljs stays out of this one).
  const importers = plans.filter((p) => categoryOf(p.org.category)?.mayHaveChildren);
  const importCount = share ? Math.min(SLICES * expected(0.04), 1200) : 0;
  const imports: string[] = [];
  if (importCount) {
    const made = await new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `import { branchRows, xlsxFile } from "${new URL("../tests/import_files.ts", import.meta.url).href}";
         for (let i = 0; i < ${importCount}; i++) {
           const bytes = await xlsxFile(branchRows(10, "压测${tag}批" + i + "第"));
           const head = "--BENCHBOUNDARY\\r\\nContent-Disposition: form-data; name=\\"file\\"; filename=\\"x.xlsx\\"\\r\\n" +
             "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\\r\\n\\r\\n";
           const body = new Blob([head, bytes, "\\r\\n--BENCHBOUNDARY--\\r\\n"]);
           await Deno.writeFile("${dir}" + "upload-${tag}-" + i + ".bin", new Uint8Array(await body.arrayBuffer()));
         }`,
      ],
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!made.success) throw new Error("writing the Excel files failed");
    for (let i = 0; i < importCount; i++) {
      const p = importers[i % importers.length];
      imports.push(TAB([
        "w1",
        "import upload",
        "POST",
        `/orgs/${p.org.id}/import`,
        cookies[plans.indexOf(p)],
        csrf,
        "0",
        "multipart/form-data; boundary=BENCHBOUNDARY",
        `@${dir}upload-${tag}-${i}.bin`,
      ]));
    }
  }

  // Interleave: step k of every admin, then step k+1 …, so neighbouring requests come from different admins.
  const lines: string[] = [];
  const longest = Math.max(...reads.map((s) => s.length));
  for (let k = 0; k < longest; k++) for (const s of reads) if (s[k]) lines.push(s[k]);
  // Writes: the repeatable ones shuffled, with registrations (10%) and imports (4%) spread among them.
  const shuffle = <T>(a: T[]) => {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  };
  const repeatable = shuffle(writes);
  const single = shuffle([...registrations, ...imports]);
  const total = Math.max(repeatable.length, SLICES * expected(1));
  const mixed: string[] = [];
  for (let i = 0, s = 0; i < total; i++) {
    if (s < single.length && (i * single.length) / total >= s) mixed.push(single[s++]);
    else mixed.push(repeatable[i % repeatable.length]);
  }
  for (const line of mixed) lines.push(line);
  const path = `${dir}list-${tag}.tsv`;
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
  log(
    `mix ${share}%: ${
      lines.length - mixed.length
    } reads, ${mixed.length} writes (${registrations.length} registrations, ${imports.length} imports) in ${path}`,
  );
  return path;
}

// ---- running things ------------------------------------------------------------------------------------
const lua = new URL("./campaign.lua", import.meta.url).pathname;
/** The server's flags and environment: this checkout's `deno task serve` (a --baseline build's its own). */
const serveFlagsOf = async (root: URL) => {
  const { flags, env } = await serveCommand(root);
  return { args: ["run", "-A", ...flags.filter((f) => f.startsWith("--v8-flags="))], env };
};
const serveFlags = await serveFlagsOf(new URL("../", import.meta.url));

async function spawnServer(
  script: string,
  args: string[],
  env: Record<string, string> = {},
  how = serveFlags,
) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = new Deno.Command(Deno.execPath(), {
    args: [...how.args, new URL(script, import.meta.url).pathname, ...args, String(port)],
    env: { ...how.env, ...env },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("ready")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`${script} did not start`);
    out += value;
  }
  reader.releaseLock();
  child.stdout.cancel().catch(() => {});
  return {
    url: `http://127.0.0.1:${port}`,
    /** Peak resident set of the server process so far (VmHWM). */
    peakRss: async () => {
      const status = await Deno.readTextFile(`/proc/${child.pid}/status`);
      return Number(status.match(/VmHWM:\s+(\d+) kB/)![1]) * 1024;
    },
    stop: async () => {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

interface Run {
  requests: number;
  seconds: number;
  socketErrors: number;
  unmatched: number;
  /** Per action its response times (ms) and errors, as campaign.lua reports them. */
  times: Map<string, { ms: number[]; errors: number }>;
  samples: string[];
}

/** An action's count, quantiles (ms) and errors in `run`; "all requests" pools every action. */
function statsOf(run: Run, action: string) {
  const parts = action === "all requests"
    ? [...run.times.values()]
    : [run.times.get(action)].filter((t) => !!t);
  if (!parts.length) return undefined;
  const ms = parts.flatMap((t) => t.ms).sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))];
  return { n: ms.length, p50: at(0.5), p99: at(0.99), errors: parts.reduce((a, t) => a + t.errors, 0) };
}

/** HTTP errors of a run, all actions. */
const errorsOf = (run: Run) => [...run.times.values()].reduce((a, t) => a + t.errors, 0);

/** Several runs as one: requests, seconds, errors and response times added up. */
function pooled(runs: Run[]): Run {
  const out: Run = { requests: 0, seconds: 0, socketErrors: 0, unmatched: 0, times: new Map(), samples: [] };
  for (const r of runs) {
    out.requests += r.requests;
    out.seconds += r.seconds;
    out.socketErrors += r.socketErrors;
    out.unmatched += r.unmatched;
    out.samples = out.samples.concat(r.samples);
    for (const [a, t] of r.times) {
      const into = out.times.get(a) ?? { ms: [], errors: 0 };
      // concat, not push(...): a slice of a long run holds more times than a call takes arguments.
      out.times.set(a, { ms: into.ms.concat(t.ms), errors: into.errors + t.errors });
    }
  }
  return out;
}

async function wrk(url: string, seconds: number, script?: string[]): Promise<Run> {
  const args = [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, "--timeout", "10s"];
  if (script) args.push("-s", lua, url, "--", ...script);
  else args.push(url);
  const out = await new Deno.Command("wrk", { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout);
  const run: Run = { requests: 0, seconds, socketErrors: 0, unmatched: 0, times: new Map(), samples: [] };
  if (!script) {
    run.requests = Number(text.match(/(\d+) requests in/)?.[1] ?? 0);
    run.seconds = seconds;
    const errors = text.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
    run.socketErrors = errors ? errors.slice(1).map(Number).reduce((a, b) => a + b, 0) : 0;
    return run;
  }
  for (const line of text.split("\n")) {
    const f = line.split("\t");
    if (f[0] === "TOTAL") {
      run.requests = Number(f[1]);
      run.seconds = Number(f[2]) / 1e6;
      run.socketErrors = Number(f[3]) + Number(f[4]) + Number(f[5]) + Number(f[7]);
      run.unmatched = Number(f[8]);
    } else if (f[0] === "ACTION") {
      run.times.set(f[1], { errors: Number(f[2]), ms: f[3] ? f[3].split(",").map(Number) : [] });
    } else if (f[0] === "SAMPLE") run.samples.push(f.slice(1).join(" "));
  }
  if (!run.requests) throw new Error(`wrk failed: ${text}${new TextDecoder().decode(out.stderr)}`);
  return run;
}
const rps = (r: Run) => r.requests / r.seconds;

/** The --baseline build's server on the same file. */
const spawnBaseline = async () =>
  spawnServer(
    `file://${opts.baseline}/bench/campaign_server.ts`,
    [file],
    {},
    await serveFlagsOf(new URL(`file://${opts.baseline}/`)),
  );

/** Sends one request of every kind in the list and checks it did what a user would see. */
async function smoke(url: string, list: string) {
  const seen = new Set<string>();
  for (const line of (await Deno.readTextFile(list)).split("\n")) {
    const [kind, action, method, path, cookie, csrf, hx, ctype, body] = line.split("\t");
    if (!action || seen.has(action) || action === "import upload" || action === "register with code") {
      continue;
    }
    seen.add(action);
    const headers: Record<string, string> = { Cookie: cookie, "Accept-Encoding": "gzip" };
    if (csrf) headers["X-CSRF-Token"] = csrf;
    if (hx === "1") headers["HX-Request"] = "true";
    if (ctype) headers["Content-Type"] = ctype;
    const res = await fetch(url + path, {
      method,
      headers,
      body: body ? body.replaceAll("{n}", `99${Date.now() % 1e7}`) : undefined,
      redirect: "manual",
    });
    const text = await res.text();
    const ok = kind === "r" || hx === "1" ? res.status === 200 : res.status < 400;
    if (!ok) throw new Error(`smoke: ${action} ${method} ${path} → ${res.status}\n${text.slice(0, 2000)}`);
  }
}

// ---- the runs --------------------------------------------------------------------------------------------
const serverOnly = opts["server-only"]!;
const ceilings: number[] = [];
const results: {
  share: number;
  run: Run;
  rss: number;
  uncached?: Run;
  base?: Run;
  /** The baseline server's peak RSS. */
  baseRss?: number;
  /** With --rounds: each round's throughput, this build's and the baseline's. */
  pairs?: [number, number][];
}[] = [];
let clientCheck = 0;
if (serverOnly) await prepareMix(mixes[0], String(Math.floor(Math.random() * 9000) + 1000));
const hello = serverOnly ? undefined : await spawnServer("./hello_server.ts", []);
if (hello) {
  ceilings.push(rps(await wrk(hello.url, 5)));
  log(`hello-world ceiling: ${ceilings[0].toFixed(0)} req/s`);
}
for (const share of hello ? mixes : []) {
  const tag = String(Math.floor(Math.random() * 9000) + 1000);
  const list = await prepareMix(share, tag);
  /** campaign.lua's arguments for run `n` (its slice of the single-use writes) at `writes` percent. */
  const script = (
    n: number,
    writes = share,
  ) => [list, String(writes), String(threads), String(n), String(SLICES)];
  if (!clientCheck) {
    // The Lua script's own limit: the same list, replayed against the hello world.
    clientCheck = rps(await wrk(hello!.url, 5, script(1, 0)));
    log(`the request-list script against the hello world: ${clientCheck.toFixed(0)} req/s`);
  }
  const server = await spawnServer("./campaign_server.ts", [file]);
  await smoke(server.url, list);
  await wrk(server.url, WARM, script(1));
  let run: Run, base: Run | undefined, uncached: Run | undefined, baseRss: number | undefined;
  let pairs: [number, number][] | undefined;
  if (rounds) {
    // ABAB…: both servers up; each slice follows the other server's, whose writes dropped this one's
    // cache, and a read-only second refills it. (ABBA let the server measured twice in a row keep its
    // cache, +30%; one after the other the later run had the edge.)
    const other = await spawnBaseline();
    await wrk(other.url, WARM, script(2));
    const mine: Run[] = [], theirs: Run[] = [];
    for (let i = 0; i < rounds; i++) {
      for (const [s, into, n] of [[server, mine, 3 + 2 * i], [other, theirs, 4 + 2 * i]] as const) {
        await wrk(s.url, 1, script(0, 0));
        into.push(await wrk(s.url, duration / rounds, script(n)));
      }
      log(`  round ${i + 1}: ${rps(mine[i]).toFixed(0)} / ${rps(theirs[i]).toFixed(0)} req/s`);
    }
    baseRss = await other.peakRss();
    await other.stop();
    [run, base, pairs] = [pooled(mine), pooled(theirs), mine.map((r, i) => [rps(r), rps(theirs[i])])];
  } else run = await wrk(server.url, duration, script(2));
  const rss = await server.peakRss();
  await server.stop();
  if (opts["without-page-cache"]) {
    const bare = await spawnServer("./campaign_server.ts", [file], { PAGE_CACHE: "0" });
    await wrk(bare.url, WARM, script(3));
    uncached = await wrk(bare.url, duration, script(4));
    await bare.stop();
    log(`mix ${share}% without the page cache: ${rps(uncached).toFixed(0)} req/s`);
  }
  if (opts.baseline && !rounds) {
    const other = await spawnBaseline();
    await wrk(other.url, WARM, script(5));
    base = await wrk(other.url, duration, script(6));
    baseRss = await other.peakRss();
    await other.stop();
  }
  if (base) log(`mix ${share}% on ${opts.baseline}: ${rps(base).toFixed(0)} req/s`);
  results.push({ share, run, rss, uncached, base, baseRss, pairs });
  const errors = errorsOf(run) + run.socketErrors;
  log(`mix ${share}%: ${rps(run).toFixed(0)} req/s, ${errors} errors, peak RSS ${(rss / 1e6).toFixed(0)} MB`);
  for (const s of run.samples.slice(0, 5)) log(`  error: ${s}`);
}
if (hello) {
  ceilings.push(rps(await wrk(hello.url, 5)));
  await hello.stop();
}
const ceiling = Math.max(...ceilings);

// ---- server time per page kind, in a process of its own, on the same tree (bench/page_times.ts) -----------
const [{ orgCount }] = await db.select({ orgCount: orgs.subOrgs }).from(orgs).where(eq(orgs.id, 1));
closeDb(db);
const timed = await new Deno.Command(Deno.execPath(), {
  args: [
    ...serveFlags.args,
    new URL("./page_times.ts", import.meta.url).pathname,
    file,
    `${dir}${await latestList()}`,
    ...(serverOnly ? ["--writes"] : []),
  ],
  env: serveFlags.env,
  stderr: "inherit",
}).output();
if (!timed.success) throw new Error("bench/page_times.ts failed");
const { first: firstTime, warm: serverTime, writes: writeTime } = parseTimes(
  new TextDecoder().decode(timed.stdout),
);
async function latestList() {
  const names: { name: string; at: number }[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.name.startsWith("list-")) {
      names.push({ name: e.name, at: (await Deno.stat(dir + e.name)).mtime!.getTime() });
    }
  }
  return names.sort((a, b) => b.at - a.at)[0].name;
}
if (serverOnly) {
  const out = [
    `Server time on ${file} (${orgCount.toLocaleString()} orgs), in process, one request at a time`,
    "",
  ];
  out.push(
    "| action | p50 / p99 ms | CPU p50 ms | first build p50 ms | gzip / raw KB |",
    "|---|---|---|---|---|",
  );
  for (const [a, t] of serverTime) {
    out.push(
      `| ${a} | ${t.p50.toFixed(2)} / ${t.p99.toFixed(2)} | ${t.cpu.toFixed(2)} | ${
        firstTime.get(a)!.p50.toFixed(2)
      } | ${(t.gz / 1024).toFixed(1)} / ${(t.raw / 1024).toFixed(1)} |`,
    );
  }
  for (const [a, t] of writeTime) {
    out.push(`| ${a} | ${t.p50.toFixed(2)} / ${t.p99.toFixed(2)} | ${t.cpu.toFixed(2)} | | |`);
  }
  console.log(out.join("\n"));
  Deno.exit(0);
}

// ---- the report ----------------------------------------------------------------------------------------
const order = [
  "overview",
  "tree page",
  "expand",
  "child list",
  "child list (htmx)",
  "5,000-child list",
  "5,000-child expand",
  "progress page",
  "5,000-child progress",
  "progress drill-down",
  "problem list",
  "info form",
  "info save",
  "create child",
  "issue code",
  "register with code",
  "import upload",
  "import confirm",
];
const ms = (x: number) => x < 10 ? x.toFixed(1) : x.toFixed(0);
const lines = [
  `Campaign on ${file}, ${new Date().toISOString().slice(0, 16)}Z, ${navigator.hardwareConcurrency} cores, ` +
  `${plans.length} admins, wrk -t${threads} -c${connections}, ${duration} s per mix after ${WARM} s warm-up`,
  "",
  `| action | ${
    results.map((r) => `${r.share}% writes: n, p50 / p99 ms`).join(" | ")
  } | server p50 / p99 ms (CPU p50; first build p50), gzip / raw KB |`,
  `|---|${results.map(() => "---|").join("")}---|`,
];
for (const a of order) {
  const cells = results.map((r) => {
    const x = statsOf(r.run, a);
    return x ? `${x.n}, ${ms(x.p50)} / ${ms(x.p99)}${x.errors ? ` (${x.errors} errors)` : ""}` : "–";
  });
  const st = serverTime.get(a);
  if (cells.every((c) => c === "–") && !st) continue;
  lines.push(
    `| ${a} | ${cells.join(" | ")} | ${
      st
        ? `${st.p50.toFixed(2)} / ${st.p99.toFixed(2)} (${st.cpu.toFixed(2)}; ${
          firstTime.get(a)!.p50.toFixed(2)
        }), ${(st.gz / 1024).toFixed(1)} / ${(st.raw / 1024).toFixed(1)}`
        : ""
    } |`,
  );
}
const all = (f: (r: (typeof results)[number]) => string) => results.map(f).join(" | ");
lines.push(`| **throughput** | ${all((r) => `**${rps(r.run).toFixed(0)} req/s**`)} | |`);
if (results.some((r) => r.uncached)) {
  lines.push(
    `| throughput without the page cache | ${
      all((r) =>
        r.uncached
          ? `${rps(r.uncached).toFixed(0)} req/s, p99 ${ms(statsOf(r.uncached, "all requests")!.p99)} ms, ${
            errorsOf(r.uncached)
          } errors`
          : "–"
      )
    } | |`,
  );
}
if (results.some((r) => r.base)) {
  const how = rounds
    ? `taking turns with this build in ${rounds} rounds of ${
      (duration / rounds).toFixed(1)
    } s; each round's pair`
    : "run after, on its own single-use codes and files";
  lines.push(
    `| throughput of the baseline (${opts.baseline}; ${how}) | ${
      all((r) =>
        r.base
          ? `${rps(r.base).toFixed(0)} req/s (this build ${
            (rps(r.run) / rps(r.base) * 100).toFixed(0)
          }%), p99 ${ms(statsOf(r.base, "all requests")!.p99)} ms, ${errorsOf(r.base)} errors${
            r.pairs ? ` (${r.pairs.map(([a, b]) => `${a.toFixed(0)}/${b.toFixed(0)}`).join(", ")})` : ""
          }`
          : "–"
      )
    } | |`,
  );
}
lines.push(
  `| share of the hello-world ceiling (${ceiling.toFixed(0)} req/s) | ${
    all((r) => `${(rps(r.run) / ceiling * 100).toFixed(1)}%`)
  } | |`,
);
const readOnly = results.find((r) => r.share === 0);
if (readOnly) {
  lines.push(
    `| vs the read-only mix | ${all((r) => `${(rps(r.run) / rps(readOnly.run) * 100).toFixed(0)}%`)} | |`,
  );
}
lines.push(
  `| p50 / p99, all requests | ${
    all((r) => {
      const every = statsOf(r.run, "all requests")!;
      return `${ms(every.p50)} / ${ms(every.p99)} ms`;
    })
  } | |`,
);
lines.push(
  `| errors (HTTP ≥ 400 or a failed htmx write; socket) | ${
    all((r) => `${errorsOf(r.run)}; ${r.run.socketErrors}`)
  } | |`,
);
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
lines.push(
  `| peak RSS of the server${opts.baseline ? " (the baseline's)" : ""} | ${
    all((r) => `${mb(r.rss)}${r.baseRss ? ` (${mb(r.baseRss)})` : ""}`)
  } | |`,
);
lines.push("");
lines.push(
  `Hello-world ceiling (wrk, same threads and connections, own process): ${
    ceilings.map((c) => c.toFixed(0)).join(" before, ")
  } after; the request-list Lua script against the same hello world: ${clientCheck.toFixed(0)} req/s. ` +
    `The tree had ${orgCount.toLocaleString()} orgs at the end.`,
);
const table = lines.join("\n");
console.log(table);
await Deno.writeTextFile(new URL("./CAMPAIGN.md", import.meta.url), table + "\n");
