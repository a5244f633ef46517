/** The Excel batch screens: upload, preview (every row with its result) and result. */
import type { CheckedRow, RowCounts } from "../lib/import_rows.ts";
import { categoryLabel } from "../lib/import_rows.ts";
import { MAX_ROWS } from "../lib/import_xlsx.ts";
import { Csrf, Notice } from "./Form.tsx";
import { Pager } from "./Pager.tsx";

/** Props of {@link UploadForm}. */
export interface UploadFormProps {
  orgId: number;
  csrf: string;
  error?: string;
}

/** Step 1: download the template, upload the filled file. */
export function UploadForm({ orgId, csrf, error }: UploadFormProps) {
  const url = `/orgs/${orgId}/import`;
  return (
    <form
      id="upload-form"
      method="post"
      action={url}
      enctype="multipart/form-data"
      hx-post={url}
      hx-encoding="multipart/form-data"
      hx-target="this"
      hx-swap="outerHTML"
      hx-indicator="#upload-progress"
      hx-disabled-elt="find button"
      class="narrow"
    >
      <Csrf token={csrf} />
      <ol class="howto">
        <li>
          <a href={`${url}/template.xlsx`} hx-boost="false" download>下载导入模板（.xlsx）</a>
          ，在“数据”工作表中每行填写一个组织：组织简称、组织类别（下拉选择）必填，组织全称和排序可不填。
        </li>
        <li>选择填好的文件上传。系统逐行检查并列出每一行的结果，确认后才会创建。</li>
      </ol>
      {error
        ? (
          <div class="errors" role="alert">
            <p>文件未导入，没有做任何修改：</p>
            <p>{error}</p>
          </div>
        )
        : null}
      <div class={error ? "field invalid" : "field"}>
        <label for="f-file">
          <span class="req" aria-hidden="true">*</span>Excel 文件（.xlsx，不超过 5 MB、{MAX_ROWS
            .toLocaleString("en-US")} 行）
        </label>
        <input
          id="f-file"
          name="file"
          type="file"
          required
          accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        />
      </div>
      <p>
        <button type="submit" class="primary">上传并检查</button>
      </p>
      <p class="muted">上传后请稍候：5,000 行约需几秒钟，检查完成后自动显示结果，请不要关闭页面。</p>
      <div id="upload-progress" class="indicator" role="status">
        <progress max="100" value="0">上传中</progress> 正在上传并逐行检查，请稍候…
      </div>
    </form>
  );
}

/** What a row's result reads as. */
function resultText(r: CheckedRow, done: boolean): string {
  if (r.status === "skip") return r.messages[0]?.message ?? "已创建，跳过";
  if (r.status === "error") return done ? "失败" : "有错误";
  return done ? (r.createdId ? "已创建" : "未创建") : "可创建";
}

/** Filters of the row table. */
export const SHOW = { all: "全部", error: "有错误", ok: "可创建", skip: "已存在" } as const;

/** Props of {@link ImportView}. */
export interface ImportViewProps {
  orgId: number;
  importId: string;
  csrf: string;
  done: boolean;
  counts: RowCounts;
  /** Rows created at confirmation (result view). */
  created: number;
  rows: CheckedRow[];
  show: keyof typeof SHOW;
  page: number;
  pages: number;
}

/** Step 2 (preview, with the confirm button) and step 3 (result): counts and every row. */
export function ImportView(p: ImportViewProps) {
  const base = `/orgs/${p.orgId}/import/${p.importId}`;
  const link = (show: string, page = 1) => `${base}?show=${show}${page > 1 ? `&page=${page}` : ""}`;
  return (
    <section>
      {p.done
        ? (
          <Notice>
            导入完成：已创建 {p.created} 个组织，已存在跳过 {p.counts.skip} 个，失败 {p.counts.error} 个（共
            {" "}
            {p.counts.total} 行）。
          </Notice>
        )
        : (
          <Notice kind={p.counts.error ? "warn" : "info"}>
            检查完成：共 {p.counts.total} 行，可创建 {p.counts.ok} 行，已存在（跳过）{p.counts.skip}{" "}
            行，有错误 {p.counts.error}{" "}
            行。有错误的行不会创建；可以先创建其余各行，再下载失败原因表修改后重新上传。
          </Notice>
        )}
      <p class="toolbar">
        {!p.done && p.counts.ok > 0
          ? (
            <form
              method="post"
              action={`${base}/confirm`}
              hx-post={`${base}/confirm`}
              hx-indicator="#confirm-progress"
              hx-disabled-elt="find button"
              class="inline"
            >
              <Csrf token={p.csrf} />
              <button type="submit" class="primary">确认创建 {p.counts.ok} 个组织</button>
            </form>
          )
          : null}
        {p.counts.error > 0
          ? (
            <a class="button" href={`${base}/failures.xlsx`} hx-boost="false" download>
              下载失败原因表（.xlsx）
            </a>
          )
          : null}
        <a class="button" href={`/orgs/${p.orgId}/import`}>{p.done ? "继续导入" : "重新上传"}</a>
        {p.done ? <a class="button" href={`/orgs/${p.orgId}/children`}>查看下级组织</a> : null}
      </p>
      {!p.done
        ? (
          <div id="confirm-progress" class="indicator" role="status">
            <progress>处理中</progress> 正在创建，请稍候…
          </div>
        )
        : null}
      <nav class="tabs" aria-label="筛选">
        {(Object.keys(SHOW) as (keyof typeof SHOW)[]).map((k) => (
          <a href={link(k)} aria-current={k === p.show ? "page" : undefined}>
            {SHOW[k]}（{k === "all" ? p.counts.total : p.counts[k]}）
          </a>
        ))}
      </nav>
      <div class="scroll">
        <table class="list import-rows">
          <thead>
            <tr>
              <th scope="col">行号</th>
              <th scope="col">组织简称 · 类别 / 全称 · 排序</th>
              <th scope="col">结果及原因（列：说明）</th>
            </tr>
          </thead>
          <tbody>
            {p.rows.map((r) => (
              <tr class={`row-${r.status}`}>
                <td>{r.row}</td>
                <td>
                  {r.shortName || <span class="muted">（空）</span>}
                  <span class="cat">· {categoryLabel(r.category) || "（空）"}</span>
                  <br />
                  <small class="muted">
                    {r.value?.fullName ?? r.fullName}
                    {r.sortOrder ? ` · 排序 ${r.sortOrder}` : null}
                  </small>
                </td>
                <td>
                  <span class={r.status === "error" ? "flag" : undefined}>{resultText(r, p.done)}</span>
                  {r.status === "error"
                    ? (
                      <ul class="reasons">
                        {r.messages.map((m) => (
                          <li>
                            {m.column}：{m.message}
                          </li>
                        ))}
                      </ul>
                    )
                    : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager page={p.page} pages={p.pages} href={(n) => link(p.show, n)} />
    </section>
  );
}
