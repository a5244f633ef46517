/** The national generator on a small sample: shape, names, depth and exact counters. */
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { closeDb, openDb } from "../db/client.ts";
import { verifyCounters } from "../db/recount.ts";
import { searchOrgs } from "../db/search.ts";

Deno.test("gen:national --sample: a realistic small tree with exact counters", async () => {
  const dir = await Deno.makeTempDir({ prefix: "zhtj-gen-" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("../scripts/gen_national.ts", import.meta.url).pathname,
        "--sample",
        "0.005",
        "--out",
        `${dir}/n.db`,
      ],
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, text + new TextDecoder().decode(out.stderr));
    assert.match(text, /counters: exact/);
    const db = (await openDb(`file:${dir}/n.db`)).db;
    try {
      const rows = await db.all<{ category: number; n: number }>(
        sql`SELECT category, count(*) AS n FROM orgs GROUP BY category`,
      );
      const by = Object.fromEntries(rows.map((r) => [r.category, r.n]));
      const total = Object.values(by).reduce((a, b) => a + b, 0);
      assert.equal(by[1], 3350, "levels 1–4 as initialised");
      const below = total - by[1];
      assert.ok(below > 5_000, `${below} generated orgs`);
      // 团(总)支部 dominate; 基层团(工)委 are a few percent (nationally ≈19万 of ≈431万).
      assert.ok((by[4] + by[5]) / below > 0.85, JSON.stringify(by));
      assert.ok((by[2] + by[3]) / below > 0.02 && (by[2] + by[3]) / below < 0.12, JSON.stringify(by));
      const [{ depth }] = await db.all<{ depth: number }>(sql`SELECT max(level) AS depth FROM orgs`);
      assert.ok(depth <= 8, `depth ${depth}`);
      const [{ badNames }] = await db.all<{ badNames: number }>(
        sql`SELECT count(*) AS badNames FROM orgs WHERE bad_name = 1`,
      );
      assert.ok(badNames > 0 && badNames / total < 0.01, `${badNames} rule-breaking names`);
      const [{ dups }] = await db.all<{ dups: number }>(
        sql`SELECT count(*) AS dups FROM (SELECT 1 FROM orgs GROUP BY parent_id, short_name HAVING count(*) > 1)`,
      );
      assert.equal(dups, 0, "sibling names are unique");
      assert.deepEqual(await verifyCounters(db), []);
      assert.ok(
        (await searchOrgs(db, "团支部", { rootPath: "/1/", limit: 5 })).length === 5,
        "names are indexed",
      );
    } finally {
      closeDb(db);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("gen:national --members: realistic members in a sample tree, exact member counters, re-runnable", async () => {
  const dir = await Deno.makeTempDir({ prefix: "zhtj-gen-members-" });
  const { verifyMemberCounters } = await import("../db/members.ts");
  const run = async (...args: string[]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("../scripts/gen_national.ts", import.meta.url).pathname,
        "--out",
        `${dir}/n.db`,
        ...args,
      ],
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, text + new TextDecoder().decode(out.stderr));
    return text;
  };
  try {
    assert.match(await run("--sample", "0.002", "--members", "0.5"), /member counters: exact/);
    // Again on the existing tree: only the members are generated anew.
    const text = await run("--members", "0.3");
    assert.match(text, /members: [\d,]+ in [\d,]+ branches \(density 0.3\)/);
    const db = (await openDb(`file:${dir}/n.db`)).db;
    try {
      assert.deepEqual(await verifyMemberCounters(db), []);
      assert.deepEqual(await verifyCounters(db), []);
      const [f] = await db.all<
        { n: number; eth: number; due: number; large: number; small: number; perBranch: number }
      >(
        sql`SELECT (SELECT count(*) FROM members) AS n, (SELECT count(DISTINCT ethnicity) FROM members) AS eth,
          sub_due AS due, sub_large AS large, sub_small AS small, sub_members * 1.0 / sub_filled AS perBranch
          FROM orgs WHERE id = 1`,
      );
      assert.ok(f.n > 10_000, `${f.n} members`);
      assert.ok(f.eth > 10, `${f.eth} nationalities`);
      assert.ok(f.due > 0 && f.large > 0 && f.small > 0, JSON.stringify(f));
      assert.ok(f.perBranch > 12 && f.perBranch < 26, `${f.perBranch} per branch`);
    } finally {
      closeDb(db);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
