/** Member batch checks row by row: the same answers as the whole batch at once. */
import assert from "node:assert/strict";
import { checkMemberRows, memberRowChecker, type RawMemberRow } from "../../lib/member_import.ts";
import { idFor, validInput } from "../member_helpers.ts";

Deno.test("member rows: checked a few at a time, a repeated ID number across the pieces is still found", () => {
  const rows: RawMemberRow[] = [
    { ...validInput({ idNumber: idFor(2005, 6, 15, 101), memberNo: "201900000001" }), row: 2 },
    { ...validInput({ idNumber: idFor(2005, 6, 16, 103), memberNo: "201900000002" }), row: 3 },
    { ...validInput({ idNumber: idFor(2005, 6, 15, 101), memberNo: "201900000003" }), row: 4 },
  ];
  const known = { branchId: 7, byId: new Map(), byNo: new Map() };
  const ctx = { now: new Date("2026-12-01T00:00:00Z"), isPlace: () => true };
  const check = memberRowChecker(known, ctx);
  const inPieces = [...rows.slice(0, 2).map(check), ...rows.slice(2).map(check)];
  assert.deepEqual(inPieces, checkMemberRows(rows, known, ctx));
  assert.deepEqual(inPieces.map((r) => r.status), ["ok", "ok", "error"]);
  assert.match(inPieces[2].messages[0].message, /与第 2 行的身份证号码重复/);
});
