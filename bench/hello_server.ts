/**
 * The ceiling for `bench:campaign`: a hello-world `Deno.serve`, in its own
 * process like the app, with the same X-Bench echo the app's bench server has
 * (so the request-list script can be pointed at it too).
 *
 *   deno run -A bench/hello_server.ts <port>
 */
Deno.serve({ hostname: "127.0.0.1", port: Number(Deno.args[0]), onListen() {} }, (req) => {
  const id = req.headers.get("X-Bench");
  return id ? new Response("Hello, world", { headers: { "X-Bench": id } }) : new Response("Hello, world");
});
console.log("ready");
