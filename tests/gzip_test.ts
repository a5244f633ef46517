/** Pages are gzipped from their string through one reused buffer (middleware/gzip.ts `gzipText`). */
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { gzipText } from "../middleware/gzip.ts";

const back = (gz: Uint8Array) => new TextDecoder().decode(gunzipSync(gz));

Deno.test("gzipText: Chinese, emoji and Latin text come back whole, before and after a page beyond the buffer", () => {
  const pages = [
    "<tr><td>第201车间团支部</td></tr>".repeat(3000),
    "团支部😀é".repeat(200_000), // 1.2 M UTF-16 units: past the reused buffer
    "<p>短</p>".repeat(200), // after a long page: nothing of it is left in the output
    "x".repeat(2000),
  ];
  for (const page of pages) assert.equal(back(gzipText(page)!), page);
});

Deno.test("gzipText: under minBytes of UTF-8 there is nothing to gzip; characters count as their bytes", () => {
  assert.equal(gzipText("<p>好</p>".repeat(50), 1024), null); // 400 characters, 500 bytes
  const chinese = "中".repeat(400); // 400 characters, 1,200 bytes
  assert.equal(back(gzipText(chinese, 1024)!), chinese);
  assert.equal(back(gzipText("short")!), "short", "no minimum: even a few bytes");
});
