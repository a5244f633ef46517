/**
 * Batch creation of direct children from Excel (SPEC §5): the template, upload
 * and check, a preview of every row, confirmation in one transaction, and the
 * failure report that can be fixed and uploaded again.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import { ImportView, SHOW, UploadForm } from "../components/Import.tsx";
import { pageParam } from "../components/Pager.tsx";
import { breathe } from "../db/client.ts";
import { confirmImport, existingChildren, loadImport, saveImport, type StoredImport } from "../db/imports.ts";
import { checkRows, countRows, reasonText } from "../lib/import_rows.ts";
import { childTemplate, MAX_BYTES } from "../lib/import_xlsx.ts";
import { mayHaveChildren } from "../lib/org_rules.ts";
import type { OrgEnv } from "../middleware/env.ts";
import { guard } from "../middleware/guard.ts";
import { redirectAfterPost, renderError, sendXlsx, wantsFragment } from "../middleware/render.tsx";
import { form } from "../middleware/validate.ts";

/** Rows per page of the preview. */
const PAGE = 500;

const TOO_LARGE = "上传的文件超过 5 MB 的上限，没有做任何修改。请把数据分成几个文件分别上传。";

/**
 * Refuses request bodies well beyond the 5 MB file limit before anything reads
 * them (mounted in app.ts ahead of the CSRF check, which parses plain forms).
 */
export const uploadLimit = bodyLimit({
  maxSize: MAX_BYTES + 512 * 1024,
  onError: (c) => renderError(c, 400, "文件太大", TOO_LARGE),
});

/** Batch pages exist only for orgs that may have children (not for a 团支部). */
const mayCreate = createMiddleware<OrgEnv>(async (c, next) => {
  const { org } = c.var;
  if (!mayHaveChildren(org.category)) {
    return renderError(c, 403, "不能创建下级", `“${org.shortName}”是团支部，团支部不能有下级组织。`);
  }
  await next();
});

/** Loads the batch named by `:importId` (16 base64url characters) into `c.var.imp`. */
const batch = createMiddleware<{ Variables: OrgEnv["Variables"] & { imp: StoredImport } }>(
  async (c, next) => {
    const imp = await loadImport(c.var.db, c.var.org.id, c.req.param("importId") ?? "");
    if (!imp) {
      return renderError(
        c,
        404,
        "导入批次不存在",
        "该导入批次不存在或已过期（保留 7 天），请重新上传文件。",
        {
          href: `/orgs/${c.var.org.id}/import`,
          label: "重新上传",
        },
      );
    }
    c.set("imp", imp);
    await next();
  },
);

/** The upload form: a file, or nothing (which the page says). */
const uploadForm = z.object({ file: z.unknown().optional() });

/** The upload page (or, for htmx, just the form). */
function uploadPage(c: Context<OrgEnv>, error?: string) {
  const form = <UploadForm orgId={c.var.org.id} csrf={c.var.csrf} error={error} />;
  if (error) c.status(422);
  if (wantsFragment(c)) return c.render(form, {});
  return c.render(
    <>
      <h2>批量创建直属下级组织（Excel）</h2>
      {form}
    </>,
    { title: "批量创建下级组织", tab: "children" },
  );
}

const BATCH = "/:importId{[A-Za-z0-9_-]{16}}";

/** Routes /import… of the org app (mounted at /import: every one is the org's own admin's). */
export const importRoutes = new Hono<OrgEnv>()
  .use(guard("self"))
  .get("/template.xlsx", mayCreate, async (c) => {
    const { org } = c.var;
    return sendXlsx(c, await childTemplate(org), `${org.shortName}-批量创建下级组织模板.xlsx`);
  })
  .get("/", mayCreate, (c) => uploadPage(c))
  .post("/", mayCreate, form(uploadForm), async (c) => {
    const { org, db } = c.var;
    const file = c.req.valid("form").file;
    if (!(file instanceof File) || (file.size === 0 && !file.name)) {
      return uploadPage(c, "请选择要上传的 Excel 文件（.xlsx）。");
    }
    if (file.size > MAX_BYTES) return uploadPage(c, TOO_LARGE);
    const read = await c.var.sheets.readChildRows(new Uint8Array(await file.arrayBuffer()));
    if (!read.ok) return uploadPage(c, read.error);
    const rows = checkRows(org, read.value, await existingChildren(db, org.id));
    await breathe();
    const id = await saveImport(db, org.id, c.var.session.accountId, rows, c.var.now());
    if (!id) {
      return uploadPage(
        c,
        "文件内容过多，检查结果超过了可保存的上限，没有做任何修改。请分成几个文件分别上传。",
      );
    }
    return redirectAfterPost(c, `/orgs/${org.id}/import/${id}`);
  })
  .get(BATCH, batch, (c) => {
    const { org, imp } = c.var;
    const q = c.req.query("show");
    const show = q && q in SHOW ? q as keyof typeof SHOW : "all";
    const list = show === "all" ? imp.rows : imp.rows.filter((r) => r.status === show);
    const pages = Math.max(1, Math.ceil(list.length / PAGE));
    const page = pageParam(c.req.query("page"), pages);
    return c.render(
      <>
        <h2>批量创建直属下级组织：{imp.doneAt ? "导入结果" : "检查结果"}</h2>
        <ImportView
          orgId={org.id}
          importId={imp.id}
          csrf={c.var.csrf}
          done={imp.doneAt !== null}
          counts={countRows(imp.rows)}
          created={imp.rows.filter((r) => r.createdId).length}
          rows={list.slice((page - 1) * PAGE, page * PAGE)}
          show={show}
          page={page}
          pages={pages}
        />
      </>,
      { title: "批量创建", tab: "children" },
    );
  })
  .post(`${BATCH}/confirm`, batch, mayCreate, async (c) => {
    const { org, imp } = c.var;
    await breathe(); // reading back thousands of rows took a while
    // A second confirmation (double click, back button) finds the batch done and changes nothing.
    await confirmImport(c.var.db, imp, c.var.session.accountId, c.var.now());
    return redirectAfterPost(c, `/orgs/${org.id}/import/${imp.id}`);
  })
  .get(`${BATCH}/failures.xlsx`, batch, async (c) => {
    const { org, imp } = c.var;
    const failed = imp.rows.filter((r) => r.status === "error").map((r) => ({ ...r, reason: reasonText(r) }));
    return sendXlsx(c, await childTemplate(org, failed), `${org.shortName}-批量创建失败原因.xlsx`);
  });
