/** Registration-code display: the popup of one child and the standalone page. */
import { CODE_HINT } from "../lib/codes.ts";
import { formatBeijing } from "../lib/time.ts";

/** The code box shown in the child list popup (and on the no-JS page). */
export function CodeBox(
  { orgId, orgName, code, expiresAt, paste }: {
    orgId: number;
    orgName: string;
    code: string;
    expiresAt: Date;
    /** The ready-to-paste text for a 微信群 (lib/codes.ts pasteText). */
    paste: string;
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
      <label for={`paste-${orgId}`}>发到微信群、QQ群的文字（可选中复制）：</label>
      <textarea id={`paste-${orgId}`} class="paste" readonly rows={3}>{paste}</textarea>
      {/* Shown by static/app.js: without JavaScript the text above is selected and copied by hand. */}
      <button type="button" class="copy" data-copy={`paste-${orgId}`} hidden>复制这段文字</button>
    </div>
  );
}
