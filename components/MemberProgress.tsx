/** The member figures of the progress page (SPEC §9): per wave, direct children and the whole subtree. */
import { type MemberCounts, waveFigures } from "../lib/member_counters.ts";
import { WAVE_LABELS, waveDeadlineDate, waveOverdue, type WaveSchedule } from "../lib/waves.ts";
import { Csrf, Field, FormErrors, Notice } from "./Form.tsx";
import { ProblemLinks } from "./Progress.tsx";

/** Props of {@link MemberProgress}. */
export interface MemberProgressProps {
  orgId: number;
  /** The whole subtree (the org itself included) and its 团支部. */
  subtree: MemberCounts;
  subtreeBranches: number;
  /** The direct children themselves, and how many of them are 团支部. */
  direct: MemberCounts;
  directBranches: number;
  schedule: WaveSchedule;
  now: Date;
  problems: Record<string, { label: string; n: number }>;
  /** Show the link to the wave deadlines (团中央's own admin). */
  settings: boolean;
}

const pct = (n: number) => `${n.toFixed(1)}%`;

function WaveTable(
  { caption, c, branches, schedule, now }: {
    caption: string;
    c: MemberCounts;
    branches: number;
    schedule: WaveSchedule;
    now: Date;
  },
) {
  const rows = [1, 2, "all"] as const;
  return (
    <div class="scroll">
      <table class="list cards member-waves">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">批次</th>
            <th scope="col">团支部</th>
            <th scope="col">已录入</th>
            <th scope="col">空心团支部</th>
            <th scope="col">团员</th>
            <th scope="col">录入率</th>
            <th scope="col">截止日期</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((w) => {
            const f = waveFigures(c, w, branches);
            const overdue = w !== "all" && waveOverdue(w, f.empty, schedule, now);
            return (
              <tr>
                <th scope="row">{w === "all" ? "合计（含未分批）" : WAVE_LABELS[w]}</th>
                <td>{f.branches}</td>
                <td>{f.filled}</td>
                <td>{f.empty}</td>
                <td>{f.members}</td>
                <td>{pct(f.rate)}</td>
                <td>
                  {w === "all" ? "" : waveDeadlineDate(w, schedule)}
                  {overdue ? <strong class="flag">（已逾期，{f.empty} 个团支部未录入）</strong> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** 团员录入进度: figures per wave, 应离团, and the branch-size problem lists. */
export function MemberProgress(p: MemberProgressProps) {
  return (
    <section id="member-progress">
      <h2>团员录入进度</h2>
      <p class="figures-line">
        团员 <strong>{p.subtree.members}</strong> 人已录入（含下级）；应办理离团{" "}
        <strong>{p.subtree.due}</strong> 人
        {p.settings
          ? (
            <>
              {" "}
              <a href="/orgs/1/member-deadlines">设置分批截止日期</a>
            </>
          )
          : null}
      </p>
      <p class="muted">
        第一批：高校、职业学校、高中、初中、党政机关、事业单位、国有企业；第二批：农村、城市社区、非公企业、集体企业、新社会组织、其他（按团支部的行业类别）。
      </p>
      <WaveTable
        caption="全部下级（含本级）"
        c={p.subtree}
        branches={p.subtreeBranches}
        schedule={p.schedule}
        now={p.now}
      />
      {p.directBranches > 0
        ? (
          <WaveTable
            caption="直属团支部"
            c={p.direct}
            branches={p.directBranches}
            schedule={p.schedule}
            now={p.now}
          />
        )
        : null}
      <h3>团支部规模问题（含本级）</h3>
      <ProblemLinks orgId={p.orgId} counts={p.problems} />
    </section>
  );
}

/** 团中央's form for the per-wave deadlines. */
export function WaveDeadlineForm(
  { csrf, values, errors = {}, saved }: {
    csrf: string;
    values: Record<string, string>;
    errors?: Record<string, string>;
    saved?: boolean;
  },
) {
  return (
    <section class="narrow" id="wave-deadlines">
      <h1>团员录入分批截止日期</h1>
      {saved ? <Notice>已保存。</Notice> : null}
      <FormErrors errors={Object.values(errors)} />
      <form method="post" action="/orgs/1/member-deadlines">
        <Csrf token={csrf} />
        <Field label="活动年度" name="year" value={values.year} error={errors.year} inputmode="numeric" />
        <Field
          label="第一批截止日期（月-日）"
          name="wave1"
          value={values.wave1}
          error={errors.wave1}
          hint="7 月及以后为本年度，之前为下一年"
        />
        <Field label="第二批截止日期（月-日）" name="wave2" value={values.wave2} error={errors.wave2} />
        <p>
          <button type="submit" class="primary">保存</button>
        </p>
      </form>
    </section>
  );
}
