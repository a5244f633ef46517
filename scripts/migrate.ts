/**
 * The deploy step (`deno task migrate`): applies pending migrations and
 * initialises the tree once (levels 1–4), against the primary. Instances
 * started afterwards only check that the schema matches (main.ts), so
 * instances starting together never race a migration.
 *
 * Reads DATABASE_URL, DATABASE_SYNC_URL (replica mode: the primary is
 * migrated, not the replica file) and DATABASE_AUTH_TOKEN.
 */
import { openDb } from "../db/client.ts";
import { initialiseTree } from "../db/seed.ts";

const url = Deno.env.get("DATABASE_SYNC_URL") ?? Deno.env.get("DATABASE_URL") ?? "file:data/app.db";
const database = await openDb(url, { authToken: Deno.env.get("DATABASE_AUTH_TOKEN") });
try {
  const created = await initialiseTree(database.db);
  console.log(
    `migrated ${url.replace(/\/\/[^@/]*@/, "//")}; ${
      created ? `initialised ${created} orgs` : "tree already there"
    }`,
  );
} finally {
  database.close();
}
