/**
 * Shared by the benchmark scripts: open a big tree (BENCH_DB) or build a
 * synthetic one, sign in an admin, time requests.
 */
import { eq } from "drizzle-orm";
import { createApp } from "../app.ts";
import { type Db, openDb, writeTx } from "../db/client.ts";
import { bulkAppend, type BulkNode } from "../db/bulk.ts";
import { addAdmin, createSession } from "../db/accounts.ts";
import { initialiseTree } from "../db/seed.ts";
import { accounts, orgAdmins, orgs } from "../db/schema.ts";
import { hashPassword } from "../lib/password.ts";

/**
 * Opens BENCH_DB, or a synthetic tree of about `size` orgs cached in
 * .bench/ (built once by a separate process, so this process's memory
 * figures are its own).
 */
export async function benchDb(size: number): Promise<{ db: Db; label: string }> {
  const file = Deno.env.get("BENCH_DB");
  if (file) return { db: (await openDb(`file:${file}`)).db, label: file };
  const path = `.bench/synthetic-${size}.db`;
  try {
    await Deno.stat(path);
  } catch {
    await Deno.mkdir(".bench", { recursive: true });
    console.error(`building ${path} …`);
    const built = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("./build.ts", import.meta.url).pathname, String(size), path],
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!built.success) throw new Error("building the synthetic tree failed");
  }
  const db = (await openDb(`file:${path}`)).db;
  const [root] = await db.select({ n: orgs.subOrgs }).from(orgs).where(eq(orgs.id, 1));
  return { db, label: `synthetic tree (${root.n} orgs)` };
}

/** Builds a synthetic tree of about `size` orgs into `path` (run by benchDb in its own process). */
export async function buildSynthetic(size: number, path: string): Promise<void> {
  const db = (await openDb(`file:${path}`)).db;
  await initialiseTree(db);
  const counties = (await db.select({ id: orgs.id }).from(orgs).where(eq(orgs.level, 4))).map((r) => r.id);
  const per = Math.max(1, Math.round(size / counties.length / 20));
  const towns: BulkNode[] = counties.flatMap((p) =>
    Array.from(
      { length: per },
      (_, i) => ({ parentId: p, shortName: `第${i + 1}街道团工委`, category: 3, infoComplete: i % 2 }),
    )
  );
  const townIds = await bulkAppend(db, towns);
  for (let i = 0; i < townIds.length; i += 10_000) {
    const branches: BulkNode[] = townIds.slice(i, i + 10_000).flatMap((p) =>
      Array.from(
        { length: 19 },
        (_, k) => ({
          parentId: p,
          shortName: `第${k + 1}团支部`,
          category: 5,
          infoComplete: k % 3 === 0 ? 1 : 0,
        }),
      )
    );
    await bulkAppend(db, branches);
  }
}

/** A session cookie for an admin of `orgId` (created if needed). */
export async function adminCookie(db: Db, orgId: number): Promise<string> {
  const secret = crypto.randomUUID();
  const passwordHash = await hashPassword("Bench0000");
  await writeTx(db, async (tx) => {
    let [acct] = await tx.select().from(accounts).where(eq(accounts.idNumber, "110101199003078670"));
    if (!acct) {
      [acct] = await tx.insert(accounts).values({
        name: "压测",
        idNumber: "110101199003078670",
        mobile: "13800009999",
        joinedYm: "2008-05",
        passwordHash,
      }).returning();
    }
    const [has] = await tx.select().from(orgAdmins).where(eq(orgAdmins.accountId, acct.id));
    if (!has || has.orgId !== orgId) {
      await addAdmin(tx, acct.id, orgId, "书记", null, new Date()).catch(() => {});
    }
    await createSession(tx, acct.id, orgId, secret, new Date());
  });
  return `sid=${secret}; csrf=benchbenchbenchbenchbench`;
}

/** p50 / p99 / max of a list of milliseconds. */
export function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { p50: at(0.5), p99: at(0.99), max: s.at(-1)! };
}

/** Times `n` in-process requests of `path`. */
export async function timeRequests(
  app: ReturnType<typeof createApp>,
  path: string,
  cookie: string,
  n: number,
  headers = {},
) {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await app.request(path, { headers: { Cookie: cookie, ...headers } });
    await res.arrayBuffer();
    ms.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  }
  return stats(ms);
}

/** Formats a number of milliseconds. */
export const fmt = (ms: number) => `${ms.toFixed(3)} ms`;

/**
 * How a checkout's `deno task serve` (what `deno task start` runs after migrating) starts the server: its
 * flags (`--v8-flags=…`, the permissions) and the environment it sets (MALLOC_ARENA_MAX), read from that
 * checkout's deno.json, so a bench starts its server as the real one is started.
 */
export async function serveCommand(root: URL): Promise<{ flags: string[]; env: Record<string, string> }> {
  const task: string = JSON.parse(await Deno.readTextFile(new URL("deno.json", root))).tasks.serve;
  const words = task.split(/\s+/);
  return {
    flags: words.filter((w) => w.startsWith("--")),
    env: Object.fromEntries(words.filter((w) => /^[A-Z_]+=/.test(w)).map((w) => w.split("=", 2))),
  };
}
