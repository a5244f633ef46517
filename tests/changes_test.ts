/** What each kind of write records for the read cache (db/changes.ts). */
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { type Changes, changesOf } from "../db/changes.ts";
import { type Tx, writeTx } from "../db/client.ts";
import { addAdmin, createSession, deleteSession, deleteSessionsOf, sha256 } from "../db/accounts.ts";
import { createChildren, moveSibling } from "../db/children.ts";
import { issueCodes } from "../db/codes.ts";
import { moveSubtree } from "../db/move.ts";
import { infoOf, writeInfo } from "../db/org_info.ts";
import { getOrg } from "../db/orgs.ts";
import { setSchedule } from "../db/progress.ts";
import { orgs } from "../db/schema.ts";
import { defaultSchedule } from "../lib/deadlines.ts";
import { makeAdmin, MINI, PEOPLE, testDb } from "./helpers.ts";

/** Runs `fn` in a write transaction and returns what it recorded. */
const recorded = (db: Parameters<typeof writeTx>[0], fn: (tx: Tx) => Promise<unknown>): Promise<Changes> =>
  writeTx(db, async (tx) => {
    await fn(tx);
    return changesOf(tx);
  });

const tags = (c: Changes) => [...c.tags].sort();

Deno.test("changes: an org's own write names it and its ancestors; new children name themselves", async () => {
  await using t = await testDb();
  const [jinan] = await t.db.select().from(orgs).where(eq(orgs.shortName, "团济南市委"));
  const now = new Date();
  let made: { id: number }[] = [];
  const create = await recorded(t.db, async (tx) => {
    made = await createChildren(
      tx,
      jinan.id,
      [
        {
          shortName: "建国门街道团工委",
          category: 3,
          fullName: "中国共产主义青年团济南市建国门街道工作委员会",
        },
      ],
      0,
      now,
    );
  });
  assert.equal(create.everything, false);
  assert.deepEqual(
    tags(create),
    [...[1, MINI.shandong, jinan.id, made[0].id].map((id) => `org:${id}`), `kids:${jinan.id}`].sort(),
    "the new child is in its parent's child list, not in the grandparent's",
  );

  const child = (await getOrg(t.db, made[0].id))!;
  const info = await recorded(
    t.db,
    (tx) =>
      writeInfo(tx, child, { ...infoOf(child), phone: "053112345678" }, {
        action: "org.info",
        actorId: 0,
        at: now,
      }),
  );
  assert.equal(info.everything, false);
  assert.deepEqual(
    tags(info),
    [
      ...[1, MINI.shandong, jinan.id, child.id].map((id) => `org:${id}`),
      `own:${child.id}`,
      `kids:${jinan.id}`,
    ]
      .sort(),
    "its own info page and its parent's list of it show the new value",
  );

  // A rename shows in every descendant's breadcrumb and in search: everything.
  const renamed = await recorded(t.db, async (tx) => {
    const fresh = (await getOrg(tx, child.id))!;
    await writeInfo(tx, fresh, { ...infoOf(fresh), shortName: "建国门团工委" }, {
      action: "org.info",
      actorId: 0,
      at: now,
    });
  });
  assert.equal(renamed.everything, true);
});

Deno.test("changes: reordering names the parent only; codes name the child and its ancestors; moves and deadlines everything", async () => {
  await using t = await testDb();
  const kids = await t.db.select().from(orgs).where(eq(orgs.parentId, MINI.shandong)).orderBy(orgs.sortOrder);
  const order = await recorded(t.db, (tx) => moveSibling(tx, kids[0], 1));
  assert.deepEqual(tags(order), [`kids:${MINI.shandong}`, `org:${MINI.shandong}`]);
  assert.equal(order.everything, false);

  // A child's code status shows on its parent's to-do list and in its ancestors' progress rows.
  const codes = await recorded(t.db, (tx) => issueCodes(tx, [kids[0].id], { accountId: null }, new Date()));
  assert.deepEqual(tags(codes), ["org:1", `org:${MINI.shandong}`, `org:${kids[0].id}`].sort());
  assert.equal(codes.everything, false, "a code batch keeps the rest of the cache");

  const root = (await getOrg(t.db, 1))!;
  const jinan = (await t.db.select().from(orgs).where(eq(orgs.parentId, kids[0].id)))[0];
  const moved = await recorded(t.db, async (tx) => {
    assert.equal(await moveSubtree(tx, root, jinan.id, kids[1].id, 0, new Date(), null), null);
  });
  assert.equal(moved.everything, true);
  assert.equal((await recorded(t.db, (tx) => setSchedule(tx, defaultSchedule(new Date())))).everything, true);
  assert.equal((await recorded(t.db, async () => {})).everything, true, "an undeclared write is everything");
});

Deno.test("changes: admins and sessions name their account or session", async () => {
  await using t = await testDb();
  const accountId = await makeAdmin(t.db, MINI.beijing, PEOPLE[0]);
  const now = new Date();
  const added = await recorded(t.db, (tx) => addAdmin(tx, accountId, MINI.shandong, "书记", null, now));
  assert.ok(added.tags.has(`acct:${accountId}`));
  assert.ok(added.tags.has(`org:${MINI.shandong}`) && added.tags.has("org:1"));
  // The admin count shows in the org's row of its parent's child list.
  assert.ok(added.tags.has(`own:${MINI.shandong}`) && added.tags.has("kids:1"));
  const login = await recorded(t.db, (tx) => createSession(tx, accountId, MINI.beijing, "s3cret", now));
  assert.deepEqual(tags(login), []);
  assert.equal(login.everything, false);
  assert.deepEqual(tags(await recorded(t.db, (tx) => deleteSession(tx, "s3cret"))), [
    `sid:${sha256("s3cret")}`,
  ]);
  assert.deepEqual(tags(await recorded(t.db, (tx) => deleteSessionsOf(tx, accountId, now))), [
    `acct:${accountId}`,
  ]);
});

Deno.test("changes: an info save reaches the ancestors only as far as they show what changed", async () => {
  await using t = await testDb();
  const [jinan] = await t.db.select().from(orgs).where(eq(orgs.shortName, "团济南市委"));
  const [county] = await t.db.select().from(orgs).where(eq(orgs.parentId, jinan.id)).limit(1);
  const save = (change: (fresh: ReturnType<typeof infoOf>) => Partial<ReturnType<typeof infoOf>>) =>
    recorded(t.db, async (tx) => {
      const fresh = (await getOrg(tx, county.id))!;
      await writeInfo(tx, fresh, { ...infoOf(fresh), ...change(infoOf(fresh)) }, {
        action: "org.info",
        actorId: 0,
        at: new Date(),
      });
    });
  const own = [`own:${county.id}`, `kids:${jinan.id}`];
  const chain = [...[1, MINI.shandong, jinan.id, county.id].map((id) => `org:${id}`), ...own].sort();

  // The 团组织联系电话 shows in every ancestor's chase and problem rows.
  assert.deepEqual(tags(await save(() => ({ phone: "053112345678" }))), chain);
  // The secretary's name shows on the org's own pages and its parent's list of it, nowhere above.
  const secretary = await save(() => ({ secretaryName: "李四" }));
  assert.equal(secretary.everything, false);
  assert.deepEqual(tags(secretary), [`org:${county.id}`, `org:${jinan.id}`, ...own].sort());
  // Saving the same values again changes nothing any page shows.
  const same = await save(() => ({}));
  assert.equal(same.everything, false, "a precise, empty change");
  assert.deepEqual(tags(same), []);
  assert.equal((await getOrg(t.db, county.id))!.secretaryName, "李四");
  // 全称 shows in the ancestors' problem lists.
  assert.deepEqual(tags(await save((f) => ({ fullName: `${f.fullName}（新）` }))), chain);
});
