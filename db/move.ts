/**
 * Moving a subtree to another parent (SPEC §7): range UPDATEs rewrite paths
 * and levels (a few thousand rows each, breathing between them), the
 * counters move from the old ancestor chain to the new one, the name index
 * is queued for its catch-up (db/search.ts), and the move is audited.
 */
import { and, eq, gt, sql } from "drizzle-orm";
import { add, zero } from "../lib/counters.ts";
import { mayHaveChildren, placementRefusal } from "../lib/org_rules.ts";
import { pace, type Tx } from "./client.ts";
import { audit } from "./audit.ts";
import { applyChange, getOrg, inSubtree, pathEnd, subCounts } from "./orgs.ts";
import { queueReindex } from "./search.ts";
import { carryMembers, memberCountsOf } from "./members.ts";
import { madd, mzero } from "../lib/member_counters.ts";
import { type Org, orgs } from "./schema.ts";
import { everything } from "./changes.ts";

/** Why a move is refused, in Chinese; null when allowed. */
export function moveRefusal(acting: Org, moved: Org, target: Org, targetHasName: boolean): string | null {
  if (moved.parentId === null) return "团中央不能移动";
  if (!inSubtree(acting.path, moved.path) || moved.id === acting.id) {
    return "只能移动本组织下级中的组织（本组织自身不能移动）";
  }
  if (!inSubtree(acting.path, target.path)) return "只能移动到本组织或其下级组织之下";
  if (inSubtree(moved.path, target.path)) return "不能移动到该组织自身或其下级组织之下";
  if (target.id === moved.parentId) return "该组织已在所选上级组织之下";
  if (!mayHaveChildren(target.category)) return "团支部不能有下级组织，不能移动到团支部之下";
  const placement = placementRefusal(target.category, moved.category);
  if (placement) return placement;
  if (targetHasName) return `目标组织下已有名为“${moved.shortName}”的直属下级组织`;
  return null;
}

/** Orgs whose paths one statement of a move rewrites: about 10 ms of a local writer. */
const MOVE_BATCH = 2_000;

/** Moves `movedId` under `targetId`. Returns a refusal message, or null when done. */
export async function moveSubtree(
  tx: Tx,
  acting: Org,
  movedId: number,
  targetId: number,
  actorId: number,
  now: Date,
  reason: string | null,
): Promise<string | null> {
  const moved = await getOrg(tx, movedId);
  const target = await getOrg(tx, targetId);
  if (!moved || !target) return "组织不存在";
  const [clash] = await tx.select({ id: orgs.id }).from(orgs).where(
    and(eq(orgs.parentId, target.id), eq(orgs.shortName, moved.shortName)),
  );
  const refusal = moveRefusal(acting, moved, target, !!clash);
  if (refusal) return refusal;
  const oldParent = (await getOrg(tx, moved.parentId!))!;
  everything(tx); // every path in the subtree changes
  const counts = subCounts(moved);

  await applyChange(tx, oldParent.id, {}, add(zero(), counts, -1), -1);
  await carryMembers(tx, oldParent.path, madd(mzero(), memberCountsOf(moved), -1));
  await tx.update(orgs).set({ sortOrder: sql`${orgs.sortOrder} - 1` }).where(
    and(eq(orgs.parentId, oldParent.id), gt(orgs.sortOrder, moved.sortOrder)),
  );
  const newPath = `${target.path}${moved.id}/`;
  const levelDelta = target.level + 1 - moved.level;
  // Rows leave the old range as they are rewritten (the new paths lie outside it), so each round takes the next.
  for (;;) {
    const { rowsAffected } = await tx.run(sql`UPDATE orgs
      SET path = ${newPath} || substr(path, ${moved.path.length + 1}), level = level + ${levelDelta}
      WHERE id IN (SELECT id FROM orgs WHERE path >= ${moved.path} AND path < ${pathEnd(moved.path)}
        LIMIT ${MOVE_BATCH})`);
    if (rowsAffected < MOVE_BATCH) break;
    await pace();
  }
  const [{ last }] = await tx.select({ last: sql<number>`coalesce(max(${orgs.sortOrder}), 0)` }).from(orgs)
    .where(
      eq(orgs.parentId, target.id),
    );
  await tx.update(orgs).set({ parentId: target.id, sortOrder: last + 1 }).where(eq(orgs.id, moved.id));
  // The target's ancestor chain is read after the path rewrite, so it is current.
  await applyChange(tx, target.id, {}, counts, 1);
  await carryMembers(tx, target.path, memberCountsOf(moved));
  await queueReindex(tx, moved.id, now);
  await audit(tx, {
    org: { id: moved.id, path: newPath },
    actorId,
    action: "org.moved",
    detail: { from: oldParent.shortName, to: target.shortName, orgs: counts.subOrgs },
    reason,
    at: now,
  });
  return null;
}
