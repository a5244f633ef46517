/**
 * The URLs of the static files pages load. Each carries a hash of the file's content, so the server can let
 * browsers keep them for a year (app.ts) and a changed file is fetched again at once: no version to bump by hand.
 */
import { createHash } from "node:crypto";

/** `/static/<name>?v=<the first 10 hex digits of the file's SHA-256>`. */
export function versioned(name: string): string {
  const bytes = Deno.readFileSync(new URL(`../static/${name}`, import.meta.url));
  return `/static/${name}?v=${createHash("sha256").update(bytes).digest("hex").slice(0, 10)}`;
}

/** The assets of every page. */
export const ASSETS = {
  htmx: versioned("htmx-2.0.11.min.js"),
  /** The upload progress bar, the focus on a save's result and the copy buttons (static/app.js). */
  js: versioned("app.js"),
  css: versioned("app.css"),
} as const;
