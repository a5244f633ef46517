/** Progress supervision (录入进度督导): summary, chart, child table, problem lists, deadlines. */
import type { ChaseInfo } from "../db/chasing.ts";
import type { Figures } from "../db/progress.ts";
import { barWidth, rateBand } from "../lib/chasing.ts";
import { categoryOf } from "../lib/org_rules.ts";
import { Csrf, Field, FormErrors, Notice } from "./Form.tsx";
import { Pager } from "./Pager.tsx";

/** One child in the progress table. */
export interface ProgressRow {
  id: number;
  shortName: string;
  category: number;
  childCount: number;
  hasAdmin: boolean;
  complete: boolean;
  overdue: boolean;
  deadline: string;
  /** The child's whole subtree, itself included. */
  subtree: Figures;
  rate: number;
  /** Who to chase and how (trail, admin, phone, code status). */
  chase?: ChaseInfo;
  /** Members of the child's subtree, and its 团支部 with members / all (SPEC §9). */
  members?: { members: number; filled: number; branches: number };
}

const pct = (n: number) => `${n.toFixed(1)}%`;

/** One block of figures (direct children, or the whole subtree). */
export function FigureBlock({ title, f, rate }: { title: string; f: Figures; rate: number }) {
  return (
    <div class="figure-block">
      <h3>{title}</h3>
      <dl class="figures">
        <div>
          <dt>已创建</dt>
          <dd>{f.created}</dd>
        </div>
        <div>
          <dt>有管理员</dt>
          <dd>{f.withAdmin}</dd>
        </div>
        <div>
          <dt>信息完整</dt>
          <dd>{f.complete}</dd>
        </div>
        <div>
          <dt>完成率</dt>
          <dd>{pct(rate)}</dd>
        </div>
      </dl>
    </div>
  );
}

/** Links to the problem lists with their counts. */
export function ProblemLinks(
  { orgId, counts }: { orgId: number; counts: Record<string, { label: string; n: number }> },
) {
  return (
    <ul class="problems">
      {Object.entries(counts).map(([kind, { label, n }]) => (
        <li>
          {n > 0
            ? <a href={`/orgs/${orgId}/problems?kind=${kind}`}>{label}：{n}</a>
            : <span>{label}：0</span>}
        </li>
      ))}
    </ul>
  );
}

/**
 * A completion rate as a colour-coded bar (red below 50%, amber below 80%,
 * green from 80%: lib/chasing.ts) with its figure; 0% is an empty track.
 */
export function RateBar({ rate }: { rate: number }) {
  const w = barWidth(rate);
  return (
    <span class={`meter ${rateBand(rate)}`}>
      <span class="track" aria-hidden="true">
        {w > 0 ? <span class="fill" style={`width:${w}%`}></span> : null}
      </span>{" "}
      {pct(rate)}
    </span>
  );
}

/** Horizontal bars of the direct children's completion rates (text, so it reads without images). */
export function RateChart({ rows, partial = false }: { rows: ProgressRow[]; partial?: boolean }) {
  if (rows.length === 0) return null;
  return (
    <figure class="chart">
      <figcaption>直属下级完成率{partial ? "（本页）" : ""}</figcaption>
      <ol>
        {rows.map((r) => (
          <li>
            <span class="chart-label">{r.shortName}</span>
            <RateBar rate={r.rate} />
          </li>
        ))}
      </ol>
    </figure>
  );
}

/** Who to chase: the first admin (masked mobile) or the code status, and the org's 联系电话. */
export function ChaseCell({ chase }: { chase: ChaseInfo }) {
  return (
    <>
      {chase.adminName ? <>{chase.adminName} {chase.adminMobile}</> : <span class="flag">无管理员</span>}
      {chase.phone ? <small class="trail">电话 {chase.phone}</small> : null}
    </>
  );
}

/** The trail of names above an org (below the viewer's org), telling same-named orgs apart. */
export function Trail({ trail }: { trail: string[] }) {
  return trail.length ? <small class="trail">{trail.join(" › ")}</small> : null;
}

/** One page of the child table, numbered from `first`; each row drills down into its own children in place. */
export function ProgressTable(
  { rows, ranked, first = 1, pager }: {
    rows: ProgressRow[];
    ranked: boolean;
    first?: number;
    pager?: { page: number; pages: number; href: (page: number) => string };
  },
) {
  if (rows.length === 0) return <p class="muted">没有直属下级组织。</p>;
  return (
    <>
      <div class="scroll">
        <table class="list cards progress">
          <thead>
            <tr>
              <th scope="col">{ranked ? "排名" : "序号"}</th>
              <th scope="col">组织</th>
              <th scope="col">状态</th>
              <th scope="col">管理员 / 电话</th>
              <th scope="col">注册码</th>
              <th scope="col">下级总数</th>
              <th scope="col">有管理员</th>
              <th scope="col">信息完整</th>
              <th scope="col">完成率</th>
              <th scope="col">团员（已录入团支部 / 团支部）</th>
            </tr>
          </thead>
          {rows.map((r, i) => (
            <tbody>
              <tr>
                <td>{first + i}</td>
                <td>
                  <a href={`/orgs/${r.id}/progress`}>{r.shortName}</a>
                  <small class="cat">{categoryOf(r.category)?.label}</small>
                  {r.chase ? <Trail trail={r.chase.trail} /> : null}
                  {r.childCount > 0
                    ? (
                      <>
                        {" "}
                        <a
                          href={`/orgs/${r.id}/progress`}
                          hx-get={`/orgs/${r.id}/progress`}
                          hx-target={`#drill-${r.id}`}
                          class="drill"
                          aria-controls={`drill-${r.id}`}
                        >
                          展开下级
                        </a>
                      </>
                    )
                    : null}
                </td>
                <td>
                  {r.hasAdmin ? "" : "无管理员 "}
                  {r.complete ? "信息完整" : "信息未完整"}
                  {r.overdue ? <strong class="flag">（逾期，截止 {r.deadline}）</strong> : null}
                </td>
                <td>{r.chase ? <ChaseCell chase={r.chase} /> : null}</td>
                <td>{r.chase?.codeLabel}</td>
                <td>{r.subtree.created - 1}</td>
                <td>{r.subtree.withAdmin}</td>
                <td>{r.subtree.complete}</td>
                <td>
                  <RateBar rate={r.rate} />
                </td>
                <td>
                  {r.members ? `${r.members.members}（${r.members.filled} / ${r.members.branches}）` : ""}
                </td>
              </tr>
              {r.childCount > 0
                ? (
                  <tr class="drill-row">
                    <td colspan={10} id={`drill-${r.id}`}></td>
                  </tr>
                )
                : null}
            </tbody>
          ))}
        </table>
      </div>
      {pager ? <Pager {...pager} /> : null}
    </>
  );
}

/** Sorting links of the table. */
export function SortLinks({ orgId, sort }: { orgId: number; sort: string }) {
  const opts: [string, string][] = [["order", "按排序"], ["rate", "按完成率排名"], ["name", "按名称"]];
  return (
    <p class="toolbar" aria-label="排序">
      {opts.map(([k, label]) => (
        <a href={`/orgs/${orgId}/progress?sort=${k}`} aria-current={k === sort ? "true" : undefined}>
          {label}
        </a>
      ))}
      <a href={`/orgs/${orgId}/progress.xlsx`} hx-boost="false">下载进度表（Excel）</a>
      <a href={`/orgs/${orgId}/chase.xlsx`} hx-boost="false">下载催办清单（Excel）</a>
      <a href={`/orgs/${orgId}/report`}>进度通报</a>
    </p>
  );
}

/** The dismissable sign-in summary box. */
export function WelcomeBox({ orgId, below }: { orgId: number; below: Figures }) {
  return (
    <Notice kind="info">
      <strong>录入进度提示：</strong>下级组织已创建 {below.created} 个，其中 {below.withAdmin} 个已有管理员，
      {below.complete} 个信息完整。 <a href={`/orgs/${orgId}/progress`}>知道了</a>
    </Notice>
  );
}

/** The deadline settings form (团中央 only). */
export function DeadlineForm(
  { csrf, values, errors = {}, saved }: {
    csrf: string;
    values: Record<string, string>;
    errors?: Record<string, string>;
    saved?: boolean;
  },
) {
  const labels: [string, string][] = [
    ["level2", "第二级（省级团委）"],
    ["level3", "第三级（地市级等）"],
    ["level4", "第四级（县区级等）"],
    ["level5", "第五级（乡镇街道级等）"],
    ["level6", "第六级及以下"],
  ];
  return (
    <section class="narrow">
      <h1>各级截止日期</h1>
      {saved ? <Notice>已保存。</Notice> : null}
      <FormErrors errors={Object.values(errors)} />
      <form method="post" action="/orgs/1/deadlines">
        <Csrf token={csrf} />
        <Field
          label="活动年度（开始的年份）"
          name="year"
          value={values.year}
          error={errors.year}
          required
          inputmode="numeric"
        />
        {labels.map(([name, label]) => (
          <Field
            label={`${label}截止日期（月-日）`}
            name={name}
            value={values[name]}
            error={errors[name]}
            required
          />
        ))}
        <button type="submit" class="primary">保存</button>
      </form>
    </section>
  );
}
