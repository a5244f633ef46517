/** Member counters: every kind of write keeps them equal to a full recount; the 应离团 roll across a birthday. */
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { type Db, writeTx } from "../db/client.ts";
import {
  addMember,
  addMembers,
  removeMember,
  rollDue,
  updateMember,
  verifyMemberCounters,
} from "../db/members.ts";
import { getOrg } from "../db/orgs.ts";
import { moveSubtree } from "../db/move.ts";
import { infoOf, writeInfo } from "../db/org_info.ts";
import { verifyCounters } from "../db/recount.ts";
import { members, orgs } from "../db/schema.ts";
import { checkMember, type MemberValue } from "../lib/member_rules.ts";
import { addBranches, MINI, testDb } from "./helpers.ts";
import { idFor, validInput } from "./member_helpers.ts";
import { bulkAppend } from "../db/bulk.ts";

const NOW = new Date("2026-12-03T02:00:00Z");
const TODAY = 20261203;
const ctx = { now: NOW, isPlace: () => true };

/** A checked member born on y-m-d. */
export function member(y: number, m: number, d: number, seq: number, over = {}): MemberValue {
  const r = checkMember(
    validInput({ idNumber: idFor(y, m, d, seq), memberNo: "", joinedYm: `${y + 14}-01`, ...over }),
    ctx,
  );
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.value;
}

let branchNo = 0;

async function branchIn(db: Db, parentId: number, industry: string | null) {
  const [id] = await bulkAppend(db, [{ parentId, shortName: `第${++branchNo}车间团支部`, category: 5 }]);
  if (industry) {
    await writeTx(db, async (tx) => {
      const o = (await getOrg(tx, id))!;
      await writeInfo(tx, o, { ...infoOf(o), industry }, { action: "org.info", actorId: 1, at: NOW });
    });
  }
  return (await getOrg(db, id))!;
}

async function exact(db: Db) {
  assert.deepEqual(await verifyMemberCounters(db), []);
  assert.deepEqual(await verifyCounters(db), []);
}

Deno.test("member counters: add, edit, remove, batch, industry and category changes, moves, bulk loads", async () => {
  await using t = await testDb();
  const [jinan] = await t.db.select().from(orgs).where(eq(orgs.shortName, "团济南市委"));
  const a = await branchIn(t.db, jinan.id, "初中");
  const b = await branchIn(t.db, jinan.id, "农村");
  await exact(t.db);
  let root = (await getOrg(t.db, MINI.root))!;
  assert.equal(root.subBranchesW1, 1);
  assert.equal(root.subBranchesW2, 1);

  // Single add: 1 member → a filled, small branch.
  const first = await writeTx(t.db, (tx) => addMember(tx, a, member(2005, 1, 1, 1), 1, NOW, TODAY));
  assert.ok("id" in first);
  await exact(t.db);
  root = (await getOrg(t.db, MINI.root))!;
  assert.deepEqual([root.subMembers, root.subFilled, root.subSmall, root.subMembersW1], [1, 1, 1, 1]);

  // The same ID again, anywhere: refused with the holding branch's name.
  const again = await writeTx(t.db, (tx) => addMember(tx, b, member(2005, 1, 1, 1), 1, NOW, TODAY));
  assert.ok("message" in again && again.message.includes(a.shortName));
  await exact(t.db);

  // A batch of 52 into b (one of them 28 already) → large, due.
  const batch = Array.from({ length: 51 }, (_, i) => member(2000, 1, 1, 100 + i));
  batch.push(member(1998, 12, 3, 99)); // turns 28 today
  await writeTx(t.db, (tx) => addMembers(tx, b, batch, 1, NOW, TODAY));
  await exact(t.db);
  root = (await getOrg(t.db, MINI.root))!;
  assert.deepEqual([root.subMembers, root.subLarge, root.subDue, root.subMembersW2], [53, 1, 1, 52]);

  // Edit: the 28-year-old takes a 团内职务 → no longer due.
  const [old] = await t.db.select().from(members).where(eq(members.idNumber, batch.at(-1)!.idNumber));
  await writeTx(
    t.db,
    async (tx) => await updateMember(tx, b, old, { ...batch.at(-1)!, position: "组织委员" }, 1, NOW, TODAY),
  );
  await exact(t.db);
  assert.equal((await getOrg(t.db, MINI.root))!.subDue, 0);

  // Remove.
  const [gone] = await t.db.select().from(members).where(eq(members.orgId, a.id));
  await writeTx(t.db, (tx) => removeMember(tx, a, gone, 1, NOW));
  await exact(t.db);
  assert.equal((await getOrg(t.db, MINI.root))!.subFilled, 1);

  // b's 行业类别 changes wave; then the parent turns it into a 团总支 (no longer a branch).
  await writeTx(t.db, async (tx) => {
    const o = (await getOrg(tx, b.id))!;
    await writeInfo(tx, o, { ...infoOf(o), industry: "国有企业" }, {
      action: "org.info",
      actorId: 1,
      at: NOW,
    });
  });
  await exact(t.db);
  assert.equal((await getOrg(t.db, MINI.root))!.subMembersW1, 52);
  await writeTx(t.db, async (tx) => {
    const o = (await getOrg(tx, b.id))!;
    await writeInfo(tx, o, { ...infoOf(o), category: 4, shortName: "车间团总支" }, {
      action: "org.corrected",
      actorId: 1,
      at: NOW,
    });
  });
  await exact(t.db);

  // Move a branch with members to another city.
  const [qingdao] = await t.db.select().from(orgs).where(eq(orgs.shortName, "团青岛市委"));
  const c = await branchIn(t.db, jinan.id, "城市社区");
  await writeTx(
    t.db,
    (tx) => addMembers(tx, c, [member(2001, 5, 5, 7), member(2001, 5, 5, 9)], 1, NOW, TODAY),
  );
  const err = await writeTx(
    t.db,
    async (tx) => await moveSubtree(tx, (await getOrg(tx, MINI.root))!, c.id, qingdao.id, 1, NOW, null),
  );
  assert.equal(err, null);
  await exact(t.db);
  assert.equal((await getOrg(t.db, qingdao.id))!.subMembers, 2);

  // Bulk loads of orgs keep member counters too.
  await addBranches(t.db, qingdao.id, 3);
  await exact(t.db);
});

Deno.test("应离团 roll: exact on each day across a birthday, idempotent, positions exempt", async () => {
  await using t = await testDb();
  const [jinan] = await t.db.select().from(orgs).where(eq(orgs.shortName, "团济南市委"));
  const br = await branchIn(t.db, jinan.id, "农村");
  // Turns 28 on 2026-12-05; another on 12-04 but holds a 团内职务; a third already 28.
  const people = [
    member(1998, 12, 5, 1),
    member(1998, 12, 4, 3, { position: "书记" }),
    member(1990, 1, 1, 5),
  ];
  await writeTx(t.db, (tx) => addMembers(tx, br, people, 1, NOW, TODAY));
  const due = async () => (await getOrg(t.db, MINI.root))!.subDue;
  assert.equal(await due(), 1);
  assert.equal(await writeTx(t.db, (tx) => rollDue(tx, 20261204)), 0);
  assert.equal(await due(), 1);
  await exact(t.db);
  assert.equal(await writeTx(t.db, (tx) => rollDue(tx, 20261205)), 1, "the birthday");
  assert.equal(await due(), 2);
  assert.equal(await writeTx(t.db, (tx) => rollDue(tx, 20261205)), 0, "a second roll the same day");
  assert.equal(await writeTx(t.db, (tx) => rollDue(tx, 20261201)), 0, "never backwards");
  await exact(t.db);
  assert.equal((await getOrg(t.db, br.id))!.dueCount, 2);
  // Days skipped (a server down for a week) are caught up at once.
  const later = await branchIn(t.db, jinan.id, "农村");
  await writeTx(
    t.db,
    (tx) => addMembers(tx, later, [member(1998, 12, 20, 7), member(1998, 12, 28, 9)], 1, NOW, 20261205),
  );
  assert.equal(await writeTx(t.db, (tx) => rollDue(tx, 20261231)), 2);
  await exact(t.db);
});
