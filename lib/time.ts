/**
 * Beijing time (UTC+8, no daylight saving), the only clock users read: code
 * expiries, deadlines, the age rule's current month, file names.
 */

/** Beijing is 8 hours ahead of UTC all year. */
export const BEIJING_OFFSET_MS = 8 * 3600_000;

/** A date whose UTC fields read Beijing's wall clock at `d`. */
const wall = (d: Date): Date => new Date(d.getTime() + BEIJING_OFFSET_MS);

/** Beijing's calendar year and month (1–12) at `d`. */
export function beijingYearMonth(d: Date): { year: number; month: number } {
  const w = wall(d);
  return { year: w.getUTCFullYear(), month: w.getUTCMonth() + 1 };
}

/** `d` as YYYY-MM-DD HH:mm in Beijing time. */
export const formatBeijing = (d: Date): string => wall(d).toISOString().slice(0, 16).replace("T", " ");

/** Beijing's calendar date at `d` (YYYY-MM-DD). */
export const beijingDate = (d: Date): string => wall(d).toISOString().slice(0, 10);

/** The last millisecond of a Beijing calendar day (month 1–12). */
export const endOfBeijingDay = (year: number, month: number, day: number): Date =>
  new Date(Date.UTC(year, month - 1, day + 1) - BEIJING_OFFSET_MS - 1);
