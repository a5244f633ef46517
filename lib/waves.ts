/**
 * Entry by field (分领域, SPEC §9): which wave a 团支部 enters its members in,
 * by its 单位所属行业类别, and the per-wave deadlines (configurable by 团中央,
 * like lib/deadlines.ts).
 */
import { INDUSTRIES } from "./org_rules.ts";

/** A wave: 1 or 2; 0 for a branch in no wave (行业类别 not filled in, or 小学/军队/武警). */
export type Wave = 0 | 1 | 2;

/** The industries of each wave, as SPEC §9 lists them. */
export const WAVE_INDUSTRIES: Record<1 | 2, readonly (typeof INDUSTRIES)[number][]> = {
  1: ["普通高等院校", "职业教育学校", "普通高中", "初中", "党政机关", "事业单位（不含公立学校）", "国有企业"],
  2: ["农村", "城市社区", "非公企业", "集体企业", "新社会组织（不含民办学校）", "其他"],
};

/** Labels of the waves. */
export const WAVE_LABELS: Record<Wave, string> = {
  0: "未分批（行业类别未填或不在两批之内）",
  1: "第一批",
  2: "第二批",
};

/** The wave of an industry. */
export function waveOf(industry: string | null | undefined): Wave {
  if (!industry) return 0;
  if ((WAVE_INDUSTRIES[1] as readonly string[]).includes(industry)) return 1;
  if ((WAVE_INDUSTRIES[2] as readonly string[]).includes(industry)) return 2;
  return 0;
}

/** The per-wave deadlines: a year and MM-DD per wave. Dates from July on fall in that year, earlier in the next. */
export interface WaveSchedule {
  year: number;
  waves: Record<1 | 2, string>;
}

/** Default dates: the first wave by 03-31, the second by 05-31 after the tree's campaign. */
export const DEFAULT_WAVES: WaveSchedule["waves"] = { 1: "03-31", 2: "05-31" };

/** The default wave schedule for a clock (the campaign that starts in the second half of a year). */
export function defaultWaveSchedule(now: Date): WaveSchedule {
  const cn = new Date(now.getTime() + 8 * 3600_000);
  const year = cn.getUTCMonth() >= 6 ? cn.getUTCFullYear() : cn.getUTCFullYear() - 1;
  return { year, waves: { ...DEFAULT_WAVES } };
}

/** The end (Beijing time) of a wave's deadline day. */
export function waveDeadline(wave: 1 | 2, s: WaveSchedule): Date {
  const [m, d] = s.waves[wave].split("-").map(Number);
  const year = m >= 7 ? s.year : s.year + 1;
  return new Date(Date.UTC(year, m - 1, d, 24 - 8, 0, 0) - 1);
}

/** A wave's deadline as a Beijing calendar date (YYYY-MM-DD). */
export function waveDeadlineDate(wave: 1 | 2, s: WaveSchedule): string {
  return new Date(waveDeadline(wave, s).getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** True when a wave's deadline has passed and it still has branches without members. */
export const waveOverdue = (wave: 1 | 2, emptyBranches: number, s: WaveSchedule, now: Date): boolean =>
  emptyBranches > 0 && now > waveDeadline(wave, s);

/** Parses the wave-deadline form; the schedule or field errors in Chinese. */
export function parseWaveSchedule(
  input: Record<string, unknown>,
): { ok: true; value: WaveSchedule } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const year = Number(String(input.year ?? "").trim());
  if (!Number.isInteger(year) || year < 2017 || year > 2100) {
    errors.year = "活动年度应为 2017–2100 之间的年份";
  }
  const waves = {} as WaveSchedule["waves"];
  for (const w of [1, 2] as const) {
    const m = String(input[`wave${w}`] ?? "").trim().match(/^(\d{1,2})-(\d{1,2})$/);
    const month = m ? Number(m[1]) : 0, day = m ? Number(m[2]) : 0;
    if (!m || month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(2024, month, 0)).getUTCDate()) {
      errors[`wave${w}`] = `${WAVE_LABELS[w]}的截止日期应为“月-日”，如 03-31`;
    } else waves[w] = `${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  }
  if (Object.keys(errors).length === 0) {
    const s = { year, waves };
    if (waveDeadline(2, s) < waveDeadline(1, s)) {
      errors.wave2 = `第二批的截止日期不能早于第一批（${waveDeadlineDate(1, s)}）`;
    } else return { ok: true, value: s };
  }
  return { ok: false, errors };
}
