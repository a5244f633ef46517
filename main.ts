/**
 * Entry point: opens the database in the mode the environment names (SPEC
 * §10: DATABASE_URL alone, a file or a libSQL server; with DATABASE_SYNC_URL
 * an embedded replica of that primary), checks that its schema matches this
 * build (migrating is the deploy step `deno task migrate`), and serves.
 */
import { createApp } from "./app.ts";
import { openDb, SchemaMismatch } from "./db/client.ts";
import { startNameCatchUp } from "./db/search.ts";
import { startDailySnapshots } from "./db/snapshots.ts";
import { SheetThread } from "./lib/sheet_thread.ts";
import { parseTrustProxy } from "./middleware/client.ts";

const url = Deno.env.get("DATABASE_URL") ?? "file:data/app.db";
const database = await openDb(url, {
  authToken: Deno.env.get("DATABASE_AUTH_TOKEN"),
  syncUrl: Deno.env.get("DATABASE_SYNC_URL") || undefined,
  backgroundCheckpoints: true,
  migrate: false,
});
try {
  await database.checkSchema();
} catch (e) {
  if (!(e instanceof SchemaMismatch)) throw e;
  console.error(e.message);
  database.close();
  Deno.exit(1);
}
// The 通报's daily progress snapshot: taken once per Beijing date by whichever instance gets there first.
startDailySnapshots(database.db);
// Moved subtrees whose name index a restart left behind (db/search.ts).
startNameCatchUp(database.db);
const port = Number(Deno.env.get("PORT") ?? 8000);
Deno.serve(
  { port, hostname: Deno.env.get("HOST") ?? "0.0.0.0" },
  createApp({
    db: database.db,
    sheets: new SheetThread({ spareReader: true }),
    secureCookies: Deno.env.get("SECURE_COOKIES") === "1",
    trustProxy: parseTrustProxy(Deno.env.get("TRUST_PROXY")),
    publicUrl: Deno.env.get("PUBLIC_URL") || undefined,
  }).fetch,
);
