/**
 * static/app.css works in browsers without custom properties (IE10/11, the
 * notice's minimum, and 360's compatibility mode): every declaration that
 * uses var() comes right after a plain declaration of the same property,
 * which those browsers keep when they drop the var() one.
 */
import assert from "node:assert/strict";

const css = await Deno.readTextFile(new URL("../static/app.css", import.meta.url));

/** The declarations of every block, in order: [property, value]. */
function blocks(text: string): [string, string][][] {
  const plain = text.replace(/\/\*[^]*?\*\//g, "");
  const out: [string, string][][] = [];
  for (const m of plain.matchAll(/\{([^{}]*)\}/g)) {
    out.push(
      m[1].split(";").map((d) => d.trim()).filter((d) => d.includes(":")).map((d) => {
        const i = d.indexOf(":");
        return [d.slice(0, i).trim(), d.slice(i + 1).trim()];
      }),
    );
  }
  return out;
}

Deno.test("app.css: every var() use is preceded by a fallback declaration of the same property", () => {
  let uses = 0;
  const missing: string[] = [];
  for (const block of blocks(css)) {
    block.forEach(([prop, value], i) => {
      if (prop.startsWith("--") || !value.includes("var(")) return;
      uses++;
      const before = block[i - 1];
      if (!before || before[0] !== prop || before[1].includes("var(")) missing.push(`${prop}: ${value}`);
    });
  }
  assert.ok(uses > 10, `the stylesheet uses custom properties (${uses} uses found)`);
  assert.deepEqual(missing, [], "declarations using var() without a plain fallback before them");
});

Deno.test("app.css: the header and primary buttons have a plain red background for old browsers", () => {
  const decl = blocks(css);
  const red = decl.filter((b) => b.some(([p, v]) => p === "background" && v === "#c8102e"));
  assert.ok(red.length >= 2, "the .top header and button.primary");
});
