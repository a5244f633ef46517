/**
 * A TCP proxy on loopback that holds every chunk `oneWayMs` in each
 * direction (an emulated WAN round trip of twice that), run in a Worker by
 * bench/regional.ts: an embedded replica's open and its pulls are native
 * calls that may block the calling thread until the primary answers, so a
 * proxy on the same event loop would never forward that answer.
 *
 * Message in: `{ target: port, oneWayMs }`; message out: `{ port }` once listening.
 */
/// <reference lib="deno.worker" />

/** Forwards `from` → `to`, each chunk sent `oneWayMs` after it arrived; resolves when `from` ends. */
async function pipe(from: Deno.Conn, to: Deno.Conn, oneWayMs: number, abort: () => void): Promise<void> {
  const queue: { at: number; data: Uint8Array }[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  const sender = (async () => {
    while (true) {
      const next = queue.shift();
      if (!next) {
        if (ended) break;
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
        continue;
      }
      const wait = next.at - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      for (let off = 0; off < next.data.length;) off += await to.write(next.data.subarray(off));
    }
    // `from` half-closed: pass the FIN on, so the peer sees the end of the request or response.
    await to.closeWrite();
  })();
  const buf = new Uint8Array(64 * 1024);
  try {
    while (true) {
      const n = await from.read(buf);
      if (n === null) break;
      queue.push({ at: performance.now() + oneWayMs, data: buf.slice(0, n) });
      wake?.();
    }
  } finally {
    ended = true;
    wake?.();
  }
  await sender.catch(abort);
}

/** Serves one client: both directions until both have ended, or either fails (then both sockets close). */
async function serve(client: Deno.TcpConn, target: number, oneWayMs: number): Promise<void> {
  let upstream: Deno.TcpConn | undefined;
  const closeBoth = () => {
    for (const c of [client, upstream]) {
      try {
        c?.close();
      } catch { /* already closed */ }
    }
  };
  try {
    upstream = await Deno.connect({ hostname: "127.0.0.1", port: target });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    await Promise.all([
      pipe(client, upstream, oneWayMs, closeBoth),
      pipe(upstream, client, oneWayMs, closeBoth),
    ]);
  } catch {
    // a reset on either side ends the connection
  } finally {
    closeBoth();
  }
}

self.onmessage = (e: MessageEvent<{ target: number; oneWayMs: number }>) => {
  const { target, oneWayMs } = e.data;
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  self.postMessage({ port: (listener.addr as Deno.NetAddr).port });
  (async () => {
    for await (const client of listener) serve(client, target, oneWayMs);
  })();
};
