/**
 * Command-line administration.
 *
 *   deno task admin issue-root-code   prints a registration code for 团中央's admin
 *
 * Uses DATABASE_URL (default file:data/app.db), initialising the tree first.
 */
import { openDb, writeTx } from "../db/client.ts";
import { issueCodes } from "../db/codes.ts";
import { getRoot } from "../db/orgs.ts";
import { initialiseTree } from "../db/seed.ts";
import { formatBeijing } from "../lib/time.ts";

const [command] = Deno.args;
if (command !== "issue-root-code") {
  console.error("usage: deno task admin issue-root-code");
  Deno.exit(2);
}
// Straight to the primary in replica mode: a one-off command needs no replica file.
const db = (await openDb(
  Deno.env.get("DATABASE_SYNC_URL") ?? Deno.env.get("DATABASE_URL") ?? "file:data/app.db",
  { authToken: Deno.env.get("DATABASE_AUTH_TOKEN") },
)).db;
await initialiseTree(db);
const root = (await getRoot(db))!;
const [code] = await writeTx(
  db,
  (tx) => issueCodes(tx, [root.id], { accountId: null }, new Date()),
);
console.log(
  `团中央管理员注册码: ${code.code}  (有效期至 ${formatBeijing(code.expiresAt)} 北京时间)`,
);
