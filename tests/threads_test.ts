/**
 * The server on two threads (server.ts, db/threads.ts), started as `deno task
 * serve` starts it and driven over HTTP, each request on a new connection (the
 * kernel hands each to either thread): a write answered by one thread is seen
 * at once by the other's cached pages and sessions, and writes from both at
 * the same time all succeed with exact counters; a page one thread built is
 * answered by the other without being built again.
 */
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { closeDb, openDb } from "../db/client.ts";
import { verifyCounters } from "../db/recount.ts";
import { orgs } from "../db/schema.ts";
import { initialiseTree } from "../db/seed.ts";
import { freePort } from "./sqld.ts";
import { Client, fieldValue, makeAdmin, MINI_DIVISIONS, PEOPLE, textOf } from "./helpers.ts";

/** `app.request` over HTTP, every request on a connection of its own. */
const overHttp = (base: string) =>
  ({
    async request(path: string, init: RequestInit = {}): Promise<Response> {
      using client = Deno.createHttpClient({});
      const res = await fetch(base + path, { ...init, client });
      // Read the body while the connection is open.
      return new Response(await res.arrayBuffer(), res);
    },
  }) as unknown as ConstructorParameters<typeof Client>[0];

/** Sockets listening on `port` (one per serving thread), from /proc/net/tcp (state 0A). */
async function listeners(port: number): Promise<number> {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  const rows = (await Deno.readTextFile("/proc/net/tcp")).split("\n").map((l) => l.trim().split(/\s+/));
  return rows.filter((r) => r[1]?.endsWith(`:${hex}`) && r[3] === "0A").length;
}

Deno.test("threads: a write on one thread shows on the other at once; writes together; pages shared", async () => {
  const dir = await Deno.makeTempDir({ prefix: "zhtj-threads-" });
  const url = `file:${dir}/test.db`;
  const db = (await openDb(url)).db;
  const port = freePort();
  let server: Deno.ChildProcess | undefined;
  try {
    await initialiseTree(db, MINI_DIVISIONS);
    const [tq] = await db.select().from(orgs).where(eq(orgs.shortName, "团天桥区委"));
    const T = tq.id;
    await makeAdmin(db, T, PEOPLE[0]);
    server = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../main.ts", import.meta.url).pathname],
      env: { DATABASE_URL: url, THREADS: "2", HOST: "127.0.0.1", PORT: String(port) },
      stdout: "piped",
    }).spawn();
    const lines = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    while (!out.includes("(2 threads)")) {
      const { value, done } = await lines.read();
      if (done) throw new Error(`the server did not start: ${out}`);
      out += value;
    }
    lines.releaseLock();
    server.stdout.cancel().catch(() => {});
    // The other thread says it listens once it does: wait for its socket too.
    for (let i = 0; i < 100 && await listeners(port) < 2; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await listeners(port), 2, "two threads listen on the port");

    const c = new Client(overHttp(`http://127.0.0.1:${port}`));
    assert.equal((await c.login(PEOPLE[0].mobile)).status, 303);
    const create = async (shortName: string) => {
      const proposal = await c.post(`/orgs/${T}/children/new`, { shortName, category: "5" });
      assert.equal(proposal.status, 200);
      const fullName = fieldValue(await proposal.text(), "fullName")!;
      return await c.post(`/orgs/${T}/children/new`, { shortName, category: "5", fullName });
    };
    const list = async () => textOf(await (await c.get(`/orgs/${T}/children`)).text());

    // Both threads keep the child list (a page kept per viewer until a write changes it).
    for (let i = 0; i < 12; i++) assert.match(await list(), /还没有直属下级组织/);
    for (let i = 1; i <= 12; i++) {
      const name = `第${i}车间团支部`;
      assert.equal((await create(name)).status, 303);
      assert.ok((await list()).includes(name), `the list shows ${name} right after it was created`);
    }

    // Both threads write at once: every create succeeds, counters equal a full recount.
    const names = Array.from({ length: 40 }, (_, i) => `第${i + 1}班团支部`);
    const statuses = await Promise.all(names.map(async (n) => (await create(n)).status));
    assert.deepEqual(statuses, names.map(() => 303));
    assert.equal((await db.select().from(orgs).where(eq(orgs.parentId, T))).length, 52);
    assert.deepEqual(await verifyCounters(db), []);
    const [after] = await db.select().from(orgs).where(eq(orgs.id, T));
    assert.equal(after.childCount, 52);

    // A page one thread built is answered by the other from the copy they share (middleware/shared_pages.ts),
    // not built again: a name changed behind the app's back (a direct UPDATE that names nothing) stays unseen.
    assert.match(await list(), /第40班团支部/);
    await db.$client.execute({
      sql: "UPDATE orgs SET short_name = '改过的团支部' WHERE parent_id = ? AND short_name = '第40班团支部'",
      args: [T],
    });
    for (let i = 0; i < 12; i++) {
      assert.match(await list(), /第40班团支部/, "the kept copy, on either thread");
    }

    // A session signed out on one thread is refused on both at once.
    const cookies = new Map(c.cookies);
    for (let i = 0; i < 6; i++) assert.equal((await c.get(`/orgs/${T}`)).status, 200);
    assert.equal((await c.post("/logout")).status, 303);
    c.cookies = cookies;
    for (let i = 0; i < 6; i++) {
      const res = await c.get(`/orgs/${T}`);
      assert.equal(res.status, 303, "signed out on every thread");
      assert.match(res.headers.get("Location")!, /^\/login/);
    }
  } finally {
    server?.kill();
    await server?.status;
    await closeDb(db);
    await Deno.remove(dir, { recursive: true });
  }
});
