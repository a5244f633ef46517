import assert from "node:assert/strict";
import { ACTIONS, describeChange, describeDetail, DETAIL_LABELS, showValue } from "../../lib/audit_labels.ts";

/** Every source file that writes audit entries. */
async function sources(): Promise<string[]> {
  const out: string[] = [];
  for (const dir of ["db", "routes", "lib"]) {
    for await (const e of Deno.readDir(new URL(`../../${dir}/`, import.meta.url))) {
      if (/\.tsx?$/.test(e.name)) {
        out.push(await Deno.readTextFile(new URL(`../../${dir}/${e.name}`, import.meta.url)));
      }
    }
  }
  return out;
}

Deno.test("audit labels: every action the code writes has a Chinese label", async () => {
  const written = new Set<string>();
  for (const src of await sources()) {
    for (const m of src.matchAll(/action: "([a-z_]+\.[a-z_]+)"/g)) written.add(m[1]);
  }
  assert.ok(written.size >= 12, `found ${written.size} actions`);
  for (const a of written) assert.ok(a in ACTIONS, `no label for ${a}`);
});

Deno.test("audit labels: every detail key the code writes has a Chinese label", async () => {
  const keys = new Set<string>();
  for (const src of await sources()) {
    for (const m of src.matchAll(/detail: \{([^}]*)\}/g)) {
      for (const k of m[1].matchAll(/(?:^|,)\s*([A-Za-z]+)\s*(?::|,|$)/g)) keys.add(k[1]);
    }
  }
  assert.ok(keys.has("importId") && keys.has("expiresAt"), [...keys].join(","));
  for (const k of keys) assert.ok(k === "changes" || k in DETAIL_LABELS, `no label for detail key ${k}`);
});

Deno.test("audit labels: values in Beijing time, 是/否, category names; no raw keys", () => {
  assert.equal(showValue("expiresAt", "2026-12-22T18:33:02.426Z"), "2026-12-23 02:33（北京时间）");
  assert.equal(showValue("newAccount", true), "是");
  assert.equal(showValue("category", 5), "团支部");
  assert.equal(
    showValue("after", { year: 2026, levels: { 2: "12-13", 6: "02-07" } }),
    "2026 年度：第2级 12-13，第六级及以下 02-07",
  );
  assert.deepEqual(describeDetail("import.confirmed", { importId: "ab12", rows: 7, created: 5 }), [
    "导入批次：ab12",
    "表中行数：7",
    "已创建：5",
  ]);
  assert.deepEqual(describeDetail("org.moved", { from: "团历下区委", to: "团天桥区委", orgs: 3 }), [
    "原上级组织：团历下区委",
    "新上级组织：团天桥区委",
    "随之移动的组织数（含本组织）：3",
  ]);
  assert.equal(
    describeChange("shortName", { before: "甲团委", after: "乙团委" }),
    "组织简称：甲团委 → 乙团委",
  );
});
