/** 户籍所在地: a province, or province + prefecture (GB/T 2260), as one text ("山东省济南市"). */
import { type Divisions, isDirectlyAdministered, PLACEHOLDER_CITIES } from "./divisions.ts";

/**
 * The valid places of a division set: each province alone, each province with
 * one of its prefecture-level cities, and for the municipalities (whose
 * cities are placeholders) the province with one of its districts.
 */
export function placeNames(d: Divisions): Set<string> {
  const province = new Map(d.provinces);
  const out = new Set<string>(d.provinces.map(([, n]) => n));
  const placeholderCodes = new Set<string>();
  for (const [code, name, p] of d.cities) {
    if (PLACEHOLDER_CITIES.has(name) || isDirectlyAdministered(name)) placeholderCodes.add(code);
    else out.add(province.get(p)! + name);
  }
  for (const [, name, parent] of d.counties) {
    const p = province.get(parent) ??
      (placeholderCodes.has(parent) ? province.get(parent.slice(0, 2)) : undefined);
    if (p) out.add(p + name);
  }
  return out;
}
