/** 身份证号码 (GB 11643-1999): format, real birth date, checksum, masking. */
import { err, ok, type Result } from "./result.ts";

/** A birth date taken from an ID number. */
export interface BirthDate {
  year: number;
  month: number;
  day: number;
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = "10X98765432";

/** The check character of the first 17 digits. */
export function checkDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK[sum % 11];
}

/** True when y-m-d is a real calendar date. */
export function isRealDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 &&
    t.getUTCDate() === d;
}

/** Validates and normalises (x → X) an 18-character ID number. */
export function parseIdNumber(
  input: string,
): Result<{ idNumber: string; birth: BirthDate }> {
  const id = input.trim().toUpperCase();
  if (!id) return err("请填写身份证号码");
  if (id.length !== 18) {
    return err(`身份证号码应为 18 位，您输入了 ${id.length} 位`);
  }
  if (!/^\d{17}[\dX]$/.test(id)) {
    return err("身份证号码格式不正确：前 17 位须为数字，末位为数字或 X");
  }
  const year = Number(id.slice(6, 10)),
    month = Number(id.slice(10, 12)),
    day = Number(id.slice(12, 14));
  if (year < 1900 || !isRealDate(year, month, day)) {
    return err(
      `身份证号码中的出生日期（${id.slice(6, 14)}）不是有效日期，请核对`,
    );
  }
  if (checkDigit(id) !== id[17]) {
    return err("身份证号码校验位不正确，请核对后重新输入");
  }
  return ok({ idNumber: id, birth: { year, month, day } });
}

/** Masks an ID number for display: 3701**********1234. */
export function maskIdNumber(id: string | null | undefined): string {
  if (!id) return "";
  if (id.length <= 8) return "*".repeat(id.length);
  return id.slice(0, 4) + "*".repeat(id.length - 8) + id.slice(-4);
}
