/**
 * The clients of a local file (db/local_client.ts), here the writer: rows read
 * inside a write transaction by name and by column, counts of changed rows,
 * all-or-nothing transactions, and values as `@libsql/client` binds them.
 */
import assert from "node:assert/strict";
import { eq, sql } from "drizzle-orm";
import { writeTx } from "../db/client.ts";
import { getOrg } from "../db/orgs.ts";
import { orgs } from "../db/schema.ts";
import { MINI, testDb } from "./helpers.ts";

Deno.test("writer: rows by name and by column, changed-row counts, dates and booleans bound as numbers", async () => {
  await using t = await testDb();
  await writeTx(t.db, async (tx) => {
    // A raw query's rows carry their columns by name only (no numeric keys), as `@libsql/client` gives them.
    const raw = await tx.all<{ a: number; b: string }>(sql`SELECT 1 AS a, 'x' AS b UNION ALL SELECT 2, 'y'`);
    assert.deepEqual(raw.map((r) => ({ ...r })), [{ a: 1, b: "x" }, { a: 2, b: "y" }]);
    // A select with a column list (read by position) gives the same org as the prepared reads outside.
    assert.deepEqual(await getOrg(tx, MINI.shandong), await getOrg(t.db, MINI.shandong));
    // Two columns of the same name: the first gives the named value.
    const [dup] = await tx.all<{ v: number }>(sql`SELECT 1 AS v, 2 AS v`);
    assert.equal(dup.v, 1);
    const res = await tx.update(orgs).set({ phone: "0531-1234567", updatedAt: new Date(86_400_000) }).where(
      eq(orgs.parentId, MINI.shandong),
    );
    assert.ok(res.rowsAffected >= 2, `${res.rowsAffected} rows changed`);
    const [bound] = await tx.all<{ d: number; t: number }>(sql`SELECT ${new Date(1000)} AS d, ${true} AS t`);
    assert.deepEqual({ ...bound }, { d: 1000, t: 1 });
  });
  const [child] = await t.db.select().from(orgs).where(eq(orgs.parentId, MINI.shandong)).limit(1);
  assert.equal(child.phone, "0531-1234567");
  assert.equal(child.updatedAt?.getTime(), 86_400_000);
});

Deno.test("writer: a failed statement rolls the whole transaction back, and the next write goes on", async () => {
  await using t = await testDb();
  const before = (await getOrg(t.db, MINI.shandong))!;
  await assert.rejects(
    writeTx(t.db, async (tx) => {
      await tx.update(orgs).set({ phone: "0531-7654321" }).where(eq(orgs.id, MINI.shandong));
      // The same 简称 under the same parent breaks the unique index: the whole write is undone.
      await tx.update(orgs).set({ shortName: "团北京市委" }).where(eq(orgs.id, MINI.shandong));
    }),
    (e: Error) =>
      /UNIQUE constraint failed: orgs\.parent_id, orgs\.short_name/.test(String((e.cause as Error)?.message)),
  );
  assert.equal((await getOrg(t.db, MINI.shandong))!.phone, before.phone);
  await writeTx(
    t.db,
    (tx) => tx.update(orgs).set({ phone: "0531-1111111" }).where(eq(orgs.id, MINI.shandong)),
  );
  assert.equal((await getOrg(t.db, MINI.shandong))!.phone, "0531-1111111");
});

Deno.test("local client: a batch is one transaction; the read handle is a client of its own", async () => {
  await using t = await testDb();
  const client = t.db.$client;
  assert.equal(client.protocol, "file");
  const before = (await getOrg(t.db, MINI.shandong))!.phone;
  await assert.rejects(
    client.batch([
      { sql: "UPDATE orgs SET phone = ? WHERE id = ?", args: ["0531-2222222", MINI.shandong] },
      {
        sql: "UPDATE orgs SET short_name = (SELECT short_name FROM orgs WHERE id = ?) WHERE id = ?",
        args: [2, 3],
      },
    ], "write"),
    /UNIQUE constraint failed/,
  );
  assert.equal((await getOrg(t.db, MINI.shandong))!.phone, before, "the first statement was undone");
  const [done] = await client.batch([{
    sql: "SELECT count(*) AS n FROM orgs WHERE parent_id = ?",
    args: [1],
  }]);
  assert.ok(Number(done.rows[0].n) >= 2);
});
