/** The Excel batch screens: upload, preview (every row with its result) and result. */
import type { CheckedRow, RowCounts } from "../lib/import_rows.ts";
import { categoryLabel } from "../lib/import_rows.ts";
import { MAX_ROWS } from "../lib/import_xlsx.ts";
import { Csrf, Notice } from "./Form.tsx";
import { Pager } from "./Pager.tsx";

/** What a batch creates, in the words its screens use; the default is direct children (§5). */
export interface BatchWords {
  /** The batch's base address ("/orgs/7/import"). */
  url: (orgId: number) => string;
  /** The step-1 instruction after the template link. */
  howto: string;
  /** "创建" / "录入". */
  verb: string;
  /** Counted unit, e.g. "个组织" / "名团员". */
  unit: string;
  /** Where the created rows are listed, and the link's label. */
  list: (orgId: number) => string;
  listLabel: string;
}

/** The words of the direct-children batch. */
export const CHILD_WORDS: BatchWords = {
  url: (orgId) => `/orgs/${orgId}/import`,
  howto: "，在“数据”工作表中每行填写一个组织：组织简称、组织类别（下拉选择）必填，组织全称和排序可不填。",
  verb: "创建",
  unit: "个组织",
  list: (orgId) => `/orgs/${orgId}/children`,
  listLabel: "查看下级组织",
};

/** Props of {@link UploadForm}. */
export interface UploadFormProps {
  orgId: number;
  csrf: string;
  error?: string;
  words?: BatchWords;
}

/** Step 1: download the template, upload the filled file. */
export function UploadForm({ orgId, csrf, error, words = CHILD_WORDS }: UploadFormProps) {
  const url = words.url(orgId);
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
          {words.howto}
        </li>
        <li>选择填好的文件上传。系统逐行检查并列出每一行的结果，确认后才会{words.verb}。</li>
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

/** A previewed row, whatever the batch creates. */
export type PreviewRow = Pick<CheckedRow, "row" | "status" | "messages" | "createdId">;

/** What a row's result reads as. */
function resultText(r: PreviewRow, done: boolean, verb: string): string {
  if (r.status === "skip") return r.messages[0]?.message ?? `已${verb}，跳过`;
  if (r.status === "error") return done ? "失败" : "有错误";
  return done ? (r.createdId ? `已${verb}` : `未${verb}`) : `可${verb}`;
}

/** Filters of the row table. */
export const SHOW = { all: "全部", error: "有错误", ok: "可创建", skip: "已存在" } as const;

/** The cells of a direct-children row. */
export function ChildCells({ r }: { r: CheckedRow }) {
  return (
    <>
      {r.shortName || <span class="muted">（空）</span>}
      <span class="cat">· {categoryLabel(r.category) || "（空）"}</span>
      <br />
      <small class="muted">
        {r.value?.fullName ?? r.fullName}
        {r.sortOrder ? ` · 排序 ${r.sortOrder}` : null}
      </small>
    </>
  );
}

/** Props of {@link ImportView}. */
export interface ImportViewProps<R extends PreviewRow = CheckedRow> {
  orgId: number;
  words?: BatchWords;
  /** The second column of a row (default: a direct child's cells). */
  cells?: (r: R) => unknown;
  /** Its heading. */
  cellsHeader?: string;
  importId: string;
  csrf: string;
  done: boolean;
  counts: RowCounts;
  /** Rows created at confirmation (result view). */
  created: number;
  rows: R[];
  show: keyof typeof SHOW;
  page: number;
  pages: number;
}

/** Step 2 (preview, with the confirm button) and step 3 (result): counts and every row. */
export function ImportView<R extends PreviewRow = CheckedRow>(p: ImportViewProps<R>) {
  const w = p.words ?? CHILD_WORDS;
  const base = `${w.url(p.orgId)}/${p.importId}`;
  const cells = p.cells ?? ((r: R) => <ChildCells r={r as unknown as CheckedRow} />);
  const can = `可${w.verb}`;
  const link = (show: string, page = 1) => `${base}?show=${show}${page > 1 ? `&page=${page}` : ""}`;
  return (
    <section>
      {p.done
        ? (
          <Notice>
            导入完成：已{w.verb} {p.created} {w.unit}，已存在跳过 {p.counts.skip} {w.unit[0]}，失败{" "}
            {p.counts.error} {w.unit[0]}（共 {p.counts.total} 行）。
          </Notice>
        )
        : (
          <Notice kind={p.counts.error ? "warn" : "info"}>
            检查完成：共 {p.counts.total} 行，{can} {p.counts.ok} 行，已存在（跳过）{p.counts.skip} 行，有错误
            {" "}
            {p.counts.error}{" "}
            行。有错误的行不会{w.verb}；可以先{w.verb}其余各行，再下载失败原因表修改后重新上传。
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
              <button type="submit" class="primary">确认{w.verb} {p.counts.ok} {w.unit}</button>
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
        <a class="button" href={w.url(p.orgId)}>{p.done ? "继续导入" : "重新上传"}</a>
        {p.done ? <a class="button" href={w.list(p.orgId)}>{w.listLabel}</a> : null}
      </p>
      {!p.done
        ? (
          <div id="confirm-progress" class="indicator" role="status">
            <progress>处理中</progress> 正在{w.verb}，请稍候…
          </div>
        )
        : null}
      <nav class="tabs" aria-label="筛选">
        {(Object.keys(SHOW) as (keyof typeof SHOW)[]).map((k) => (
          <a href={link(k)} aria-current={k === p.show ? "page" : undefined}>
            {k === "ok" ? can : SHOW[k]}（{k === "all" ? p.counts.total : p.counts[k]}）
          </a>
        ))}
      </nav>
      <div class="scroll">
        <table class="list cards import-rows">
          <thead>
            <tr>
              <th scope="col">行号</th>
              <th scope="col">{p.cellsHeader ?? "组织简称 · 类别 / 全称 · 排序"}</th>
              <th scope="col">结果及原因（列：说明）</th>
            </tr>
          </thead>
          <tbody>
            {p.rows.map((r) => (
              <tr class={`row-${r.status}`}>
                <td>{r.row}</td>
                <td>{cells(r)}</td>
                <td>
                  <span class={r.status === "error" ? "flag" : undefined}>
                    {resultText(r, p.done, w.verb)}
                  </span>
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
