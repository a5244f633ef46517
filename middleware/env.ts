/** Hono environment shared by every route. */
import type { Db } from "../db/client.ts";
import type { Org } from "../db/schema.ts";
import type { SessionOrg } from "../db/accounts.ts";
import type { Viewer } from "../components/Layout.tsx";
import type { VersionedCache } from "../db/cache.ts";
import type { SheetThread } from "../lib/sheet_thread.ts";
import type { SharedPages } from "./shared_pages.ts";

/** A signed-in session, as loaded from the `sessions` table. */
export interface SessionInfo {
  id: string;
  accountId: number;
  name: string;
  /** The org the admin currently acts for (its id, parent, path and name: db/accounts.ts `SessionOrg`). */
  org: SessionOrg;
  orgCount: number;
  /** The CSRF token bound to the session (null for sessions made before tokens were bound). */
  csrf: string | null;
}

/** Dependencies injected by `createApp`. */
export interface AppDeps {
  db: Db;
  /** The spreadsheet thread (its owner closes it). */
  sheets: SheetThread;
  /** Clock, replaceable in tests. */
  now?: () => Date;
  /** Set the Secure flag on cookies (production behind HTTPS). */
  secureCookies?: boolean;
  /** Addresses of reverse proxies whose X-Forwarded-For is believed (TRUST_PROXY). */
  trustProxy?: string[];
  /** The site's public address for texts handed out (PUBLIC_URL); else the request's origin. */
  publicUrl?: string;
  /** Keep finished org pages per viewer until a write changes them (middleware/page_cache.ts; default on). */
  pageCache?: boolean;
  /** The kept pages of the server's other threads (server.ts; none in one thread). */
  sharedPages?: SharedPages;
}

/** Context variables. */
export type AppEnv = {
  Variables: {
    db: Db;
    /** Reads and writes .xlsx off the event loop. */
    sheets: SheetThread;
    now: () => Date;
    /** Whether cookies get the Secure flag. */
    secure: boolean;
    /** Reads cached until the database changes (see db/cache.ts). */
    cache: { version: string; store: VersionedCache; shared?: SharedPages };
    /** Reverse proxies whose forwarded address is believed. */
    trustProxy: string[];
    /** PUBLIC_URL when configured (see `siteOrigin` in middleware/render.tsx). */
    publicUrl: string | undefined;
    /** Whether the per-viewer page cache is on. */
    pageCache: boolean;
    csrf: string;
    viewer: Viewer | null;
    session: SessionInfo | null;
  };
};

/**
 * Routes of the org app (`/orgs/:id`, routes/org.tsx) and the tree: after
 * `loadOrg` the session is signed in and `org` is the org named in the URL,
 * within the admin's subtree.
 */
export type OrgEnv = {
  Variables: Omit<AppEnv["Variables"], "session"> & {
    session: SessionInfo;
    /** The org named in the URL, loaded and checked by `loadOrg`. */
    org: Org;
  };
};

/** Routes about one direct child (`/orgs/:id/children/:cid`): `child` is loaded by `loadChild`. */
export type ChildEnv = {
  Variables: OrgEnv["Variables"] & {
    /** The direct child named by `:cid`. */
    child: Org;
  };
};
