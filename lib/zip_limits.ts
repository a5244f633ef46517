/**
 * Checks an uploaded .xlsx (a zip) against hard limits before any parser
 * sees it: every part is inflated with a byte cap (so a zip bomb stops at the
 * cap, whatever its headers claim), and the worksheets' `<row>` and `<c>`
 * elements are counted, so a small file declaring a million rows is refused
 * before a workbook is built from it.
 */
import { inflateRawSync } from "node:zlib";
import { err, ok, type Result } from "./result.ts";

/** The limits of one upload. */
export interface ZipLimits {
  /** Bytes of all parts together once inflated. */
  inflatedBytes: number;
  /** Parts in the zip. */
  entries: number;
  /** `<row>` elements over all worksheets. */
  rows: number;
  /** `<c>` elements (cells) over all worksheets. */
  cells: number;
}

/** What a batch-create upload may hold. */
export const UPLOAD_LIMITS: ZipLimits = {
  inflatedBytes: 32 * 1024 * 1024,
  entries: 200,
  rows: 11_000,
  cells: 11_000 * 16,
};

/** Counts `<tag` elements (followed by a space, `>` or `/`) in XML bytes. */
function countTags(xml: Uint8Array, tag: string): number {
  const t = new TextEncoder().encode("<" + tag);
  let n = 0;
  outer: for (let i = xml.indexOf(t[0]); i >= 0 && i < xml.length; i = xml.indexOf(t[0], i + 1)) {
    for (let k = 1; k < t.length; k++) if (xml[i + k] !== t[k]) continue outer;
    const after = xml[i + t.length];
    if (
      after === 0x20 || after === 0x3e || after === 0x2f || after === 0x09 || after === 0x0a || after === 0x0d
    ) n++;
  }
  return n;
}

/** The outcome: counts of what the file holds, or why it is refused. */
export type ZipCheck = Result<{ inflated: number; rows: number; cells: number }> & { kind?: ZipProblem };
/** Why a zip is refused. */
export type ZipProblem = "not-zip" | "too-big" | "rows" | "cells";

const refuse = (kind: ZipProblem, message: string): ZipCheck => ({ ...err(message), kind });

/** Inspects `bytes` (a zip) within `limits`. */
export function checkZip(bytes: Uint8Array, limits: ZipLimits = UPLOAD_LIMITS): ZipCheck {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const notZip = () => refuse("not-zip", "文件不是有效的 .xlsx（zip）文件。");
  let eocd = bytes.length - 22;
  const stop = Math.max(0, bytes.length - 22 - 65535);
  while (eocd >= stop && view.getUint32(eocd, true) !== 0x06054b50) eocd--;
  if (eocd < stop || eocd < 0) return notZip();
  const count = view.getUint16(eocd + 10, true);
  if (count > limits.entries) return refuse("too-big", `文件包含 ${count} 个部件，超过上限。`);
  let p = view.getUint32(eocd + 16, true);
  let inflated = 0, rows = 0, cells = 0;
  const tooBig = () =>
    refuse(
      "too-big",
      `文件解压后超过 ${limits.inflatedBytes / 1048576} MB 的上限（可能含有大量空白或隐藏内容），无法读取。`,
    );
  for (let i = 0; i < count; i++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== 0x02014b50) return notZip();
    const method = view.getUint16(p + 10, true);
    const size = view.getUint32(p + 20, true);
    const nameLen = view.getUint16(p + 28, true);
    const extra = view.getUint16(p + 30, true);
    const comment = view.getUint16(p + 32, true);
    const local = view.getUint32(p + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extra + comment;
    if (local + 30 > bytes.length || view.getUint32(local, true) !== 0x04034b50) return notZip();
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (size === 0xffffffff || start + size > bytes.length) return notZip(); // zip64 or truncated
    const data = bytes.subarray(start, start + size);
    const room = limits.inflatedBytes - inflated;
    let part: Uint8Array;
    if (method === 0) {
      part = data;
      if (part.length > room) return tooBig();
    } else if (method === 8) {
      try {
        part = inflateRawSync(data, { maxOutputLength: Math.max(1, room) });
      } catch (e) {
        if (e instanceof RangeError) return tooBig();
        return notZip();
      }
    } else return notZip();
    inflated += part.length;
    if (inflated > limits.inflatedBytes) return tooBig();
    if (/^xl\/worksheets\/[^/]+\.xml$/.test(name)) {
      rows += countTags(part, "row");
      cells += countTags(part, "c");
      if (rows > limits.rows) {
        return refuse("rows", `表格超过 ${limits.rows.toLocaleString("en-US")} 行。`);
      }
      if (cells > limits.cells) {
        return refuse("cells", `表格单元格超过 ${limits.cells.toLocaleString("en-US")} 个，无法读取。`);
      }
    }
  }
  return { ...ok({ inflated, rows, cells }) };
}
