/**
 * Regional deployment on a real libSQL server (SPEC §10): one sqld primary,
 * instance A straight to it over http, instance B an embedded replica that
 * reads locally and writes to the primary.
 */
import assert from "node:assert/strict";
import { count, eq, sql } from "drizzle-orm";
import { createApp } from "../app.ts";
import { type Database, openDb, writeTx } from "../db/client.ts";
import { initialiseTree } from "../db/seed.ts";
import { issueCodes, issueManyCodes } from "../db/codes.ts";
import { getOrg } from "../db/orgs.ts";
import { verifyCounters } from "../db/recount.ts";
import { auditLog, nameIndexDue, orgAdmins, orgs, regCodes, stagedRows } from "../db/schema.ts";
import { auditRow } from "../db/audit.ts";
import { applyChange, reserveIds } from "../db/orgs.ts";
import { stagedWrite } from "../db/staging.ts";
import { childRows, gramRows, orgNameGrams } from "../db/staging_rows.ts";
import { BRANCH } from "../lib/org_rules.ts";
import { moveSubtree } from "../db/move.ts";
import { catchUpNames } from "../db/search.ts";
import { SheetThread } from "../lib/sheet_thread.ts";
import { addBranches, Client, idNumberFor, MINI, MINI_DIVISIONS, PASSWORD, PEOPLE } from "./helpers.ts";
import { makeAdmin } from "./helpers.ts";
import { branchRows, uploadForm, xlsxFile } from "./import_files.ts";
import { delayProxy, SQLD, startPrimary } from "./sqld.ts";

/**
 * A primary migrated and initialised once (the deploy step), and the two instances; with `rttMs`, instance B
 * (the replica) reaches the primary through the delay proxy, as from another region.
 */
async function regional(options: { rttMs?: number } = {}) {
  const primary = await startPrimary();
  const deploy = await openDb(primary.url);
  await initialiseTree(deploy.db, MINI_DIVISIONS);
  deploy.close();
  const proxy = options.rttMs ? await delayProxy(Number(new URL(primary.url).port), options.rttMs / 2) : null;
  const a = await openDb(primary.url, { migrate: false });
  const b = await openDb(`file:${primary.dir}/replica.db`, {
    syncUrl: proxy?.url ?? primary.url,
    migrate: false,
  });
  await a.checkSchema();
  await b.checkSchema();
  const sheets = new SheetThread();
  const appA = createApp({ db: a.db, sheets });
  const appB = createApp({ db: b.db, sheets });
  return {
    a,
    b,
    appA,
    appB,
    async [Symbol.asyncDispose]() {
      sheets.close();
      a.close();
      await b.close();
      proxy?.close();
      await primary[Symbol.asyncDispose]();
    },
  };
}

/** Milliseconds until `check` holds, polling every 20 ms; fails after `limitMs`. */
async function within(limitMs: number, check: () => Promise<boolean>): Promise<number> {
  const t0 = performance.now();
  while (!(await check())) {
    if (performance.now() - t0 > limitMs) assert.fail(`not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return performance.now() - t0;
}

/** Whether the client's session opens its org's children list (signed out: sent to /login). */
async function signedIn(browser: Client): Promise<boolean> {
  // A fresh copy of the cookies each time: a refused session cookie is dropped by the response.
  const client = new Client(browser.app);
  client.cookies = new Map(browser.cookies);
  const res = await client.get(`/orgs/${MINI.shandong}/children`);
  await res.body?.cancel();
  if (res.status !== 200) assert.match(res.headers.get("Location") ?? "", /\/login/);
  return res.status === 200;
}

const opts = { ignore: SQLD === null, sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name: "regional: a signed-out session is refused on the other instance within 1 s (both directions)",
  ...opts,
  async fn() {
    await using r = await regional();
    await makeAdmin(r.a.db, MINI.shandong, PEOPLE[0]);
    for (const [first, second] of [[r.appA, r.appB], [r.appB, r.appA]] as const) {
      const here = new Client(first);
      assert.equal((await here.login(PEOPLE[0].mobile)).status, 303);
      const secret = here.cookies.get("sid")!;
      const there = new Client(second);
      there.cookies = new Map(here.cookies);
      await within(1000, async () => (await signedIn(there)));
      assert.equal((await here.post("/logout")).status, 303);
      // The writer reads its own write at once.
      const own = new Client(first);
      own.cookies = new Map([...there.cookies, ["sid", secret]]);
      assert.equal(await signedIn(own), false, "signed out where it happened");
      const ms = await within(1000, async () => {
        return !(await signedIn(there));
      });
      console.log(`sign-out seen by the other instance after ${ms.toFixed(0)} ms`);
    }
  },
});

/** Wrong passwords for `login` until the first 429 (at most 12), each through the next of `apps`. */
async function triesUntilRefused(apps: Client["app"][], login: string): Promise<number[]> {
  // One browser moving between instances: its cookies (and so its client budget key) go with it.
  const cookies = new Map<string, string>();
  const statuses: number[] = [];
  for (let i = 0; i < 12 && statuses.at(-1) !== 429; i++) {
    const c = new Client(apps[i % apps.length]);
    c.cookies = cookies;
    const res = await c.login(login, `wrong${i}abc`);
    await res.body?.cancel();
    statuses.push(res.status);
  }
  return statuses;
}

Deno.test({
  name: "regional: wrong passwords alternating between the instances hit the same 429 as on one instance",
  ...opts,
  async fn() {
    await using r = await regional();
    await makeAdmin(r.a.db, MINI.shandong, PEOPLE[0]);
    await makeAdmin(r.a.db, MINI.beijing, PEOPLE[1]);
    await r.b.sync();
    const one = await triesUntilRefused([r.appA], PEOPLE[0].mobile);
    const both = await triesUntilRefused([r.appA, r.appB], PEOPLE[1].mobile);
    assert.deepEqual(one, [422, 422, 422, 422, 422, 429], "one instance: five checks, then slowed down");
    assert.deepEqual(both, one, "alternating A, B, A…: the same budget");
    // The right password is slowed down too, on either instance.
    for (const app of [r.appA, r.appB]) {
      const res = await new Client(app).login(PEOPLE[1].mobile);
      await res.body?.cancel();
      assert.equal(res.status, 429);
    }
  },
});

Deno.test({
  name: "regional: 50 concurrent registrations with one code across both instances make exactly one admin",
  ...opts,
  async fn() {
    await using r = await regional();
    const [{ code }] = await writeTx(
      r.a.db,
      (tx) => issueCodes(tx, [MINI.shandong], { accountId: null }, new Date()),
    );
    await r.b.sync();
    const attempt = async (i: number) => {
      const c = new Client(i % 2 ? r.appB : r.appA);
      const form = { org: String(MINI.shandong), position: "书记", code };
      const step2 = await c.post("/register/code", form);
      await step2.body?.cancel();
      const res = await c.post("/register", {
        ...form,
        name: "张三",
        idNumber: idNumberFor(100 + i),
        mobile: `139${String(100 + i).padStart(8, "0")}`,
        joined: "2010-05",
        password: PASSWORD,
        password2: PASSWORD,
      });
      await res.body?.cancel();
      return res.status;
    };
    const statuses = await Promise.all(Array.from({ length: 50 }, (_, i) => attempt(i)));
    assert.equal(statuses.filter((s) => s === 303).length, 1, `statuses ${statuses.join(",")}`);
    assert.ok(statuses.every((s) => s < 500), `no 5xx: ${statuses.join(",")}`);
    const [{ n }] = await r.a.db.select({ n: count() }).from(orgAdmins).where(
      eq(orgAdmins.orgId, MINI.shandong),
    );
    assert.equal(n, 1);
    assert.equal((await getOrg(r.a.db, MINI.shandong))!.adminCount, 1);
  },
});

Deno.test({
  name:
    "regional: an import of 5,000 through the replica 20 ms away, while the other instance adds children to the same parent and confirms it too",
  ...opts,
  async fn() {
    await using r = await regional({ rttMs: 20 });
    const [tianqiao] = await r.a.db.select().from(orgs).where(eq(orgs.shortName, "团天桥区委"));
    await makeAdmin(r.a.db, tianqiao.id, PEOPLE[0]);
    await r.b.sync();
    const importer = new Client(r.appB);
    assert.equal((await importer.login(PEOPLE[0].mobile)).status, 303);
    const other = new Client(r.appA);
    assert.equal((await other.login(PEOPLE[0].mobile)).status, 303);

    const up = await importer.post(
      `/orgs/${tianqiao.id}/import`,
      uploadForm(await xlsxFile(branchRows(5000))),
    );
    assert.equal(up.status, 303);
    const url = up.headers.get("Location")!;
    // The other instance adds children to the same parent one after another while the import confirms
    // (each must go through: a long write never holds the primary's lock for long).
    let writing = true;
    let written = 0;
    let slowest = 0;
    const writer = (async () => {
      while (writing) {
        const t0 = performance.now();
        const res = await other.post(`/orgs/${tianqiao.id}/children/new`, {
          shortName: `第${written + 1}中学团委`,
          category: "2",
          fullName: `中国共产主义青年团济南市第${written + 1}中学委员会`,
        });
        await res.body?.cancel();
        assert.ok(res.status === 303, `child create: ${res.status}`);
        slowest = Math.max(slowest, performance.now() - t0);
        written++;
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    // Confirmed on both instances at once (a double click in two windows): one creates, the other finds it done.
    const [confirm, again] = await Promise.all([
      importer.post(`${url}/confirm`),
      new Promise((r) => setTimeout(r, 50)).then(() => other.post(`${url}/confirm`)),
    ]);
    writing = false;
    await writer;
    assert.equal(confirm.status, 303);
    assert.equal(again.status, 303);
    assert.ok(written > 0, "the other instance wrote meanwhile");
    console.log(
      `${written} children added meanwhile on the other instance, the slowest in ${slowest.toFixed(0)} ms`,
    );
    // The importer reads its own write on the replica at once.
    const page = await importer.get(`/orgs/${tianqiao.id}`);
    assert.match(await page.text(), /5000/);
    const kids = await r.a.db.select({ sortOrder: orgs.sortOrder }).from(orgs).where(
      eq(orgs.parentId, tianqiao.id),
    );
    assert.equal(kids.length, 5000 + written);
    assert.equal((await getOrg(r.a.db, tianqiao.id))!.childCount, 5000 + written);
    assert.deepEqual(
      kids.map((k) => k.sortOrder).sort((x, y) => x - y),
      kids.map((_, i) => i + 1),
      "every child has its own place",
    );
    assert.deepEqual(await verifyCounters(r.a.db), []);
    const [{ staged }] = await r.a.db.select({ staged: count() }).from(stagedRows);
    assert.equal(staged, 0, "nothing left staged");
  },
});

Deno.test({
  name:
    "regional: a staged write whose final transaction fails leaves no org, index or audit row, and no stage",
  ...opts,
  async fn() {
    await using r = await regional();
    const [tianqiao] = await r.a.db.select().from(orgs).where(eq(orgs.shortName, "团天桥区委"));
    await r.b.sync();
    const [{ audits }] = await r.a.db.select({ audits: count() }).from(auditLog);
    const now = new Date();
    let stagedSeen = 0;
    await assert.rejects(
      stagedWrite(r.b.db, async (stage, reader) => {
        const firstId = await writeTx(r.b.db, (tx) => reserveIds(tx, 5000), { quiet: true });
        const children = branchRows(5000).map(([shortName]) => ({
          shortName: String(shortName),
          category: BRANCH,
          fullName: "",
        }));
        const made = childRows((await getOrg(reader, tianqiao.id))!, children, firstId, 0, now);
        await stage.rows(orgs, made.rows);
        await stage.rows(orgNameGrams, gramRows(made.rows));
        await stage.rows(
          auditLog,
          made.rows.map((o) =>
            auditRow({ org: { id: o.id!, path: o.path }, actorId: null, action: "org.created", at: now })
          ),
        );
        return made;
      }, async (tx, stage, made) => {
        [{ staged: stagedSeen }] = await tx.select({ staged: count() }).from(stagedRows);
        await stage.copy(tx, orgs);
        await stage.copy(tx, orgNameGrams, { orIgnore: true });
        await stage.copy(tx, auditLog);
        await applyChange(tx, tianqiao.id, {}, made.delta, made.rows.length);
        // The final step fails after everything was copied in: the same orgs a second time.
        await stage.copy(tx, orgs);
      }),
      (e: Error) => /UNIQUE constraint/i.test(`${e.message} ${e.cause}`),
    );
    assert.ok(stagedSeen > 0, "the rows were staged before the final transaction");
    assert.equal((await getOrg(r.a.db, tianqiao.id))!.childCount, 0);
    const [{ n }] = await r.a.db.select({ n: count() }).from(orgs).where(eq(orgs.parentId, tianqiao.id));
    assert.equal(n, 0, "no org");
    const [{ grams }] = await r.a.db.all<{ grams: number }>(
      sql`SELECT count(*) AS grams FROM org_name_grams WHERE path > ${tianqiao.path} AND path < ${
        tianqiao.path + "~"
      }`,
    );
    assert.equal(grams, 0, "no index row");
    assert.equal((await r.a.db.select({ n: count() }).from(auditLog))[0].n, audits, "no audit row");
    const [{ staged }] = await r.a.db.select({ staged: count() }).from(stagedRows);
    assert.equal(staged, 0, "the stage was deleted");
    assert.deepEqual(await verifyCounters(r.a.db), []);
  },
});

Deno.test({
  name: "regional: an instance refuses a database whose schema is not this build's",
  ...opts,
  async fn() {
    const primary = await startPrimary();
    let d: Database | undefined;
    try {
      d = await openDb(primary.url, { migrate: false });
      await assert.rejects(d.checkSchema(), /deno task migrate/);
    } finally {
      d?.close();
      await primary[Symbol.asyncDispose]();
    }
  },
});

Deno.test({
  name:
    "regional: codes for 5,000 and a move of a 5,001-org subtree through the replica while the http instance writes",
  ...opts,
  async fn() {
    await using r = await regional();
    const [tianqiao] = await r.a.db.select().from(orgs).where(eq(orgs.shortName, "团天桥区委"));
    const [lixia] = await r.a.db.select().from(orgs).where(eq(orgs.shortName, "团历下区委"));
    const branches = await addBranches(r.a.db, tianqiao.id, 5000);
    await makeAdmin(r.a.db, MINI.beijing, PEOPLE[1]);
    const other = new Client(r.appA);
    assert.equal((await other.login(PEOPLE[1].mobile)).status, 303);
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        const res = await other.post(`/orgs/${MINI.beijing}/children/new`, {
          shortName: `第${written + 1}中学团委`,
          category: "2",
          fullName: `中国共产主义青年团北京市第${written + 1}中学委员会`,
        });
        await res.body?.cancel();
        assert.equal(res.status, 303);
        written++;
      }
    })();
    await r.b.sync();
    const now = new Date();
    const codes = await issueManyCodes(r.b.db, branches, { accountId: null }, now);
    assert.equal(new Set(codes.map((c) => c.code)).size, 5000);
    const root = (await getOrg(r.b.db, MINI.root))!;
    const refusal = await writeTx(r.b.db, (tx) => moveSubtree(tx, root, tianqiao.id, lixia.id, 1, now, null));
    assert.equal(refusal, null);
    // The name index follows in short transactions while the other instance goes on writing.
    assert.ok(await catchUpNames(r.b.db) >= 5001);
    writing = false;
    await writer;
    assert.deepEqual(
      await r.a.db.all(sql`SELECT g.org_id FROM org_name_grams g JOIN orgs o ON o.id = g.org_id
        WHERE g.path <> o.path LIMIT 1`),
      [],
      "every index row carries its org's current path",
    );
    assert.deepEqual(await r.a.db.select().from(nameIndexDue), []);
    assert.ok(written > 0, "the other instance wrote meanwhile");
    // Read-your-writes on the replica, and the primary agrees.
    assert.equal((await getOrg(r.b.db, tianqiao.id))!.parentId, lixia.id);
    assert.equal((await getOrg(r.a.db, lixia.id))!.subOrgs, 1 + 5001);
    const [{ n }] = await r.a.db.select({ n: count() }).from(regCodes);
    assert.equal(n, 5000);
    assert.deepEqual(await verifyCounters(r.a.db), []);
  },
});
