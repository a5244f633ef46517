/**
 * What a write transaction changed, as far as cached reads care (issue 14):
 * the data-access functions that write record it on their transaction, and
 * the read cache (db/cache.ts) drops only what depends on it once the
 * transaction commits.
 *
 * A change is named by tags:
 * - `org:<id>`: the org's own row, its list of direct children or one of
 *   their rows. A change to an org's row records the org and its parent (which
 *   lists it), and every ancestor whose counters move or whose progress,
 *   problem and chase rows show the changed columns (db/orgs.ts `applyChange`).
 *   A save that changes nothing any page shows records nothing.
 * - `own:<id>`: the org's own row, counters aside (its info page), and
 *   `kids:<id>`: its direct children's rows, counters aside, their number and
 *   order (its child list, with `own:`). A change to an org's own shown
 *   values records `own:` for it and `kids:` for its parent; a child added,
 *   removed or reordered records `kids:` for the parent. A change that moves
 *   only counters (a write further down) records neither, so the pages tagged
 *   with these alone (middleware/page_cache.ts) outlast it.
 * - `acct:<id>`: an account's sessions and the orgs it administers.
 * - `sid:<sha256>`: one session.
 *
 * A transaction that records nothing is taken to have changed everything, as
 * is one that records `everything()` (a subtree move, a rename that every
 * descendant's breadcrumb shows, the campaign schedule, bulk loads). A
 * function that writes a table no cached read shows (codes, audit, imports)
 * records `nothing()` so that its transaction stays precise.
 */
/** The recorded changes of one transaction. */
export interface Changes {
  /** Tags whose cached reads are now stale. */
  tags: Set<string>;
  /** True when nothing cached can be trusted any more. */
  everything: boolean;
  /** True once any function has recorded anything (an empty, precise change included). */
  declared: boolean;
}

const byTx = new WeakMap<object, Changes>();

function of(tx: object): Changes {
  let c = byTx.get(tx);
  if (!c) {
    c = { tags: new Set(), everything: false, declared: false };
    byTx.set(tx, c);
  }
  c.declared = true;
  return c;
}

/** Records a change to the rows of these orgs only (not to their ancestors): the one writer of `org:` tags. */
export function changedRows(tx: object, ids: Iterable<number | string>): void {
  const c = of(tx);
  for (const id of ids) c.tags.add(`org:${id}`);
}

/** Records a change to the org at `path` (its own row or its children): the org and all its ancestors. */
export const changedOrg = (tx: object, path: string): void =>
  changedRows(tx, path.split("/").filter(Boolean));

/** Records new orgs: a lookup of their ids before now may be cached as "no such org". */
export const createdOrgs = (tx: object, ids: number[]): void => changedRows(tx, ids);

/** Records a change to an org's own row, counters aside, which its parent lists (see `own:` above). */
export function changedOwnRow(tx: object, orgId: number, parentId: number | undefined): void {
  const c = of(tx);
  c.tags.add(`own:${orgId}`);
  if (parentId !== undefined) c.tags.add(`kids:${parentId}`);
}

/** Records a change to the direct children of `orgId` only (their number or order), not to its counters. */
export function changedChildrenOf(tx: object, orgId: number): void {
  changedRows(tx, [orgId]);
  of(tx).tags.add(`kids:${orgId}`);
}

/** Records a change to an account's sessions or admin rights. */
export function changedAccount(tx: object, accountId: number): void {
  of(tx).tags.add(`acct:${accountId}`);
}

/** Records a change to one session (by the SHA-256 of its secret, as stored). */
export function changedSession(tx: object, sessionId: string): void {
  of(tx).tags.add(`sid:${sessionId}`);
}

/** Records a write to tables no cached read shows. */
export function nothing(tx: object): void {
  of(tx);
}

/** Records a change that any cached read may show. */
export function everything(tx: object): void {
  of(tx).everything = true;
}

/** What `tx` recorded: `everything` when it recorded nothing at all. */
export function changesOf(tx: object): Changes {
  const c = byTx.get(tx);
  if (!c || !c.declared) return { tags: new Set(), everything: true, declared: false };
  return c;
}
