/** Saving an org's own info and the parent's corrections, with the audit trail. */
import { isInfoComplete, type OrgInfo } from "../lib/org_info.ts";
import { maskIdNumber } from "../lib/id_number.ts";
import { maskMobile } from "../lib/mobile.ts";
import { type Category, checkShortName } from "../lib/org_rules.ts";
import type { Tx } from "./client.ts";
import { type Action, audit } from "./audit.ts";
import { everything } from "./changes.ts";
import { applyChange } from "./orgs.ts";
import { indexNames } from "./search.ts";
import type { Org } from "./schema.ts";

/** The info fields of an org row. */
export function infoOf(o: Org): OrgInfo {
  return {
    category: o.category,
    shortName: o.shortName,
    fullName: o.fullName,
    industry: o.industry,
    phone: o.phone,
    email: o.email,
    adminQuota: o.adminQuota,
    adminActual: o.adminActual,
    instQuota: o.instQuota,
    instActual: o.instActual,
    secretaryName: o.secretaryName,
    secretaryIdNumber: o.secretaryIdNumber,
    secretaryMobile: o.secretaryMobile,
  };
}

/** Masks personal data in an audit value. */
function auditValue(key: keyof OrgInfo, v: unknown): unknown {
  if (key === "secretaryIdNumber") return maskIdNumber(v as string | null);
  if (key === "secretaryMobile") return maskMobile(v as string | null);
  return v;
}

/** The info fields whose values differ between `before` and `next`. */
export function changedFields(before: OrgInfo, next: OrgInfo): (keyof OrgInfo)[] {
  return (Object.keys(next) as (keyof OrgInfo)[]).filter((k) => (before[k] ?? null) !== (next[k] ?? null));
}

/** The completeness and name flags stored with `info`. */
export function infoFlags(info: OrgInfo): { infoComplete: number; badName: number } {
  return {
    infoComplete: isInfoComplete(info) ? 1 : 0,
    badName: checkShortName(info.shortName, info.category as Category).ok ? 0 : 1,
  };
}

/** Whether saving `next` over `org` would store nothing new (the values and the flags they give are there). */
export function savesNothing(org: Org, next: OrgInfo): boolean {
  const flags = infoFlags(next);
  return changedFields(infoOf(org), next).length === 0 && flags.infoComplete === org.infoComplete &&
    flags.badName === org.badName;
}

/**
 * Writes new info values, recomputing the completeness and name flags (which
 * moves the counters), and audits what changed (personal data masked).
 */
export async function writeInfo(
  tx: Tx,
  org: Org,
  next: OrgInfo,
  audited: { action: Action; actorId: number; at: Date; reason?: string | null; confirm?: boolean },
): Promise<string[]> {
  const before = infoOf(org);
  const changed = changedFields(before, next);
  // Only what changed: a save that changes nothing shown leaves every cached page as it is (db/orgs.ts).
  await applyChange(tx, org.id, {
    ...Object.fromEntries(changed.map((k) => [k, next[k]])),
    ...infoFlags(next),
    updatedAt: audited.at,
    ...(audited.confirm ? { confirmedAt: audited.at } : {}),
  });
  if (changed.includes("shortName")) {
    // Every descendant's breadcrumb and search result shows the name.
    everything(tx);
    await indexNames(tx, [{ id: org.id, path: org.path, shortName: next.shortName }]);
  }
  if (changed.length || audited.confirm) {
    await audit(tx, {
      org,
      actorId: audited.actorId,
      action: audited.action,
      detail: {
        changes: Object.fromEntries(
          changed.map((k) => [k, { before: auditValue(k, before[k]), after: auditValue(k, next[k]) }]),
        ),
      },
      reason: audited.reason,
      at: audited.at,
    });
  }
  return changed;
}
