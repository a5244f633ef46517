/**
 * The prepared reads of a local file (db/reader.ts) run on their own
 * connection: what a write committed is read right after it, a transaction
 * reads its own writes, and the kept direct-children figures follow writes.
 */
import assert from "node:assert/strict";
import { eq, sql } from "drizzle-orm";
import { writeTx } from "../db/client.ts";
import { createChildren } from "../db/children.ts";
import { childListColumns, childrenPage, type Conn, getOrg, treeItems } from "../db/orgs.ts";
import { directFigures, progressChildren } from "../db/progress.ts";
import { fast, preparedQuery } from "../db/reader.ts";
import { orgs } from "../db/schema.ts";
import { todoInput } from "../db/todo.ts";
import { MINI, testDb } from "./helpers.ts";

Deno.test("a page read right after a write shows it, a transaction reads its own writes", async () => {
  await using t = await testDb();
  const { db } = t;
  assert.notEqual(fast(db), db, "a local file reads through its prepared connection");
  const before = (await childrenPage(db, MINI.shandong, 0, 1000)).length;
  // A statement that stops early (LIMIT 1 of many rows) must not keep an old snapshot.
  assert.equal((await childrenPage(db, MINI.shandong, 0, 1)).length, 1);
  const figures = await directFigures(db, MINI.shandong);
  const todo = await todoInput(db, (await getOrg(db, MINI.shandong))!);
  await writeTx(db, async (tx) => {
    assert.equal(fast(tx), tx, "a transaction reads on its own connection");
    await createChildren(
      tx,
      MINI.shandong,
      [{ shortName: "团读写测试委", category: 2, fullName: "" }],
      0,
      new Date(),
    );
    const inside = await childrenPage(tx, MINI.shandong, 0, 1000);
    assert.equal(inside.length, before + 1, "the transaction sees the child it created");
  });
  const after = await childrenPage(db, MINI.shandong, 0, 1000);
  assert.equal(after.length, before + 1);
  assert.ok(after.some((c) => c.shortName === "团读写测试委"));
  assert.ok((await treeItems(db, MINI.shandong)).some((c) => c.shortName === "团读写测试委"));
  assert.equal((await getOrg(db, MINI.shandong))!.childCount, before + 1);
  assert.equal((await directFigures(db, MINI.shandong)).created, figures.created + 1);
  assert.equal(
    (await todoInput(db, (await getOrg(db, MINI.shandong))!)).children.count,
    todo.children.count + 1,
  );

  // A renamed child shows at once in a read of it by id.
  const child = after.find((c) => c.shortName === "团读写测试委")!;
  await writeTx(db, (tx) => tx.update(orgs).set({ shortName: "团读写改名委" }).where(eq(orgs.id, child.id)));
  assert.equal((await getOrg(db, child.id))!.shortName, "团读写改名委");
});

Deno.test("a prepared query in a local write transaction is built once and reads that transaction's writes", async () => {
  await using t = await testDb();
  const { db } = t;
  let builds = 0;
  const nameOf = preparedQuery((conn) => {
    builds++;
    return conn.select({ shortName: orgs.shortName }).from(orgs).where(eq(orgs.id, sql.placeholder("id")))
      .prepare();
  });
  const read = async (conn: Conn) => (await nameOf(conn).all({ id: MINI.shandong }))[0].shortName;
  const original = await read(db);
  for (const name of ["团预备一委", "团预备二委"]) {
    await writeTx(db, async (tx) => {
      await tx.update(orgs).set({ shortName: name }).where(eq(orgs.id, MINI.shandong));
      assert.equal(await read(tx), name, "the transaction reads its own write");
    });
  }
  assert.equal(builds, 2, "one build for the read handle's first use, one shared by both transactions");
  // A transaction that fails leaves nothing behind, and the next one still reads its own state.
  await assert.rejects(writeTx(db, async (tx) => {
    await tx.update(orgs).set({ shortName: "团回滚委" }).where(eq(orgs.id, MINI.shandong));
    assert.equal(await read(tx), "团回滚委");
    throw new Error("undo");
  }));
  assert.equal(await read(db), "团预备二委");
  await writeTx(db, async (tx) => assert.equal(await read(tx), "团预备二委"));
  assert.notEqual(original, "团预备二委");
});

Deno.test("rowsOf maps a page of children and of progress rows as drizzle's own all() does", async () => {
  await using t = await testDb();
  const { db } = t;
  // A Date column set, a null one and numbers, on the file's prepared reads and inside a transaction.
  await writeTx(
    db,
    (tx) =>
      createChildren(
        tx,
        MINI.shandong,
        ["团甲委", "团乙委"].map((shortName) => ({ shortName, category: 2, fullName: "" })),
        0,
        new Date(),
      ),
  );
  const [first] = await db.select({ id: orgs.id }).from(orgs).where(eq(orgs.parentId, MINI.shandong)).limit(
    1,
  );
  await db.update(orgs).set({ confirmedAt: new Date("2026-12-01T08:00:00Z") }).where(eq(orgs.id, first.id));
  const byDrizzle = (conn: Conn) =>
    conn.select(childListColumns).from(orgs).where(eq(orgs.parentId, MINI.shandong))
      .orderBy(orgs.sortOrder, orgs.id).all();
  const expected = await byDrizzle(db);
  assert.ok(
    expected.some((c) => c.confirmedAt instanceof Date) && expected.some((c) => c.confirmedAt === null),
  );
  assert.deepEqual(await childrenPage(db, MINI.shandong, 0, 1000), expected);
  await writeTx(db, async (tx) => assert.deepEqual(await childrenPage(tx, MINI.shandong, 0, 1000), expected));
  const progress = await progressChildren(db, MINI.shandong, "order", 1, 1000);
  assert.equal(progress.length, expected.length);
  assert.deepEqual(progress.map((p) => p.id), expected.map((c) => c.id));
  assert.ok(progress.every((p) => typeof p.subOrgs === "number" && typeof p.shortName === "string"));
});
