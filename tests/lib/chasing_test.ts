import assert from "node:assert/strict";
import {
  barWidth,
  codeStatus,
  deltaText,
  movementText,
  rankWithMovement,
  rateBand,
  trailIds,
} from "../../lib/chasing.ts";
import { pasteText } from "../../lib/codes.ts";

const NOW = new Date("2026-12-15T02:00:00Z");
const later = new Date(NOW.getTime() + 86400_000), earlier = new Date(NOW.getTime() - 86400_000);

Deno.test("codeStatus: 已注册 / 已发未注册 / 已过期 / 未发", () => {
  assert.equal(codeStatus(1, [], NOW), "registered");
  assert.equal(codeStatus(0, [], NOW), "unissued");
  assert.equal(codeStatus(0, [{ expiresAt: later, usedAt: null }], NOW), "pending");
  assert.equal(codeStatus(0, [{ expiresAt: earlier, usedAt: null }], NOW), "expired");
  assert.equal(
    codeStatus(0, [{ expiresAt: earlier, usedAt: null }, { expiresAt: later, usedAt: null }], NOW),
    "pending",
    "a fresh code after an expired one",
  );
  assert.equal(codeStatus(0, [{ expiresAt: NOW, usedAt: null }], NOW), "expired", "expiry is exclusive");
});

Deno.test("rateBand and barWidth: red, amber, green; 0% is an empty bar", () => {
  assert.equal(rateBand(0), "low");
  assert.equal(rateBand(49.9), "low");
  assert.equal(rateBand(50), "mid");
  assert.equal(rateBand(79.9), "mid");
  assert.equal(rateBand(80), "high");
  assert.equal(rateBand(100), "high");
  assert.equal(barWidth(0), 0);
  assert.equal(barWidth(12.5), 12.5);
  assert.equal(barWidth(140), 100);
});

Deno.test("rankWithMovement: ranks by rate, ties share a rank, movement since the earlier report", () => {
  const r = rankWithMovement([
    { id: 1, sortOrder: 1, rate: 10, before: 50 },
    { id: 2, sortOrder: 2, rate: 60, before: 20 },
    { id: 3, sortOrder: 3, rate: 60, before: 30 },
    { id: 4, sortOrder: 4, rate: 5, before: null },
  ]);
  assert.deepEqual(
    r.map((x) => [x.entry.id, x.rank, x.previousRank, x.movement]),
    [[2, 1, 3, 2], [3, 1, 2, 1], [1, 3, 1, -2], [4, 4, null, null]],
  );
  assert.deepEqual([2, 1, 0, -1, null].map(movementText), ["↑2", "↑1", "–", "↓1", "新"]);
});

Deno.test("deltaText: signs and decimals", () => {
  assert.equal(deltaText(3), "+3");
  assert.equal(deltaText(-2), "−2");
  assert.equal(deltaText(0), "0");
  assert.equal(deltaText(12.34, 1), "+12.3");
  assert.equal(deltaText(0.04, 1), "0.0");
});

Deno.test("trailIds: the orgs between the viewer's org and the row's org", () => {
  assert.deepEqual(trailIds("/1/3/11/15/", "/1/3/"), [11]);
  assert.deepEqual(trailIds("/1/3/11/", "/1/3/"), []);
  assert.deepEqual(trailIds("/1/3/11/15/99/", "/1/"), [3, 11, 15]);
});

Deno.test("pasteText: org, code, Beijing expiry and the registration address", () => {
  assert.equal(
    pasteText({
      orgName: "团淄博市委",
      code: "Ab3dEf7h",
      expiresAt: new Date("2026-12-22T16:30:00Z"),
      site: "https://zhtj.example.cn/",
    }),
    "团淄博市委管理员注册码：Ab3dEf7h，有效期至2026-12-23 00:30（北京时间），仅限一名管理员使用，区分大小写。" +
      "注册网址：https://zhtj.example.cn/register",
  );
});
