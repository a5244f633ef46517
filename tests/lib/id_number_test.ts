import assert from "node:assert/strict";
import { maskIdNumber, parseIdNumber } from "../../lib/id_number.ts";
import { withCheckDigit } from "../helpers.ts";

Deno.test("ID number: the public valid vectors pass, x is normalised to X", () => {
  for (const id of ["360426199101010071", "110101199003078670", "440308199901101512", "500154199804106120"]) {
    const r = parseIdNumber(id);
    assert.ok(r.ok, id);
    assert.equal(r.value.idNumber, id);
  }
  const x = parseIdNumber("44011320141005001x");
  assert.ok(x.ok);
  assert.equal(x.value.idNumber, "44011320141005001X");
  assert.deepEqual(x.value.birth, { year: 2014, month: 10, day: 5 });
});

Deno.test("ID number: the public invalid vectors fail with the right reason", () => {
  const reason = (id: string) => {
    const r = parseIdNumber(id);
    assert.ok(!r.ok, id);
    return r.error;
  };
  assert.match(reason("36042619910102009X"), /校验位/);
  assert.match(reason("440308199901101513"), /校验位/);
  assert.match(reason("11010119900307867X"), /校验位/);
  assert.match(reason("360426199113010079"), /出生日期/);
  assert.match(reason("440308199902301512"), /出生日期/);
  assert.match(reason(""), /请填写/);
  assert.match(reason("1234567890"), /18 位/);
  assert.match(reason("11010119900307867A"), /格式/);
  assert.ok(parseIdNumber("  110101199003078670 ").ok, "surrounding spaces are trimmed");
});

Deno.test("ID number: leap days are real dates only in leap years", () => {
  // 2000-02-29 exists; 1900-02-29 and 1999-02-29 do not.
  const body = (d: string) => withCheckDigit(`110101${d}001`);
  assert.ok(parseIdNumber(body("20000229")).ok);
  assert.ok(!parseIdNumber(body("19990229")).ok);
  assert.ok(!parseIdNumber(body("19000229")).ok);
});

Deno.test("ID number: masked as 3701**********1234", () => {
  assert.equal(maskIdNumber("370102199001011234"), "3701**********1234");
  assert.equal(maskIdNumber(""), "");
  assert.equal(maskIdNumber(null), "");
});
