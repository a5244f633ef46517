/** Registration-code display: the popup of one child and the standalone page. */
import { CODE_HINT } from "../lib/codes.ts";
import { formatBeijing } from "../lib/time.ts";

/** The code box shown in the child list popup (and on the no-JS page). */
export function CodeBox(
  { orgId, orgName, code, expiresAt }: {
    orgId: number;
    orgName: string;
    code: string;
    expiresAt: Date;
  },
) {
  return (
    <div
      class="codebox"
      role="dialog"
      aria-label={`${orgName}的管理员注册码`}
      id={`code-${orgId}`}
    >
      <p>
        {orgName} 的管理员注册码：
        <code class="code" translate="no">{code}</code>
      </p>
      <p class="muted">
        有效期至 {formatBeijing(expiresAt)}（北京时间），仅能注册一名管理员。{CODE_HINT}
      </p>
    </div>
  );
}
