/** The overview of one org: figures of its subtree and its admins. */
import { BRANCH } from "../lib/org_rules.ts";
import type { Org } from "../db/schema.ts";
import { Csrf } from "./Form.tsx";

/** An admin as listed (mobile already masked). */
export interface AdminItem {
  accountId: number;
  name: string;
  mobile: string;
  position: string;
  me: boolean;
}

/** Props of {@link OrgOverview}. */
export interface OrgOverviewProps {
  org: Pick<
    Org,
    | "id"
    | "subOrgs"
    | "subWithAdmin"
    | "subComplete"
    | "childCount"
    | "infoComplete"
    | "confirmedAt"
    | "category"
    | "subMembers"
  >;
  admins: AdminItem[];
  csrf: string;
  /** Whether the viewer may issue reset codes for these admins. */
  canReset: boolean;
}

/** Overview content under the org header. */
export function OrgOverview({ org, admins, csrf, canReset }: OrgOverviewProps) {
  return (
    <>
      <dl class="figures">
        <div>
          <dt>本组织信息</dt>
          <dd>
            {org.infoComplete ? (org.confirmedAt ? "已确认" : "完整，待确认") : "未完整"}
          </dd>
        </div>
        <div>
          <dt>直属下级</dt>
          <dd>{org.childCount}</dd>
        </div>
        <div>
          <dt>全部下级</dt>
          <dd>{org.subOrgs - 1}</dd>
        </div>
        <div>
          <dt>有管理员（含本级）</dt>
          <dd>{org.subWithAdmin}</dd>
        </div>
        <div>
          <dt>信息完整（含本级）</dt>
          <dd>{org.subComplete}</dd>
        </div>
        <div>
          <dt>{org.category === BRANCH ? "已录入团员" : "已录入团员（含下级）"}</dt>
          <dd>
            {org.category === BRANCH
              ? <a href={`/orgs/${org.id}/members`}>{org.subMembers}</a>
              : org.subMembers}
          </dd>
        </div>
      </dl>
      <h2>管理员（{admins.length}）</h2>
      {admins.length === 0 ? <p class="muted">尚未有管理员注册。</p> : (
        <ul class="admins">
          {admins.map((a) => (
            <li>
              {a.name}（{a.position}，{a.mobile}）{a.me ? "（我）" : null}
              {canReset && !a.me
                ? (
                  <form
                    method="post"
                    action={`/orgs/${org.id}/admins/${a.accountId}/reset`}
                    class="inline"
                  >
                    <Csrf token={csrf} />
                    <button type="submit" class="link">生成密码重置码</button>
                  </form>
                )
                : null}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
