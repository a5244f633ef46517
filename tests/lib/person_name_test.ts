import assert from "node:assert/strict";
import { personNameProblem } from "../../lib/person_name.ts";

Deno.test("person names: 2–20 Chinese characters or letters, with ·", () => {
  for (const ok of ["张三", "欧阳娜娜", "Tom", "阿依古丽·买买提"]) {
    assert.equal(personNameProblem(ok), null, ok);
  }
  for (const bad of ["张", "张 三", "张3", "a".repeat(21), ""]) {
    assert.equal(personNameProblem(bad), "姓名应为 2–20 个汉字或字母", bad);
  }
  assert.equal(personNameProblem("张", "书记姓名"), "书记姓名应为 2–20 个汉字或字母");
});
