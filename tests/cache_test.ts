/** The read cache: one data version at a time, least recently used dropped beyond its byte budget. */
import assert from "node:assert/strict";
import { noteCommit, VersionedCache } from "../db/cache.ts";

Deno.test("VersionedCache: loads once per key and version; a new version starts empty", async () => {
  const cache = new VersionedCache();
  let loads = 0;
  const load = () => Promise.resolve(++loads);
  assert.equal(await cache.get("v1", "a", load), 1);
  assert.equal(await cache.get("v1", "a", load), 1);
  assert.equal(await cache.get("v2", "a", load), 2, "a write moved the version");
  assert.equal(await cache.get("v2", "a", load), 2);
  assert.equal(cache.bytes, 1024, "one entry of the default weight");
});

Deno.test("VersionedCache: beyond the byte budget the least recently used go first", async () => {
  const cache = new VersionedCache(3000);
  const value = (v: string) => () => Promise.resolve(v);
  const weigh = () => 1000;
  await cache.get("v", "a", value("A"), weigh);
  await cache.get("v", "b", value("B"), weigh);
  await cache.get("v", "c", value("C"), weigh);
  await cache.get("v", "a", value("stale"), weigh); // a is used again: b is now the oldest
  await cache.get("v", "d", value("D"), weigh);
  assert.equal(cache.bytes, 3000);
  assert.equal(await cache.get("v", "a", value("reloaded"), weigh), "A", "kept");
  assert.equal(await cache.get("v", "b", value("reloaded"), weigh), "reloaded", "dropped");
  // One value larger than the whole budget is returned but not kept.
  assert.equal(await cache.get("v", "huge", value("H"), () => 10_000), "H");
  assert.equal(cache.bytes, 0);
  assert.equal(await cache.get("v", "huge", value("again"), () => 10_000), "again");
});

Deno.test("VersionedCache: a value loaded while the version moved on is returned but not kept", async () => {
  const cache = new VersionedCache();
  let release!: () => void;
  const slow = cache.get("v1", "k", () => new Promise<string>((r) => (release = () => r("old"))));
  await cache.get("v2", "other", () => Promise.resolve("x"));
  release();
  assert.equal(await slow, "old");
  assert.equal(await cache.get("v2", "k", () => Promise.resolve("new")), "new");
});

Deno.test("VersionedCache: a commit drops only the values whose tags it names", async () => {
  const cache = new VersionedCache();
  let loads = 0;
  const load = () => Promise.resolve(++loads);
  const tagged = (tag: string) => ({ tags: () => [tag] });
  assert.equal(await cache.get("v", "a", load, tagged("org:1")), 1);
  assert.equal(await cache.get("v", "b", load, tagged("org:2")), 2);
  noteCommit({ tags: new Set(["org:2"]), everything: false, declared: true });
  assert.equal(await cache.get("v", "a", load, tagged("org:1")), 1, "org:1 untouched: kept");
  assert.equal(await cache.get("v", "b", load, tagged("org:2")), 3, "org:2 named: reloaded");
  assert.equal(await cache.get("v", "b", load, tagged("org:2")), 3);
});

Deno.test("VersionedCache: a value loading while its tag is named is not trusted afterwards", async () => {
  const cache = new VersionedCache();
  let release!: () => void;
  const slow = cache.get("v", "k", () => new Promise<string>((r) => (release = () => r("old"))), {
    tags: () => ["org:7"],
  });
  noteCommit({ tags: new Set(["org:7"]), everything: false, declared: true });
  release();
  assert.equal(await slow, "old");
  assert.equal(await cache.get("v", "k", () => Promise.resolve("new"), { tags: () => ["org:7"] }), "new");
});

Deno.test("VersionedCache: maxAgeMs bounds a value's life; keep() may refuse one", async () => {
  const cache = new VersionedCache();
  assert.equal(await cache.get("v", "k", () => Promise.resolve(1), { maxAgeMs: 0 }), 1);
  await new Promise((r) => setTimeout(r, 2));
  assert.equal(await cache.get("v", "k", () => Promise.resolve(2), { maxAgeMs: 0 }), 2, "too old: reloaded");
  assert.equal(await cache.get("v", "n", () => Promise.resolve(null), { keep: (v) => v !== null }), null);
  assert.equal(
    await cache.get("v", "n", () => Promise.resolve(5), { keep: (v) => v !== null }),
    5,
    "not kept",
  );
});
