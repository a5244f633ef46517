/**
 * The initialised levels 1–4 (SPEC §2): 团中央, the 38 level-2 bodies, one
 * 团委 per prefecture and one per county. Pure: the seed inserts the result.
 */
import type { Divisions } from "./divisions.ts";
import { NATIONAL_BODIES, proposeFullName } from "./org_rules.ts";

/** One org of the initial tree; `key` is the division code (or a fixed key). */
export interface SeedOrg {
  key: string;
  parentKey: string | null;
  level: number;
  shortName: string;
  fullName: string;
  sortOrder: number;
}

/** Short name of a leading body: 团 + division name + 委. */
export const leadingShortName = (division: string): string => `团${division}委`;

/** Builds the initial tree, parents before children, siblings in code order. */
export function buildInitialTree(div: Divisions): SeedOrg[] {
  const out: SeedOrg[] = [];
  const byKey = new Map<string, SeedOrg>();
  const sortOf = new Map<string | null, number>();
  const push = (
    key: string,
    parentKey: string | null,
    shortName: string,
    fullName?: string,
  ) => {
    const parent = parentKey === null ? null : byKey.get(parentKey)!;
    const sortOrder = (sortOf.get(parentKey) ?? 0) + 1;
    sortOf.set(parentKey, sortOrder);
    const org: SeedOrg = {
      key,
      parentKey,
      level: parent ? parent.level + 1 : 1,
      shortName,
      fullName: fullName ?? proposeFullName(parent, shortName, 1),
      sortOrder,
    };
    out.push(org);
    byKey.set(key, org);
  };
  push("root", null, "团中央");
  for (const [code, name] of div.provinces) {
    push(code, "root", leadingShortName(name));
  }
  for (const body of NATIONAL_BODIES) {
    push(body.shortName, "root", body.shortName, body.fullName);
  }
  for (const [code, name, province] of div.cities) {
    push(code, province, leadingShortName(name));
  }
  for (const [code, name, parent] of div.counties) {
    push(code, parent, leadingShortName(name));
  }
  return out;
}
