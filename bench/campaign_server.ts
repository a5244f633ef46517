/**
 * The app as `deno task start` serves it, for `bench:campaign`: the same
 * database options and V8 flags (set by the caller), plus one thing the load
 * tool needs: `PAGE_CACHE=0` turns the page cache off, and the request's `X-Bench` header (an id the Lua script gave it)
 * is echoed on the response, so the script can time each action separately.
 *
 *   deno run -A bench/campaign_server.ts <file.db> <port>
 */
import { createApp } from "../app.ts";
import { openDb } from "../db/client.ts";
import { SheetThread } from "../lib/sheet_thread.ts";

const [file, port] = Deno.args;
const db = (await openDb(`file:${file}`, { backgroundCheckpoints: true, migrate: false })).db;
const app = createApp({
  db,
  sheets: new SheetThread({ spareReader: true }),
  pageCache: Deno.env.get("PAGE_CACHE") !== "0",
});
Deno.serve({ hostname: "127.0.0.1", port: Number(port), onListen() {} }, async (req) => {
  const id = req.headers.get("X-Bench");
  const res = await app.fetch(req);
  if (id) res.headers.set("X-Bench", id);
  return res;
});
console.log("ready");
