/**
 * The Excel batch screens as one route factory (SPEC §5, and §9 "exactly as
 * §5"): the template, the upload and its check, a preview of every row,
 * confirmation in one transaction, and the failure report to fix and upload
 * again. What differs between batches (direct children, a branch's members)
 * is a {@link BatchKind}: its words, how a file is read and checked, how a
 * batch is confirmed, and the template.
 */
import { Hono } from "hono";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import { type BatchWords, ImportView, type PreviewRow, SHOW, UploadForm } from "../components/Import.tsx";
import type { OrgTab } from "../components/OrgNav.tsx";
import { pageParam } from "../components/Pager.tsx";
import { breathe } from "../db/client.ts";
import { loadImport, saveImport, type StoredImport } from "../db/imports.ts";
import { countRows } from "../lib/import_rows.ts";
import type { Result } from "../lib/result.ts";
import { MAX_BYTES } from "../lib/import_xlsx.ts";
import type { OrgEnv } from "../middleware/env.ts";
import { redirectAfterPost, renderError, wantsFragment } from "../middleware/render.tsx";
import { form } from "../middleware/validate.ts";

/** Rows per page of the preview. */
const PAGE = 500;

const TOO_LARGE = "上传的文件超过 5 MB 的上限，没有做任何修改。请把数据分成几个文件分别上传。";
const TOO_MANY = "文件内容过多，检查结果超过了可保存的上限，没有做任何修改。请分成几个文件分别上传。";

/**
 * Refuses request bodies well beyond the 5 MB file limit before anything reads
 * them (mounted in app.ts ahead of the CSRF check, which parses plain forms).
 */
export const uploadLimit = bodyLimit({
  maxSize: MAX_BYTES + 512 * 1024,
  onError: (c) => renderError(c, 400, "文件太大", TOO_LARGE),
});

/** A stored batch whose rows are of one kind. */
export type Batch<R> = Omit<StoredImport, "rows"> & { rows: R[] };

/** What one kind of batch does; everything else is the same for all. */
export interface BatchKind<R extends PreviewRow> {
  /** The kind stored with the batch (a batch is found only under its own kind). */
  kind: "children" | "members";
  /** The screens' words (addresses, verb, unit). */
  words: BatchWords;
  /** Page title and heading ("批量录入团员"), and the org tab the screens belong to. */
  title: string;
  heading: string;
  tab: OrgTab;
  /** Who may use the screens, and for which orgs (run before every route). */
  gate: MiddlewareHandler<OrgEnv>[];
  /** The template to download, empty or with failed rows and their reasons. */
  template(c: Context<OrgEnv>, failed?: R[]): Promise<Response>;
  /** Reads an uploaded file and checks its rows: the rows, or the reason the file is refused. */
  check(c: Context<OrgEnv>, bytes: Uint8Array): Promise<Result<R[]>>;
  /**
   * Confirms a batch, all or nothing (a batch already confirmed changes nothing). It runs its own
   * transactions: long writes are staged first, then moved in by one short final transaction (db/staging.ts).
   */
  confirm(c: Context<OrgEnv>, batch: Batch<R>): Promise<unknown>;
  /** The preview's second column and its heading (default: a direct child's cells). */
  cells?(c: Context<OrgEnv>): (r: R) => unknown;
  cellsHeader?: string;
}

/** The upload form: a file, or nothing (which the page says). */
const uploadForm = z.object({ file: z.unknown().optional() });

const BATCH = "/:importId{[A-Za-z0-9_-]{16}}";

/** The routes of one kind of batch, to mount at `kind.words.url(orgId)` under the org app. */
export function batchRoutes<R extends PreviewRow>(k: BatchKind<R>) {
  /** The upload page (or, for htmx, just the form: a failed upload returns only the form). */
  const uploadPage = (c: Context<OrgEnv>, error?: string) => {
    const upload = <UploadForm orgId={c.var.org.id} csrf={c.var.csrf} error={error} words={k.words} />;
    if (error) c.status(422);
    if (wantsFragment(c)) return c.render(upload, {});
    return c.render(
      <>
        <h2>{k.heading}（Excel）</h2>
        {upload}
      </>,
      { title: k.title, tab: k.tab },
    );
  };

  /** Runs `then` with the batch named by `:importId`, or says it is gone (expired or never this org's). */
  const withBatch = async (c: Context<OrgEnv>, then: (batch: Batch<R>) => Response | Promise<Response>) => {
    const { org, db } = c.var;
    const found = await loadImport<R>(db, org.id, c.req.param("importId") ?? "", k.kind);
    if (!found) {
      return renderError(
        c,
        404,
        "导入批次不存在",
        "该导入批次不存在或已过期（保留 7 天），请重新上传文件。",
        {
          href: k.words.url(org.id),
          label: "重新上传",
        },
      );
    }
    return then(found);
  };

  return new Hono<OrgEnv>()
    .use(...k.gate)
    .get("/template.xlsx", (c) => k.template(c))
    .get("/", (c) => uploadPage(c))
    .post("/", form(uploadForm), async (c) => {
      const { org, db } = c.var;
      const file = c.req.valid("form").file;
      if (!(file instanceof File) || (file.size === 0 && !file.name)) {
        return uploadPage(c, "请选择要上传的 Excel 文件（.xlsx）。");
      }
      if (file.size > MAX_BYTES) return uploadPage(c, TOO_LARGE);
      const checked = await k.check(c, new Uint8Array(await file.arrayBuffer()));
      if (!checked.ok) return uploadPage(c, checked.error);
      await breathe();
      const id = await saveImport(db, org.id, c.var.session.accountId, checked.value, c.var.now(), k.kind);
      if (!id) return uploadPage(c, TOO_MANY);
      return redirectAfterPost(c, `${k.words.url(org.id)}/${id}`);
    })
    .get(BATCH, (c) =>
      withBatch(c, (batch) => {
        const { org } = c.var;
        const q = c.req.query("show");
        const show = q && q in SHOW ? q as keyof typeof SHOW : "all";
        const list = show === "all" ? batch.rows : batch.rows.filter((r) => r.status === show);
        const pages = Math.max(1, Math.ceil(list.length / PAGE));
        const page = pageParam(c.req.query("page"), pages);
        return c.render(
          <>
            <h2>{k.heading}：{batch.doneAt ? "导入结果" : "检查结果"}</h2>
            <ImportView<R>
              orgId={org.id}
              words={k.words}
              cells={k.cells?.(c)}
              cellsHeader={k.cellsHeader}
              importId={batch.id}
              csrf={c.var.csrf}
              done={batch.doneAt !== null}
              counts={countRows(batch.rows)}
              created={batch.rows.filter((r) => r.createdId).length}
              rows={list.slice((page - 1) * PAGE, page * PAGE)}
              show={show}
              page={page}
              pages={pages}
            />
          </>,
          { title: k.title, tab: k.tab },
        );
      }))
    .post(`${BATCH}/confirm`, (c) =>
      withBatch(c, async (batch) => {
        await breathe(); // reading back thousands of rows took a while
        // A second confirmation (double click, back button) finds the batch done and changes nothing.
        await k.confirm(c, batch);
        return redirectAfterPost(c, `${k.words.url(c.var.org.id)}/${batch.id}`);
      }))
    .get(
      `${BATCH}/failures.xlsx`,
      (c) => withBatch(c, (batch) => k.template(c, batch.rows.filter((r) => r.status === "error"))),
    );
}
