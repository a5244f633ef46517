/**
 * The campaign schedule (SPEC §6): a deadline per level, from the notice's
 * dates by default (level 2 by 12-13 … level 6+ by 02-07), configurable.
 */
import { beijingDate, beijingYearMonth, endOfBeijingDay } from "./time.ts";
import { hasFlag } from "./structure.ts";

/** A schedule: the campaign's starting year and MM-DD per level (6 stands for 6 and below). */
export interface Schedule {
  year: number;
  levels: Record<2 | 3 | 4 | 5 | 6, string>;
}

/** The notice's dates. */
export const DEFAULT_LEVELS: Schedule["levels"] = {
  2: "12-13",
  3: "12-20",
  4: "12-28",
  5: "01-10",
  6: "02-07",
};

/** The default schedules made so far, one frozen object per campaign year (deadlines are memoized per object). */
const defaults = new Map<number, Schedule>();

/** The default schedule for a clock: the campaign that starts in the second half of a year. */
export function defaultSchedule(now: Date): Schedule {
  const cn = beijingYearMonth(now);
  const year = cn.month >= 7 ? cn.year : cn.year - 1;
  let s = defaults.get(year);
  if (!s) defaults.set(year, s = Object.freeze({ year, levels: Object.freeze({ ...DEFAULT_LEVELS }) }));
  return s;
}

/** The schedule key of a level (1 and 2 share level 2's date; 6 and below share 6's). */
export const levelKey = (level: number): 2 | 3 | 4 | 5 | 6 =>
  Math.min(6, Math.max(2, level)) as 2 | 3 | 4 | 5 | 6;

/**
 * The deadline of a level: the end of that day in Beijing time. Dates from
 * July on fall in the campaign's year, earlier ones in the next year.
 */
export function deadlineOf(level: number, s: Schedule): Date {
  return deadline(level, s).at;
}

/** The Beijing-time calendar date of a deadline (YYYY-MM-DD). */
export function deadlineDate(level: number, s: Schedule): string {
  return deadline(level, s).date;
}

/** Each schedule's deadlines by level key, worked out once: a progress page of 100 rows asks 200 times. */
const worked = new WeakMap<Schedule, Map<number, { at: Date; date: string }>>();

function deadline(level: number, s: Schedule): { at: Date; date: string } {
  let byKey = worked.get(s);
  if (!byKey) worked.set(s, byKey = new Map());
  const key = levelKey(level);
  let d = byKey.get(key);
  if (!d) {
    const [m, day] = s.levels[key].split("-").map(Number);
    const at = endOfBeijingDay(m >= 7 ? s.year : s.year + 1, m, day);
    byKey.set(key, d = { at, date: beijingDate(at) });
  }
  return d;
}

/** What an org must have done by its deadline. */
export interface OverdueInputs {
  level: number;
  category: number;
  infoComplete: number;
  childCount: number;
}

/** True when the org's deadline has passed and its info is incomplete, or a committee still has no children. */
export function isOverdue(o: OverdueInputs, s: Schedule, now: Date): boolean {
  if (now <= deadlineOf(o.level, s)) return false;
  return !o.infoComplete || hasFlag("badLeaf", { ...o, subBranches: 0 });
}

/** Parses the settings form; returns the schedule or field errors in Chinese. */
export function parseSchedule(
  input: Record<string, unknown>,
): { ok: true; value: Schedule } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const year = Number(String(input.year ?? "").trim());
  if (!Number.isInteger(year) || year < 2017 || year > 2100) {
    errors.year = "活动年度应为 2017–2100 之间的年份";
  }
  const levels = {} as Schedule["levels"];
  for (const l of [2, 3, 4, 5, 6] as const) {
    const raw = String(input[`level${l}`] ?? "").trim();
    const m = raw.match(/^(\d{1,2})-(\d{1,2})$/);
    const month = m ? Number(m[1]) : 0, day = m ? Number(m[2]) : 0;
    const valid = m && month >= 1 && month <= 12 && day >= 1 &&
      day <= new Date(Date.UTC(2024, month, 0)).getUTCDate();
    if (!valid) {
      errors[`level${l}`] = `第${l === 6 ? "六级及以下" : l + " 级"}的截止日期应为“月-日”，如 12-13`;
    } else levels[l] = `${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  }
  if (Object.keys(errors).length === 0) {
    const s = { year, levels };
    for (const l of [3, 4, 5, 6] as const) {
      if (deadlineOf(l, s) < deadlineOf(l - 1, s)) {
        errors[`level${l}`] = `下级的截止日期不能早于上一级（${deadlineDate(l - 1, s)}）`;
      }
    }
    if (Object.keys(errors).length === 0) return { ok: true, value: s };
  }
  return { ok: false, errors };
}
