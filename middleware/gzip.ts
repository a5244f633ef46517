/**
 * Gzip for clients that accept it, on the finished body in one piece.
 *
 * Hono's `compress()` pipes every body through a `CompressionStream`, which
 * makes each response a JavaScript stream that the server pumps chunk by
 * chunk. Our pages are small and already whole strings, so this compresses
 * them at once (at {@link GZIP_LEVEL}, {@link gzipText}) and answers with a plain
 * byte body that Deno.serve writes natively: measured 17–49 µs for pages of
 * 3–25 KB against 48–93 µs through the stream, before the streaming cost of
 * the send itself. The rules are `compress()`'s: compressible types only,
 * not below 1 KB, not for HEAD, 206, `Content-Encoding` already set (the
 * cached tree fragments) or `Cache-Control: no-transform`. Bodies beyond
 * 1 MB (none of our pages) still go through the stream.
 */
import { gzipSync } from "node:zlib";
import { createMiddleware } from "hono/factory";
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from "hono/utils/compress";
import { accepts } from "hono/accepts";

const THRESHOLD = 1024;

/**
 * zlib level 2: a page of 100 child rows (120 KB of HTML) becomes 9.3 KB in
 * 0.36 ms, against 7.8 KB in 1.4 ms at the default level 6 (issue 14: the
 * server's CPU is the campaign's bottleneck; the target is ≤ 12 KB).
 */
export const GZIP_LEVEL = 2;

/** Gzips `bytes` at {@link GZIP_LEVEL}. */
export const gzipBytes = (bytes: Uint8Array): Uint8Array<ArrayBuffer> =>
  new Uint8Array(gzipSync(bytes, { level: GZIP_LEVEL }));

const encoder = new TextEncoder();
/** Where a page's UTF-8 is written before gzip, reused (kept while pages fit in 4 MB of it). */
let scratch = new Uint8Array(256 * 1024);
const SCRATCH_MAX = 4 * 1024 * 1024;

/**
 * Gzips a page's text, or gives null when its UTF-8 is under `minBytes`. The
 * UTF-8 goes into a reused buffer (`encodeInto`): for a 100-row child list
 * (80,000 characters, most of them Chinese) `TextEncoder.encode` took
 * 0.27–0.39 ms, as does `arrayBuffer()` of a response with a string body,
 * and this 0.09 ms.
 */
export function gzipText(text: string, minBytes = 0): Uint8Array<ArrayBuffer> | null {
  const most = text.length * 3;
  let into = scratch;
  if (most > scratch.length) {
    into = new Uint8Array(most);
    if (most <= SCRATCH_MAX) scratch = into;
  }
  const { written } = encoder.encodeInto(text, into);
  return written < minBytes ? null : gzipBytes(into.subarray(0, written));
}

const IN_ONE_PIECE = 1024 * 1024;

/** Statuses without a body (reading `res.body` to find out would turn a page's string into a stream). */
const NO_BODY = new Set([101, 103, 204, 205, 304]);

const NO_TRANSFORM = /(?:^|,)\s*?no-transform\s*?(?:,|$)/i;
const VARY_ENCODING = /(?:^|,)\s*accept-encoding\s*(?:,|$)/i;

/** The gzip middleware: a no-op for clients that do not accept gzip. */
export const gzip = () =>
  createMiddleware(async (c, next) => {
    await next();
    if (c.req.method === "HEAD" || !c.req.header("Accept-Encoding")) return;
    if (accepts(c, { header: "Accept-Encoding", supports: ["gzip"], default: "identity" }) !== "gzip") return;
    const res = c.res;
    const type = res.headers.get("Content-Type");
    const length = Number(res.headers.get("Content-Length") ?? NaN);
    if (
      NO_BODY.has(res.status) || res.status === 206 || res.headers.has("Content-Encoding") ||
      res.headers.has("Transfer-Encoding") || !type || !COMPRESSIBLE_CONTENT_TYPE_REGEX.test(type) ||
      NO_TRANSFORM.test(res.headers.get("Cache-Control") ?? "") || length < THRESHOLD
    ) return;
    const vary = res.headers.get("Vary");
    if (vary !== "*" && !(vary && VARY_ENCODING.test(vary))) {
      res.headers.set("Vary", vary ? `${vary}, Accept-Encoding` : "Accept-Encoding");
    }
    let body: BodyInit;
    if (length > IN_ONE_PIECE && res.body) body = res.body.pipeThrough(new CompressionStream("gzip"));
    else if (type.startsWith("text/html")) {
      // Our pages: `text()` gives back the string they were made with (`arrayBuffer()` would encode it).
      const text = await res.text();
      const gz = gzipText(text, THRESHOLD);
      if (!gz) {
        c.res = new Response(text, res);
        return;
      }
      body = gz;
    } else {
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (bytes.length < THRESHOLD) {
        c.res = new Response(bytes, res);
        return;
      }
      body = gzipBytes(bytes);
    }
    c.res = new Response(body, res);
    c.res.headers.delete("Content-Length");
    c.res.headers.set("Content-Encoding", "gzip");
  });
