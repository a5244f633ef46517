/**
 * The app as `deno task start` serves it, for `bench:campaign`: the same
 * threads, database options and V8 flags (set by the caller), plus what the
 * load tool needs: `PAGE_CACHE=0` turns the page cache off, and the request's
 * `X-Bench` header (an id the Lua script gave it) is echoed on the response,
 * so the script can time each action separately.
 *
 *   deno run -A bench/campaign_server.ts <file.db> <port>
 */
import { configFromEnv, serveAll } from "../server.ts";

const [file, port] = Deno.args;
await serveAll({
  ...configFromEnv(),
  databaseUrl: `file:${file}`,
  hostname: "127.0.0.1",
  port: Number(port),
  bench: { pageCache: Deno.env.get("PAGE_CACHE") !== "0" },
});
console.log("ready");
