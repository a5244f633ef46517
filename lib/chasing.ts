/**
 * Chasing people (督导催办): the rules the progress, problem and 通报 views
 * share — a child's code status, the colour band of a completion rate, the
 * ranking with its movement since the last report, and the trail of names
 * that tells same-named orgs apart.
 */

/** Where an org stands with its registration codes. */
export type CodeStatus = "registered" | "unissued" | "pending" | "expired";

/** The Chinese label of each code status. */
export const CODE_STATUS_LABEL: Record<CodeStatus, string> = {
  registered: "已注册",
  unissued: "未发",
  pending: "已发未注册",
  expired: "已过期",
};

/**
 * An org's code status: 已注册 once it has an admin; else 已发未注册 while an
 * unused code is still valid, 已过期 when every code issued has expired
 * unused (or was used by an admin since removed), 未发 when none was issued.
 */
export function codeStatus(
  adminCount: number,
  codes: { expiresAt: Date; usedAt: Date | null }[],
  now: Date,
): CodeStatus {
  if (adminCount > 0) return "registered";
  if (codes.length === 0) return "unissued";
  return codes.some((c) => c.usedAt === null && c.expiresAt > now) ? "pending" : "expired";
}

/** Colour band of a completion rate (percent): red below 50, amber below 80, green from 80. */
export type RateBand = "low" | "mid" | "high";

/** The band of a completion rate. */
export const rateBand = (rate: number): RateBand => rate < 50 ? "low" : rate < 80 ? "mid" : "high";

/** The width of a rate's bar in percent: 0 stays 0 (an empty bar, not a sliver), at most 100. */
export const barWidth = (rate: number): number => Math.max(0, Math.min(100, rate));

/** One org's figures in two reports. */
export interface ReportEntry {
  id: number;
  rate: number;
  /** The sibling order, breaking ties. */
  sortOrder: number;
  /** The rate in the earlier report; null when the org was not in it. */
  before: number | null;
}

/** A ranked entry: its rank now, its rank then, and the movement (positive = up). */
export interface Ranked<T> {
  entry: T;
  rank: number;
  previousRank: number | null;
  /** previousRank − rank: 2 means ↑2; null for an org new since the earlier report. */
  movement: number | null;
}

function ranks<T extends { id: number; sortOrder: number }>(items: T[], rateOf: (t: T) => number) {
  const sorted = [...items].sort((a, b) => rateOf(b) - rateOf(a) || a.sortOrder - b.sortOrder || a.id - b.id);
  const out = new Map<number, number>();
  sorted.forEach((t, i) => {
    // Equal rates share a rank (1, 2, 2, 4).
    const prev = sorted[i - 1];
    out.set(t.id, prev && rateOf(prev) === rateOf(t) ? out.get(prev.id)! : i + 1);
  });
  return out;
}

/** Ranks entries by rate now and then (ties share a rank) and says how each moved. */
export function rankWithMovement<T extends ReportEntry>(entries: T[]): Ranked<T>[] {
  const now = ranks(entries, (e) => e.rate);
  const then = ranks(entries.filter((e) => e.before !== null), (e) => e.before!);
  return entries.map((entry) => {
    const rank = now.get(entry.id)!;
    const previousRank = then.get(entry.id) ?? null;
    return { entry, rank, previousRank, movement: previousRank === null ? null : previousRank - rank };
  }).sort((a, b) => a.rank - b.rank || a.entry.sortOrder - b.entry.sortOrder || a.entry.id - b.entry.id);
}

/** A movement as shown: ↑2, ↓1, – (unchanged) or 新 (not in the earlier report). */
export function movementText(m: number | null): string {
  if (m === null) return "新";
  if (m > 0) return `↑${m}`;
  if (m < 0) return `↓${-m}`;
  return "–";
}

/** A change of a figure as shown: +3, −2 or 0; rates with one decimal. */
export function deltaText(d: number, decimals = 0): string {
  const v = Math.round(d * 10 ** decimals) / 10 ** decimals;
  if (v > 0) return `+${v.toFixed(decimals)}`;
  if (v < 0) return `−${(-v).toFixed(decimals)}`;
  return (0).toFixed(decimals);
}

/**
 * The ids of the orgs between `viewerPath`'s org and the org at `path`
 * (both excluded): whose names make the trail shown beside a row.
 */
export function trailIds(path: string, viewerPath: string): number[] {
  const below = path.startsWith(viewerPath) ? path.slice(viewerPath.length) : path;
  return below.split("/").filter(Boolean).map(Number).slice(0, -1);
}
