/**
 * The pages the server's threads share (middleware/shared_pages.ts): a page
 * put by one thread is found by another, and never once it may be wrong
 * (a tag marked since it was built, another data version, another key on
 * the same entry, bytes the ring has overwritten, too old). Two objects over
 * one block of memory stand for two threads; tests/threads_test.ts drives a
 * server with two threads over HTTP.
 */
import assert from "node:assert/strict";
import { commitSequence, noteCommit, slotOf } from "../db/cache.ts";
import { type KeptPage, SharedPages, sharedPagesMemory } from "../middleware/shared_pages.ts";

const utf8 = new TextEncoder();
const text = new TextDecoder();

const page = (body: string, builtAt = Date.now()): KeptPage => {
  const bytes = utf8.encode(body);
  const headers = new Headers({ "Content-Type": "text/html; charset=UTF-8", Vary: "HX-Request" });
  return { body: bytes, headers, bytes: bytes.length + 512, builtAt };
};

/** Two threads' views of one store. */
function pair(size = { entries: 64, ringBytes: 4096 }) {
  const memory = sharedPagesMemory(size);
  return [new SharedPages(memory, size), new SharedPages(memory, size)];
}

Deno.test("shared pages: one thread's page is found by the other, headers and bytes as they were", () => {
  const [a, b] = pair();
  const tags = ["org:1", "acct:1"].map(slotOf);
  a.put("v1", "page:s:t:p:/orgs/1", page("<p>团济南市委</p>"), tags, 0);
  const found = b.get("v1", "page:s:t:p:/orgs/1", 60_000);
  assert.ok(found);
  assert.equal(text.decode(found.body), "<p>团济南市委</p>");
  assert.equal(found.headers.get("Content-Type"), "text/html; charset=UTF-8");
  assert.equal(found.headers.get("Vary"), "HX-Request");
  assert.equal(b.get("v1", "page:s:t:p:/orgs/2", 60_000), null, "another key");
  assert.equal(b.get("v2", "page:s:t:p:/orgs/1", 60_000), null, "another data version");
});

Deno.test("shared pages: a tag marked after the page began to build drops it, other tags do not", () => {
  const [a, b] = pair();
  const from = commitSequence();
  a.put("v", "k", page("old"), [slotOf("org:41"), slotOf("acct:41")], from);
  noteCommit({ tags: new Set(["org:999041"]), everything: false, declared: true });
  assert.ok(b.get("v", "k", 60_000), "a write elsewhere keeps it");
  noteCommit({ tags: new Set(["org:41"]), everything: false, declared: true });
  assert.equal(b.get("v", "k", 60_000), null, "a write to the org drops it");
  assert.equal(a.get("v", "k", 60_000), null);
});

Deno.test("shared pages: two keys on one entry never answer for each other", () => {
  const [a, b] = pair({ entries: 1, ringBytes: 4096 });
  a.put("v", "page:alice", page("alice's"), [], commitSequence());
  assert.equal(b.get("v", "page:bob", 60_000), null);
  b.put("v", "page:bob", page("bob's"), [], commitSequence());
  assert.equal(a.get("v", "page:alice", 60_000), null, "bob's page took the entry");
  assert.equal(text.decode(a.get("v", "page:bob", 60_000)!.body), "bob's");
});

Deno.test("shared pages: a record the ring has come round over is not answered", () => {
  const [a, b] = pair({ entries: 64, ringBytes: 2048 });
  a.put("v", "first", page("x".repeat(100)), [], commitSequence());
  assert.ok(b.get("v", "first", 60_000));
  for (let i = 0; i < 14; i++) a.put("v", `other ${i}`, page("y".repeat(100)), [], commitSequence());
  assert.equal(b.get("v", "first", 60_000), null);
  assert.equal(text.decode(b.get("v", "other 13", 60_000)!.body), "y".repeat(100), "the newest stays");
});

Deno.test("shared pages: a page older than the limit is not answered, and its age goes with it", () => {
  const [a, b] = pair();
  a.put("v", "old", page("kept", Date.now() - 30_000), [], commitSequence());
  assert.equal(b.get("v", "old", 10_000), null);
  const found = b.get("v", "old", 60_000);
  assert.ok(found);
  assert.ok(Date.now() - found.builtAt >= 29_000, "built about 30 s ago");
  a.put("v", "big", page("z".repeat(600)), [], commitSequence());
  assert.equal(b.get("v", "big", 60_000), null, "larger than an eighth of the ring: not kept");
});
