/** Hono environment shared by every route. */
import type { Db } from "../db/client.ts";
import type { Org } from "../db/schema.ts";
import type { Viewer } from "../components/Layout.tsx";
import type { Throttle } from "../lib/throttle.ts";
import type { VersionedCache } from "../db/cache.ts";
import type { SheetThread } from "../lib/sheet_thread.ts";

/** The attempt limiters of one app instance. */
export interface Throttles {
  /** Failed sign-ins per client address. */
  loginByClient: Throttle;
  /** Failed sign-ins per account (mobile or ID number). */
  loginByAccount: Throttle;
  /** Wrong, used or expired registration / reset codes per client. */
  codeByClient: Throttle;
}

/** A signed-in session, as loaded from the `sessions` table. */
export interface SessionInfo {
  id: string;
  accountId: number;
  name: string;
  /** The org the admin currently acts for. */
  org: Org;
  orgCount: number;
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
    cache: { version: string; store: VersionedCache };
    /** Attempt limiters shared by the app's routes. */
    throttles: Throttles;
    csrf: string;
    viewer: Viewer | null;
    session: SessionInfo | null;
    /** The org named in the URL, loaded and permission-checked by `guard`. */
    org: Org;
  };
};
