/**
 * Batch creation of direct children from Excel (SPEC §5): the template, upload
 * and check, a preview of every row, confirmation in one transaction, and the
 * failure report that can be fixed and uploaded again.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ImportView, SHOW, UploadForm } from "../components/Import.tsx";
import { OrgNav } from "../components/OrgNav.tsx";
import { pageParam } from "../components/Pager.tsx";
import { breathe, writeTx } from "../db/client.ts";
import { confirmImport, existingChildren, loadImport, saveImport } from "../db/imports.ts";
import type { Org } from "../db/schema.ts";
import { checkRows, countRows, reasonText } from "../lib/import_rows.ts";
import { childTemplate, MAX_BYTES } from "../lib/import_xlsx.ts";
import { categoryOf } from "../lib/org_rules.ts";
import { attachment, XLSX_TYPE } from "../lib/xlsx.ts";
import type { AppEnv } from "../middleware/env.ts";
import { guard } from "../middleware/guard.ts";
import { redirectAfterPost, render, renderError, wantsFragment } from "../middleware/render.tsx";

/** Rows per page of the preview. */
const PAGE = 500;

const TOO_LARGE = "上传的文件超过 5 MB 的上限，没有做任何修改。请把数据分成几个文件分别上传。";

/**
 * Refuses request bodies well beyond the 5 MB file limit before anything reads
 * them (mounted in app.ts ahead of the CSRF check, which parses plain forms).
 */
export const uploadLimit = bodyLimit({
  maxSize: MAX_BYTES + 512 * 1024,
  onError: (c) => renderError(c as Context<AppEnv>, 400, "文件太大", TOO_LARGE),
});

/** Refuses batch pages for a 团支部. */
function refuseBranch(c: Context<AppEnv>, org: Org) {
  return renderError(c, 403, "不能创建下级", `“${org.shortName}”是团支部，团支部不能有下级组织。`);
}

/** The upload page (or, for htmx, just the form). */
function uploadPage(c: Context<AppEnv>, error?: string) {
  const org = c.get("org");
  const form = <UploadForm orgId={org.id} csrf={c.get("csrf")} error={error} />;
  const status = error ? 422 : 200;
  if (wantsFragment(c)) return render(c, "批量创建", form, status);
  return render(
    c,
    `${org.shortName} · 批量创建下级组织`,
    <>
      <OrgNav org={org} current="children" self />
      <h2>批量创建直属下级组织（Excel）</h2>
      {form}
    </>,
    status,
  );
}

const missing = (c: Context<AppEnv>) =>
  renderError(c, 404, "导入批次不存在", "该导入批次不存在或已过期（保留 7 天），请重新上传文件。", {
    href: `/orgs/${c.get("org").id}/import`,
    label: "重新上传",
  });

/** An import id (16 base64url characters). */
const ID = "{[A-Za-z0-9_-]{16}}";

/** Routes under /orgs/:id/import. */
export const importRoutes = new Hono<AppEnv>()
  .get("/:id{[0-9]+}/import/template.xlsx", guard("self"), async (c) => {
    const org = c.get("org");
    if (!categoryOf(org.category)?.mayHaveChildren) return refuseBranch(c, org);
    return c.body(await childTemplate(org), 200, {
      "Content-Type": XLSX_TYPE,
      "Content-Disposition": attachment(`${org.shortName}-批量创建下级组织模板.xlsx`),
      "Cache-Control": "no-store",
    });
  })
  .get("/:id{[0-9]+}/import", guard("self"), (c) => {
    const org = c.get("org");
    if (!categoryOf(org.category)?.mayHaveChildren) return refuseBranch(c, org);
    return uploadPage(c);
  })
  .post("/:id{[0-9]+}/import", guard("self"), async (c) => {
    const org = c.get("org");
    const db = c.get("db");
    if (!categoryOf(org.category)?.mayHaveChildren) return refuseBranch(c, org);
    const file = (await c.req.parseBody()).file;
    if (!(file instanceof File) || (file.size === 0 && !file.name)) {
      return uploadPage(c, "请选择要上传的 Excel 文件（.xlsx）。");
    }
    if (file.size > MAX_BYTES) return uploadPage(c, TOO_LARGE);
    const read = await c.get("sheets").readChildRows(new Uint8Array(await file.arrayBuffer()));
    if (!read.ok) return uploadPage(c, read.error);
    const rows = checkRows(org, read.value, await existingChildren(db, org.id));
    await breathe();
    const id = await saveImport(db, org.id, c.get("session")!.accountId, rows, c.get("now")());
    return redirectAfterPost(c, `/orgs/${org.id}/import/${id}`);
  })
  .get(`/:id{[0-9]+}/import/:importId${ID}`, guard("self"), async (c) => {
    const org = c.get("org");
    const imp = await loadImport(c.get("db"), org.id, c.req.param("importId"));
    if (!imp) return missing(c);
    const q = c.req.query("show");
    const show = q && q in SHOW ? q as keyof typeof SHOW : "all";
    const list = show === "all" ? imp.rows : imp.rows.filter((r) => r.status === show);
    const pages = Math.max(1, Math.ceil(list.length / PAGE));
    const page = pageParam(c.req.query("page"), pages);
    return render(
      c,
      `${org.shortName} · 批量创建`,
      <>
        <OrgNav org={org} current="children" self />
        <h2>批量创建直属下级组织：{imp.doneAt ? "导入结果" : "检查结果"}</h2>
        <ImportView
          orgId={org.id}
          importId={imp.id}
          csrf={c.get("csrf")}
          done={imp.doneAt !== null}
          counts={countRows(imp.rows)}
          created={imp.rows.filter((r) => r.createdId).length}
          rows={list.slice((page - 1) * PAGE, page * PAGE)}
          show={show}
          page={page}
          pages={pages}
        />
      </>,
    );
  })
  .post(`/:id{[0-9]+}/import/:importId${ID}/confirm`, guard("self"), async (c) => {
    const org = c.get("org");
    const imp = await loadImport(c.get("db"), org.id, c.req.param("importId"));
    if (!imp) return missing(c);
    if (!categoryOf(org.category)?.mayHaveChildren) return refuseBranch(c, org);
    await breathe(); // reading back thousands of rows took a while
    const now = c.get("now")();
    // A second confirmation (double click, back button) finds the batch done and changes nothing.
    await writeTx(c.get("db"), (tx) => confirmImport(tx, imp, c.get("session")!.accountId, now));
    return redirectAfterPost(c, `/orgs/${org.id}/import/${imp.id}`);
  })
  .get(`/:id{[0-9]+}/import/:importId${ID}/failures.xlsx`, guard("self"), async (c) => {
    const org = c.get("org");
    const imp = await loadImport(c.get("db"), org.id, c.req.param("importId"));
    if (!imp) return missing(c);
    const failed = imp.rows.filter((r) => r.status === "error").map((r) => ({ ...r, reason: reasonText(r) }));
    return c.body(await childTemplate(org, failed), 200, {
      "Content-Type": XLSX_TYPE,
      "Content-Disposition": attachment(`${org.shortName}-批量创建失败原因.xlsx`),
      "Cache-Control": "no-store",
    });
  });
