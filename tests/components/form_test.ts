/** The form building blocks: a hint and an error are announced with their control. */
import assert from "node:assert/strict";
import { Field, Select } from "../../components/Form.tsx";

const html = (node: unknown) => String(node);

Deno.test("Field: label, star, hint and error are linked to the input", () => {
  const out = html(
    Field({ label: "书记姓名", name: "secretaryName", starred: true, hint: "2–20 个字", error: "请填写" }),
  );
  assert.match(
    out,
    /<label for="f-secretaryName"><span class="req" aria-hidden="true">\*<\/span>书记姓名<\/label>/,
  );
  assert.match(out, /aria-describedby="f-secretaryName-hint f-secretaryName-err"/);
  assert.match(out, /aria-invalid="true"/);
  assert.doesNotMatch(out, /required/, "a starred field the server may fill is not `required`");
  assert.match(out, /<small id="f-secretaryName-hint" class="hint">2–20 个字<\/small>/);
  assert.match(out, /<small id="f-secretaryName-err" class="err">请填写<\/small>/);
});

Deno.test("Select: its hint is announced too, and the stored value is selected", () => {
  const out = html(
    Select({
      label: "组织类别",
      name: "category",
      options: ["团委", "团支部"],
      value: "团支部",
      hint: "决定必填项",
    }),
  );
  assert.match(out, /aria-describedby="f-category-hint"/);
  assert.match(out, /<small id="f-category-hint" class="hint">决定必填项<\/small>/);
  assert.match(out, /<option value="团支部" selected>团支部<\/option>/);
  assert.match(out, /<option value="">请选择<\/option>/);
  assert.doesNotMatch(out, /aria-invalid/);
});
