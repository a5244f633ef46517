/** The audit log of one org (SPEC §7): every label and value from lib/audit_labels.ts. */
import { type Action, ACTIONS, describeDetail, detailLabel, showValue } from "../lib/audit_labels.ts";
import type { AuditItem } from "../db/audit.ts";
import { formatBeijing } from "../lib/time.ts";

export type { AuditItem };

/** What changed: a before/after table for field changes, then the detail's other items, labelled. */
function Detail({ action, detail }: { action: string; detail: Record<string, unknown> | null }) {
  if (!detail) return null;
  const changes = detail.changes as Record<string, { before: unknown; after: unknown }> | undefined;
  const rest = describeDetail(action, detail);
  return (
    <>
      {changes && Object.keys(changes).length
        ? (
          <table class="changes">
            <tbody>
              {Object.entries(changes).map(([k, v]) => (
                <tr>
                  <th scope="row">{detailLabel(action, k)}</th>
                  <td>{showValue(k, v.before)}</td>
                  <td>→ {showValue(k, v.after)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
        : null}
      {rest.length ? <small class="muted">{rest.join("；")}</small> : null}
    </>
  );
}

/** Rows of the log (also the fragment appended by “加载更多”). */
export function AuditRows(
  { orgId, items, next }: { orgId: number; items: AuditItem[]; next: number | null },
) {
  const more = next ? `/orgs/${orgId}/audit?before=${next}` : null;
  return (
    <>
      {items.map((e) => (
        <li>
          <time datetime={e.at.toISOString()}>{formatBeijing(e.at)}</time>（北京时间） · {e.actor ?? "系统"} ·
          {" "}
          <strong>{ACTIONS[e.action as Action] ?? e.action}</strong>
          {e.reason ? <>· 原因：{e.reason}</> : null}
          <Detail action={e.action} detail={e.detail} />
        </li>
      ))}
      {more
        ? (
          <li id="audit-more">
            <a href={more} hx-get={more} hx-target="#audit-more" hx-swap="outerHTML">加载更多</a>
          </li>
        )
        : null}
    </>
  );
}

/** The log page body. */
export function AuditLog({ orgId, items, next }: { orgId: number; items: AuditItem[]; next: number | null }) {
  if (items.length === 0) return <p class="muted">暂无操作记录。</p>;
  return (
    <ol class="audit">
      <AuditRows orgId={orgId} items={items} next={next} />
    </ol>
  );
}
