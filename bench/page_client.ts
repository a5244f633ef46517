/**
 * A browser's worth of page requests, in a worker of its own (bench:bombs):
 * pages one after another with a 5 ms pause, each one's latency posted back.
 * Its own thread and event loop, so what the bench's main thread does
 * meanwhile (building and sending a 200 MB body) is not counted against the
 * server. Start it with `{ base, cookie, pages }`; post "stop" to end it,
 * and it answers "done" after its last request.
 */
/// <reference lib="deno.worker" />

let running = true;
self.onmessage = async (e: MessageEvent<{ base: string; cookie: string; pages: string[] } | "stop">) => {
  if (e.data === "stop") {
    running = false;
    return;
  }
  const { base, cookie, pages } = e.data;
  for (let i = 0; running; i++) {
    const page = pages[i % pages.length];
    const t0 = performance.now();
    const res = await fetch(base + page, { headers: { Cookie: cookie } });
    await res.arrayBuffer();
    self.postMessage({ ms: performance.now() - t0, page, status: res.status });
    await new Promise((r) => setTimeout(r, 5));
  }
  self.postMessage("done");
};
