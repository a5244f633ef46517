/**
 * A serving thread after the first (server.ts): it serves what it is posted
 * and says when it listens.
 */
/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
import { serveThread, type ThreadStart } from "./server.ts";

self.onmessage = async (e: MessageEvent<ThreadStart>) => {
  await serveThread(e.data);
  self.postMessage("listening");
};
