/** 管理员注册码 and other random secrets. */
import { formatBeijing } from "./time.ts";

/** Digits and letters without the confusable 0 O o 1 l I (56 characters). */
export const CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz";
/** Length of a registration code. */
export const CODE_LENGTH = 8;
/** Days a registration code stays valid. */
export const CODE_TTL_DAYS = 20;
/** What the UI says about codes. */
export const CODE_HINT = "注册码为 8 位数字和字母，区分大小写；为避免混淆，不含 0、O、o、1、l、I。";

/** A uniformly random code from a cryptographic source (rejection sampling). */
export function generateCode(): string {
  const n = CODE_ALPHABET.length;
  const limit = 256 - (256 % n);
  let out = "";
  while (out.length < CODE_LENGTH) {
    for (const b of crypto.getRandomValues(new Uint8Array(16))) {
      if (b < limit && out.length < CODE_LENGTH) out += CODE_ALPHABET[b % n];
    }
  }
  return out;
}

/** When a code issued at `issuedAt` expires. */
export function codeExpiry(issuedAt: Date): Date {
  return new Date(issuedAt.getTime() + CODE_TTL_DAYS * 86400_000);
}

/** True when `s` could be a code (length and alphabet). */
export function isWellFormedCode(s: string): boolean {
  return s.length === CODE_LENGTH &&
    [...s].every((ch) => CODE_ALPHABET.includes(ch));
}

/** A random base64url secret (session ids, CSRF tokens). */
export function generateSecret(bytes = 32): string {
  const b = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...b)).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
}

/**
 * The ready-to-paste line for a 微信群 or QQ群: whose code it is, the code, its
 * expiry in Beijing time and where to register (`site` is the public origin).
 */
export function pasteText(o: { orgName: string; code: string; expiresAt: Date; site: string }): string {
  return `${o.orgName}管理员注册码：${o.code}，有效期至${
    formatBeijing(o.expiresAt)
  }（北京时间），仅限一名管理员使用，区分大小写。注册网址：${o.site.replace(/\/+$/, "")}/register`;
}
