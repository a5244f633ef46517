/** Builds member batch files for tests and benchmarks: `n` valid members with unique ID numbers. */
import { checkDigit } from "../lib/id_number.ts";
import { MEMBER_SHEET } from "../lib/member_import.ts";
import { type Cell, xlsxFile } from "./import_files.ts";

/** `n` valid member rows (template column order), ID numbers from region `region` (default 990000, unused by gen). */
export function memberRows(n: number, region = 990000, start = 0): Cell[][] {
  return Array.from({ length: n }, (_, k) => {
    const i = start + k;
    const y = 2000 + (i % 9), m = 1 + (Math.floor(i / 9) % 12), d = 1 + (Math.floor(i / 108) % 28);
    const body = `${region + Math.floor(i / 108 / 28 / 999)}${y}${String(m).padStart(2, "0")}${
      String(d).padStart(2, "0")
    }${String(1 + (Math.floor(i / 108 / 28) % 999)).padStart(3, "0")}`;
    return [
      `团员${String.fromCharCode(0x4e00 + (i % 2000))}${
        String.fromCharCode(0x4e00 + Math.floor(i / 2000) % 2000)
      }`,
      body + checkDigit(body),
      "汉族",
      "共青团员",
      `${y + 14}-0${1 + (i % 9)}`,
      "大学本科",
      "",
      `139${String(i).padStart(8, "0")}`,
      "",
      "学生",
      "",
      "",
      "",
      "",
      "",
    ];
  });
}

/** A filled member template of `n` rows. */
export function memberFile(n: number, region?: number, start?: number): Promise<Uint8Array<ArrayBuffer>> {
  return xlsxFile(memberRows(n, region, start), { headers: [...MEMBER_SHEET.headers] });
}
