import assert from "node:assert/strict";
import { maskMobile, parseMobile } from "../../lib/mobile.ts";

Deno.test("mobile: mainland prefixes accepted, others refused with a reason", () => {
  for (
    const m of [
      "13012345678",
      "13912345678",
      "14512345678",
      "14712345678",
      "14912345678",
      "15012345678",
      "15312345678",
      "15512345678",
      "15912345678",
      "16212345678",
      "16512345678",
      "16612345678",
      "16712345678",
      "17012345678",
      "17312345678",
      "17512345678",
      "17812345678",
      "18012345678",
      "18912345678",
      "19012345678",
      "19312345678",
      "19512345678",
      "19912345678",
    ]
  ) assert.ok(parseMobile(m).ok, m);
  for (
    const m of [
      "14012345678",
      "15412345678",
      "16012345678",
      "16812345678",
      "17412345678",
      "17912345678",
      "19412345678",
      "12012345678",
    ]
  ) {
    const r = parseMobile(m);
    assert.ok(!r.ok, m);
    assert.match(r.error, /号段/);
  }
  const short = parseMobile("1381234567");
  assert.ok(!short.ok);
  assert.match(short.error, /11 位/);
  const empty = parseMobile("");
  assert.ok(!empty.ok);
  assert.match(empty.error, /请填写/);
  assert.deepEqual(parseMobile(" 138-1234-5678 "), { ok: true, value: "13812345678" });
});

Deno.test("mobile: masked as 138****5678", () => {
  assert.equal(maskMobile("13812345678"), "138****5678");
  assert.equal(maskMobile(null), "");
});
