/** The audit log of one org (SPEC §7). */
import { type Action, ACTIONS, type AuditItem } from "../db/audit.ts";
import { FIELD_LABELS, type OrgInfo } from "../lib/org_info.ts";
import { categoryOf } from "../lib/org_rules.ts";
import { formatBeijing } from "../lib/time.ts";

export type { AuditItem };

const show = (key: string, v: unknown): string => {
  if (v === null || v === undefined || v === "") return "（空）";
  if (key === "category") return categoryOf(Number(v))?.label ?? String(v);
  return typeof v === "object" ? JSON.stringify(v) : String(v);
};

/** What changed: a before/after table for field changes, else the detail's key-values. */
function Detail({ detail }: { detail: Record<string, unknown> | null }) {
  if (!detail) return null;
  const changes = detail.changes as Record<string, { before: unknown; after: unknown }> | undefined;
  if (changes && Object.keys(changes).length) {
    return (
      <table class="changes">
        <tbody>
          {Object.entries(changes).map(([k, v]) => (
            <tr>
              <th scope="row">{FIELD_LABELS[k as keyof OrgInfo] ?? k}</th>
              <td>{show(k, v.before)}</td>
              <td>→ {show(k, v.after)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  const rest = Object.entries(detail).filter(([k]) => k !== "changes");
  if (!rest.length) return null;
  return <small class="muted">{rest.map(([k, v]) => `${k}: ${show(k, v)}`).join("；")}</small>;
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
          <time datetime={e.at.toISOString()}>{formatBeijing(e.at)}</time> · {e.actor ?? "系统"} ·{" "}
          <strong>{ACTIONS[e.action as Action] ?? e.action}</strong>
          {e.reason ? <>· 原因：{e.reason}</> : null}
          <Detail detail={e.detail} />
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
