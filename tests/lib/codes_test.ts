import assert from "node:assert/strict";
import { CODE_ALPHABET, codeExpiry, generateCode, isWellFormedCode } from "../../lib/codes.ts";

Deno.test("codes: 8 characters from a 56-character alphabet without confusables", () => {
  assert.equal(CODE_ALPHABET.length, 56);
  assert.equal(new Set(CODE_ALPHABET).size, 56);
  for (const ch of "0Oo1lI") assert.ok(!CODE_ALPHABET.includes(ch));
  for (let i = 0; i < 200; i++) {
    const c = generateCode();
    assert.equal(c.length, 8);
    assert.ok(isWellFormedCode(c));
  }
  assert.ok(!isWellFormedCode("0000000O"));
  assert.ok(!isWellFormedCode("abc"));
});

Deno.test("codes: characters are uniform (chi-square over 56 symbols)", () => {
  const counts = new Map<string, number>();
  const n = 20_000;
  for (let i = 0; i < n; i++) for (const ch of generateCode()) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const expected = (n * 8) / 56;
  let chi = 0;
  for (const ch of CODE_ALPHABET) chi += ((counts.get(ch) ?? 0) - expected) ** 2 / expected;
  // 55 degrees of freedom: p = 0.0001 at ≈ 100.
  assert.ok(chi < 100, `chi-square ${chi.toFixed(1)}`);
});

Deno.test("codes: valid for 20 days", () => {
  const at = new Date("2026-11-24T00:00:00Z");
  assert.equal(codeExpiry(at).toISOString(), "2026-12-14T00:00:00.000Z");
});
