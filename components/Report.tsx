/** The 通报 (progress report): change since the last report, ranking with movement, rate over time. */
import { deltaText, movementText, type Ranked, type ReportEntry } from "../lib/chasing.ts";
import { Csrf, Notice } from "./Form.tsx";
import { Pager } from "./Pager.tsx";
import { RateBar } from "./Progress.tsx";

/** One direct child in the report: its figures on the report's date and the change since the earlier one. */
export interface ReportRow extends ReportEntry {
  shortName: string;
  created: number;
  withAdmin: number;
  complete: number;
  /** Changes since the earlier report (0 when the org was not in it). */
  dCreated: number;
  dWithAdmin: number;
  dComplete: number;
}

/** A point of the rate history. */
export interface RatePoint {
  day: string;
  rate: number;
}

const pct = (n: number) => `${n.toFixed(1)}%`;
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86400_000;

/**
 * The completion rate over time as a small server-rendered SVG (no script):
 * one point per report date, spaced by date, with the 0/50/100% lines.
 */
export function RateHistory({ points }: { points: RatePoint[] }) {
  if (points.length === 0) return null;
  const W = 600, H = 160, L = 40, R = 10, T = 10, B = 24;
  const first = dayNumber(points[0].day), last = dayNumber(points.at(-1)!.day);
  const span = Math.max(1, last - first);
  const x = (day: string) =>
    points.length === 1 ? L + (W - L - R) / 2 : L + (dayNumber(day) - first) / span * (W - L - R);
  const y = (rate: number) => T + (1 - rate / 100) * (H - T - B);
  const line = points.map((p) => `${x(p.day).toFixed(1)},${y(p.rate).toFixed(1)}`).join(" ");
  const latest = points.at(-1)!;
  return (
    <figure class="history">
      <figcaption>完成率变化（{points[0].day} 至 {latest.day}，最新 {pct(latest.rate)}）</figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        role="img"
        aria-label={`完成率从 ${pct(points[0].rate)} 到 ${pct(latest.rate)}`}
        xmlns="http://www.w3.org/2000/svg"
      >
        {[0, 50, 100].map((r) => (
          <>
            <line x1={L} x2={W - R} y1={y(r)} y2={y(r)} stroke="#ddd" />
            <text x={L - 4} y={y(r) + 4} text-anchor="end" font-size="11" fill="#666">{r}%</text>
          </>
        ))}
        <polyline points={line} fill="none" stroke="#c8102e" stroke-width="2" />
        {points.map((p) => (
          <circle cx={x(p.day).toFixed(1)} cy={y(p.rate).toFixed(1)} r="3" fill="#c8102e">
            <title>{p.day}：{pct(p.rate)}</title>
          </circle>
        ))}
        <text x={L} y={H - 6} font-size="11" fill="#666">{points[0].day}</text>
        <text x={W - R} y={H - 6} font-size="11" fill="#666" text-anchor="end">{latest.day}</text>
      </svg>
    </figure>
  );
}

/** Choosing the two reports to compare (a GET form: works without JavaScript). */
export function ReportPicker(
  { orgId, days, from, to }: { orgId: number; days: string[]; from: string | null; to: string },
) {
  return (
    <form method="get" action={`/orgs/${orgId}/report`} class="toolbar picker">
      <label>
        本期{" "}
        <select name="to">
          {days.map((d) => <option value={d} selected={d === to}>{d}</option>)}
        </select>
      </label>
      <label>
        对比上期{" "}
        <select name="from">
          {days.filter((d) => d < to).map((d) => <option value={d} selected={d === from}>{d}</option>)}
        </select>
      </label>
      <button type="submit">查看</button>
    </form>
  );
}

/** The on-demand snapshot button (the org's own admin). */
export function SnapshotButton({ orgId, csrf, day }: { orgId: number; csrf: string; day: string }) {
  return (
    <form method="post" action={`/orgs/${orgId}/report/snapshot`} class="inline">
      <Csrf token={csrf} />
      <button type="submit" class="primary">生成今日快照（{day}）</button>
    </form>
  );
}

/** The ranking of direct children with movement and the change of each figure since the earlier report. */
export function ReportTable(
  { rows, pager }: {
    rows: Ranked<ReportRow>[];
    pager: { page: number; pages: number; href: (page: number) => string };
  },
) {
  if (rows.length === 0) return <Notice kind="info">这一期没有直属下级组织的快照。</Notice>;
  return (
    <>
      <table class="list cards report">
        <thead>
          <tr>
            <th scope="col">排名</th>
            <th scope="col">升降</th>
            <th scope="col">组织</th>
            <th scope="col">已创建</th>
            <th scope="col">有管理员</th>
            <th scope="col">信息完整</th>
            <th scope="col">完成率</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ entry: r, rank, movement }) => (
            <tr>
              <td>{rank}</td>
              <td class={movement === null ? "mv" : movement > 0 ? "mv up" : movement < 0 ? "mv down" : "mv"}>
                {movementText(movement)}
              </td>
              <td>
                <a href={`/orgs/${r.id}/report`}>{r.shortName}</a>
              </td>
              <td>
                {r.created} <small>（{deltaText(r.dCreated)}）</small>
              </td>
              <td>
                {r.withAdmin} <small>（{deltaText(r.dWithAdmin)}）</small>
              </td>
              <td>
                {r.complete} <small>（{deltaText(r.dComplete)}）</small>
              </td>
              <td>
                <RateBar rate={r.rate} />{" "}
                <small>（{r.before === null ? "新" : `${deltaText(r.rate - r.before, 1)} 个百分点`}）</small>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager {...pager} />
    </>
  );
}
