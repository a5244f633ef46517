/**
 * Native memory per query, by read path (found while fixing the member
 * generator's growth, issue 16): `deno task bench:leak [N]`.
 *
 * Runs N reads of one org row on a temp database four ways — the prepared
 * second connection (`fast`, db/reader.ts), a drizzle select and a raw
 * `execute` on the read handle `db` (db/local_client.ts since 5 Dec; through
 * `@libsql/client` before), and a write transaction that reads it on the
 * file's writer (db/local_client.ts) — each in
 * its own process with the server's 256 MB heap and a forced GC every 5,000
 * reads, and prints the RSS growth per read. Under Deno 2.9 with libsql
 * 0.5.x, statements prepared by `@libsql/client` are never freed, and each
 * `all()` of the binding leaves about 1 KB behind (README).
 */
import { eq } from "drizzle-orm";
import { openDb, writeTx } from "../db/client.ts";
import { getOrg } from "../db/orgs.ts";
import { orgs } from "../db/schema.ts";

const [mode, count] = Deno.args;
const N = Number(count ?? 100_000);

if (mode === "fast" || mode === "client" || mode === "raw" || mode === "writer") {
  const dir = await Deno.makeTempDir({ prefix: "zhtj-leak-" });
  const { db } = await openDb(`file:${dir}/t.db`);
  await db.insert(orgs).values({
    id: 1,
    parentId: null,
    level: 1,
    path: "/1/",
    sortOrder: 1,
    shortName: "团中央",
    fullName: "中国共产主义青年团中央委员会",
    category: 1,
    createdAt: new Date(),
  });
  const gc = (globalThis as unknown as { gc: () => void }).gc;
  gc();
  const start = Deno.memoryUsage().rss;
  for (let i = 1; i <= N; i++) {
    if (mode === "fast") await getOrg(db, 1);
    else if (mode === "client") await db.select().from(orgs).where(eq(orgs.id, 1));
    else if (mode === "writer") await writeTx(db, (tx) => getOrg(tx, 1));
    else await db.$client.execute({ sql: "SELECT id FROM orgs WHERE id = ?", args: [1] });
    if (i % 5_000 === 0) gc();
  }
  const grown = Deno.memoryUsage().rss - start;
  console.log(
    JSON.stringify({ mode, n: N, mb: Math.round(grown / 1e6), bytesPerRead: Math.round(grown / N) }),
  );
  await Deno.remove(dir, { recursive: true });
  Deno.exit(0);
}

const rows = [];
for (const m of ["fast", "client", "raw", "writer"]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--v8-flags=--max-old-space-size=256,--expose-gc",
      import.meta.filename!,
      m,
      String(N),
    ],
    stderr: "inherit",
  }).output();
  rows.push(JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!));
}
console.log(`| read path (${N.toLocaleString()} reads of one org row) | RSS growth | per read |`);
console.log("| --- | --- | --- |");
const label: Record<string, string> = {
  fast: "prepared second connection (`fast`, db/reader.ts)",
  client: "drizzle select on the read handle `db`",
  raw: "raw `execute` on the read handle `db`",
  writer: "a write transaction reading it (the writer's prepared client, db/local_client.ts)",
};
for (const r of rows) console.log(`| ${label[r.mode]} | ${r.mb} MB | ${r.bytesPerRead} bytes |`);
