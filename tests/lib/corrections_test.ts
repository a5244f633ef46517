import assert from "node:assert/strict";
import { checkCorrection } from "../../lib/corrections.ts";
import { checkNewChild } from "../../lib/new_child.ts";

const parent = { category: 1, level: 3, shortName: "团济南市委", fullName: "中国共产主义青年团济南市委员会" };
const asBranch = checkNewChild(parent, { shortName: "机关团支部", category: "5" }, new Map());
const asCommittee = checkNewChild(parent, { shortName: "济南一中团委", category: "2" }, new Map());

Deno.test("corrections: an org with children cannot become a 团支部", () => {
  const r = checkCorrection({ childCount: 3, confirmed: false }, asBranch, { industry: "", reason: "" });
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.problems[0].message : "", /该组织有 3 个下级组织，不能改为团支部/);
  assert.ok(checkCorrection({ childCount: 0, confirmed: false }, asBranch, { industry: "", reason: "" }).ok);
});

Deno.test("corrections: after confirmation a reason is required and the industry must be from the list", () => {
  const noReason = checkCorrection({ childCount: 0, confirmed: true }, asCommittee, {
    industry: "",
    reason: " ",
  });
  assert.equal(noReason.ok, false);
  assert.equal(!noReason.ok && noReason.reasonError, "该组织已确认信息，更正须填写原因");
  const badIndustry = checkCorrection({ childCount: 0, confirmed: true }, asCommittee, {
    industry: "钢铁",
    reason: "更名",
  });
  assert.match(!badIndustry.ok ? badIndustry.problems[0].message : "", /请从列表中选择单位所属行业类别/);
  assert.deepEqual(
    checkCorrection({ childCount: 0, confirmed: true }, asCommittee, {
      industry: " 普通高中 ",
      reason: " 更名 ",
    }),
    { ok: true, industry: "普通高中", reason: "更名" },
  );
  // Before confirmation no reason is needed.
  assert.deepEqual(
    checkCorrection({ childCount: 0, confirmed: false }, asCommittee, { industry: "", reason: "" }),
    { ok: true, industry: null, reason: null },
  );
});

Deno.test("corrections: the new-child problems are kept", () => {
  const bad = checkNewChild(parent, { shortName: "济南一中", category: "2" }, new Map());
  const r = checkCorrection({ childCount: 0, confirmed: false }, bad, { industry: "", reason: "" });
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.problems[0].field, "shortName");
});
