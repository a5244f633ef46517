/**
 * Entry point: opens the database (a local libSQL file unless DATABASE_URL
 * says otherwise), initialises the tree on first run, and serves.
 */
import { createApp } from "./app.ts";
import { openDb } from "./db/client.ts";
import { initialiseTree } from "./db/seed.ts";
import { parseTrustProxy } from "./middleware/client.ts";

const url = Deno.env.get("DATABASE_URL") ?? "file:data/app.db";
const db = await openDb(url, { authToken: Deno.env.get("DATABASE_AUTH_TOKEN"), backgroundCheckpoints: true });
const created = await initialiseTree(db);
if (created) console.log(`initialised ${created} orgs (levels 1–4)`);
const port = Number(Deno.env.get("PORT") ?? 8000);
Deno.serve(
  { port, hostname: Deno.env.get("HOST") ?? "0.0.0.0" },
  createApp({
    db,
    secureCookies: Deno.env.get("SECURE_COOKIES") === "1",
    trustProxy: parseTrustProxy(Deno.env.get("TRUST_PROXY")),
  }).fetch,
);
