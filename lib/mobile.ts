/** 手机号码: mainland mobile numbers and masking. */
import { err, ok, type Result } from "./result.ts";

const PREFIX = /^1(?:3\d|4[579]|5[0-35-9]|6[2567]|7[0-35-8]|8\d|9[0-35-9])\d{8}$/;

/** Validates an 11-digit mainland mobile number. */
export function parseMobile(input: string): Result<string> {
  const m = input.trim().replace(/[\s-]/g, "");
  if (!m) return err("请填写手机号码");
  if (!/^\d{11}$/.test(m)) return err("手机号码应为 11 位数字");
  if (!PREFIX.test(m)) {
    return err(`手机号码号段（${m.slice(0, 3)}）不是大陆手机号段，请核对`);
  }
  return ok(m);
}

/** Masks a mobile number for display: 138****5678. */
export function maskMobile(m: string | null | undefined): string {
  if (!m) return "";
  if (m.length < 7) return "*".repeat(m.length);
  return m.slice(0, 3) + "*".repeat(m.length - 7) + m.slice(-4);
}
