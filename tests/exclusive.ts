/**
 * A lock shared by the test processes of `deno test --parallel`: the one
 * timed test (import scale) and the CPU-heavy ones (LibreOffice, Chromium
 * screenshots) take it, so they never run at the same time on the 2 cores.
 */
const LOCK = `${Deno.env.get("TMPDIR") ?? "/tmp"}/zhtj-tests-heavy.lock`;

/** Runs `fn` while holding the exclusive lock (waits for it). */
export async function exclusive<T>(fn: () => Promise<T>): Promise<T> {
  const file = await Deno.open(LOCK, { create: true, write: true });
  try {
    await file.lock(true);
    return await fn();
  } finally {
    await file.unlock().catch(() => {});
    file.close();
  }
}
