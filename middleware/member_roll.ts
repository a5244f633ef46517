/**
 * The daily 应离团 roll (db/members.ts rollDue), run by the first org request
 * of each Beijing day in this process: the member figures read afterwards are
 * exact for today. Each process remembers the day it last rolled.
 */
import { createMiddleware } from "hono/factory";
import { type Db, writeTx } from "../db/client.ts";
import { rollDue } from "../db/members.ts";
import { beijingDay } from "../lib/member_rules.ts";
import type { AppEnv } from "./env.ts";

const rolled = new WeakMap<Db, number>();

/** Rolls `db` to `today` unless this process already did. */
export async function ensureRolled(db: Db, today: number): Promise<void> {
  if ((rolled.get(db) ?? 0) >= today) return;
  await writeTx(db, (tx) => rollDue(tx, today));
  rolled.set(db, today);
}

/** Middleware: the roll before any org page. */
export const memberRoll = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    await ensureRolled(c.get("db"), beijingDay(c.get("now")()));
    await next();
  });
