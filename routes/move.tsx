/** Moving a subtree under another parent, by an admin of an ancestor of both (SPEC §7). */
import { Hono } from "hono";
import { z } from "zod";
import { Csrf, Field, FormErrors, Notice } from "../components/Form.tsx";
import { isBusy, writeTx } from "../db/client.ts";
import { moveRefusal, moveSubtree } from "../db/move.ts";
import { getOrg, inSubtree } from "../db/orgs.ts";
import { catchUpNames, searchOrgs, tooShort, withTrails } from "../db/search.ts";
import type { OrgEnv } from "../middleware/env.ts";
import { guard } from "../middleware/guard.ts";
import { redirectAfterPost, renderError } from "../middleware/render.tsx";
import { form, optionalId, query, trimmed } from "../middleware/validate.ts";

/** How long a move's answer waits for the name index to catch up (db/search.ts). */
const CATCH_UP_WAIT_MS = 2_000;

/** The chooser's query: the org to move, the words searched for a new parent, the parent picked. */
const chooseQuery = z.object({
  org: z.string().optional().catch(undefined),
  q: trimmed(30).catch(""),
  target: optionalId.catch(undefined),
});

/** The confirmation form. */
const moveForm = z.object({
  org: optionalId,
  target: optionalId,
  reason: trimmed(200),
});

/** Routes /move of the org app (the acting org is the one in the URL). */
export const move = new Hono<OrgEnv>()
  .get("/move", guard("self"), query(chooseQuery), async (c) => {
    const { org: acting, db } = c.var;
    const { org: movedId, q, target: targetId } = c.req.valid("query");
    if (!movedId) {
      return renderError(
        c,
        400,
        "请选择要移动的组织",
        "请先打开要移动的下级组织，再点击“移动该组织到其他上级组织之下”。",
        { href: `/orgs/${acting.id}/children`, label: "下级组织列表" },
      );
    }
    const moved = await getOrg(db, Number(movedId));
    if (!moved || moved.id === acting.id || !inSubtree(acting.path, moved.path)) {
      return renderError(c, 403, "无权操作", "只能移动本组织下级中的组织。");
    }
    const target = targetId ? await getOrg(db, targetId) : undefined;
    const refusal = target ? moveRefusal(acting, moved, target, false) : null;
    const short = q !== "" && tooShort(q, acting.subOrgs);
    const hits = q && !short
      ? await withTrails(db, await searchOrgs(db, q, { rootPath: acting.path, limit: 20 }), acting.level)
      : [];
    const base = `/orgs/${acting.id}/move?org=${moved.id}`;
    return c.render(
      <section class="narrow">
        <h2>移动组织：{moved.shortName}</h2>
        <p class="muted">将该组织及其全部 {moved.subOrgs - 1} 个下级组织移到新的上级组织之下。</p>
        {target && !refusal
          ? (
            <form method="post" action={`/orgs/${acting.id}/move`}>
              <Csrf token={c.var.csrf} />
              <input type="hidden" name="org" value={String(moved.id)} />
              <input type="hidden" name="target" value={String(target.id)} />
              <Notice kind="warn">确认将“{moved.shortName}”移到“{target.shortName}”之下？</Notice>
              <Field label="原因" name="reason" maxlength={200} hint="将记入操作记录" />
              <button type="submit" class="primary">确认移动</button> <a href={base}>重新选择</a>
            </form>
          )
          : (
            <>
              <FormErrors errors={[refusal ?? undefined, short ? "请至少输入两个字。" : undefined]} />
              <form method="get" action={`/orgs/${acting.id}/move`} role="search">
                <input type="hidden" name="org" value={String(moved.id)} />
                <Field label="搜索新的上级组织（本组织及下级）" name="q" value={q} />
                <button type="submit">搜索</button>
              </form>
              <ol class="results">
                {hits.map((h) => (
                  <li>
                    <a href={`${base}&target=${h.id}`}>移到 {h.shortName} 之下</a>
                    <br />
                    <small class="muted">{h.trail}</small>
                  </li>
                ))}
              </ol>
            </>
          )}
      </section>,
      { title: `移动${moved.shortName}`, tab: "children" },
    );
  })
  .post("/move", guard("self"), form(moveForm), async (c) => {
    const { org: acting } = c.var;
    const { org: movedId = NaN, target: targetId = NaN, reason } = c.req.valid("form");
    let refusal: string | null;
    try {
      refusal = await writeTx(
        c.var.db,
        (tx) =>
          moveSubtree(tx, acting, movedId, targetId, c.var.session.accountId, c.var.now(), reason || null),
      );
    } catch (e) {
      if (!isBusy(e)) throw e;
      // One transaction that rewrites every path of the subtree: a big one may not finish while other
      // regions write (README "Regional deployment"). Nothing was moved.
      const moved = await getOrg(c.var.db, movedId);
      c.header("Retry-After", "60");
      return renderError(
        c,
        503,
        "暂时无法移动",
        `移动“${moved?.shortName ?? ""}”（含 ${
          (moved?.subOrgs ?? 1) - 1
        } 个下级组织）需要较长时间，而数据库正忙，本次没有移动，也没有做任何修改。请稍后在业务较少的时段重试。`,
        { href: `/orgs/${acting.id}/move?org=${movedId}`, label: "返回" },
      );
    }
    if (refusal) {
      return renderError(c, 409, "不能移动", refusal, {
        href: `/orgs/${acting.id}/move?org=${movedId}`,
        label: "返回",
      });
    }
    // The name index follows in short transactions of its own (search checks current paths meanwhile). The
    // answer waits for it up to CATCH_UP_WAIT_MS; a bigger subtree's carries on after the answer, and one cut
    // short by a restart is finished by the next run (main.ts runs it every 10 minutes).
    const catchUp = catchUpNames(c.var.db).then(
      () => true,
      (e) => console.error(`name index catch-up after a move: ${e}`),
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = await Promise.race([catchUp, new Promise((r) => timer = setTimeout(r, CATCH_UP_WAIT_MS))]);
    clearTimeout(timer);
    return redirectAfterPost(c, `/orgs/${movedId}?moved=1${done ? "" : "&indexing=1"}#result`);
  });
