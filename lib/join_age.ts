/** 入团年月 and the age rule: at least 13 at joining (12 for joinings before 2016-09). */
import { err, ok, type Result } from "./result.ts";
import { beijingYearMonth } from "./time.ts";

/** A year and month. */
export interface YearMonth {
  year: number;
  month: number;
}

/** Parses YYYY-MM (also YYYY/MM, YYYY.MM, YYYY年MM月, single-digit months). */
export function parseYearMonth(input: string): Result<YearMonth> {
  const m = input.trim().match(/^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*月?$/);
  if (!input.trim()) return err("请填写入团年月");
  if (!m) return err("入团年月格式应为“年-月”，例如 2010-05");
  const year = Number(m[1]), month = Number(m[2]);
  if (month < 1 || month > 12) return err("入团年月的月份应在 1 到 12 之间");
  return ok({ year, month });
}

const months = (ym: YearMonth) => ym.year * 12 + ym.month;
const RULE_CHANGE = 2016 * 12 + 9;

/** Checks 入团年月 against the birth date (from the ID number) and today's month in Beijing. */
export function checkJoinDate(
  joined: string,
  birth: YearMonth,
  today: Date,
): Result<YearMonth> {
  const parsed = parseYearMonth(joined);
  if (!parsed.ok) return parsed;
  const j = parsed.value;
  if (months(j) > months(beijingYearMonth(today))) {
    return err("入团年月不能晚于当前月份");
  }
  if (months(j) < months(birth)) return err("入团年月不能早于出生年月");
  const old = months(j) < RULE_CHANGE;
  const need = old ? 144 : 156;
  if (months(j) - months(birth) < need) {
    return err(
      `入团时须年满13周岁（2016年9月1日前入团的须年满12周岁）：按身份证出生年月，您入团时不满${
        old ? 12 : 13
      }周岁`,
    );
  }
  return ok(j);
}
