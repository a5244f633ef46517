/** Moving a subtree under another parent, by an admin of an ancestor of both (SPEC §7). */
import { Hono } from "hono";
import { Csrf, Field, FormErrors, Notice } from "../components/Form.tsx";
import { OrgNav } from "../components/OrgNav.tsx";
import { writeTx } from "../db/client.ts";
import { moveRefusal, moveSubtree } from "../db/move.ts";
import { getOrg, inSubtree } from "../db/orgs.ts";
import { searchOrgs, tooShort } from "../db/search.ts";
import type { Org } from "../db/schema.ts";
import { withTrails } from "./search.tsx";
import type { AppEnv } from "../middleware/env.ts";
import { guard } from "../middleware/guard.ts";
import { redirectAfterPost, render, renderError } from "../middleware/render.tsx";

/** Routes under /orgs/:id/move (the acting org is :id). */
export const move = new Hono<AppEnv>()
  .get("/:id{[0-9]+}/move", guard("self"), async (c) => {
    const acting = c.get("org");
    const db = c.get("db");
    if (!c.req.query("org")) {
      return renderError(
        c,
        400,
        "请选择要移动的组织",
        "请先打开要移动的下级组织，再点击“移动该组织到其他上级组织之下”。",
        {
          href: `/orgs/${acting.id}/children`,
          label: "下级组织列表",
        },
      );
    }
    const moved = await getOrg(db, Number(c.req.query("org")));
    if (!moved || moved.id === acting.id || !inSubtree(acting.path, moved.path)) {
      return renderError(c, 403, "无权操作", "只能移动本组织下级中的组织。");
    }
    const q = (c.req.query("q") ?? "").trim().slice(0, 30);
    const target = c.req.query("target") ? await getOrg(db, Number(c.req.query("target"))) : undefined;
    let refusal: string | null = null;
    if (target) refusal = moveRefusal(acting, moved, target, false);
    let hits: Awaited<ReturnType<typeof withTrails>> = [];
    let message: string | undefined;
    if (q && tooShort(q, acting.subOrgs)) message = "请至少输入两个字。";
    else if (q) {
      hits = await withTrails(db, acting, await searchOrgs(db, q, { rootPath: acting.path, limit: 20 }));
    }
    const base = `/orgs/${acting.id}/move?org=${moved.id}`;
    return render(
      c,
      `移动${moved.shortName}`,
      <>
        <OrgNav org={acting} current="children" self />
        <section class="narrow">
          <h2>移动组织：{moved.shortName}</h2>
          <p class="muted">将该组织及其全部 {moved.subOrgs - 1} 个下级组织移到新的上级组织之下。</p>
          {target && !refusal
            ? (
              <form method="post" action={`/orgs/${acting.id}/move`}>
                <Csrf token={c.get("csrf")} />
                <input type="hidden" name="org" value={String(moved.id)} />
                <input type="hidden" name="target" value={String(target.id)} />
                <Notice kind="warn">确认将“{moved.shortName}”移到“{target.shortName}”之下？</Notice>
                <Field label="原因" name="reason" maxlength={200} hint="将记入操作记录" />
                <button type="submit" class="primary">确认移动</button> <a href={base}>重新选择</a>
              </form>
            )
            : (
              <>
                <FormErrors errors={[refusal ?? undefined, message]} />
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
        </section>
      </>,
    );
  })
  .post("/:id{[0-9]+}/move", guard("self"), async (c) => {
    const acting: Org = c.get("org");
    const body = await c.req.parseBody();
    const movedId = Number(body.org), targetId = Number(body.target);
    const reason = String(body.reason ?? "").trim().slice(0, 200) || null;
    const refusal = await writeTx(
      c.get("db"),
      (tx) => moveSubtree(tx, acting, movedId, targetId, c.get("session")!.accountId, c.get("now")(), reason),
    );
    if (refusal) {
      return renderError(c, 409, "不能移动", refusal, {
        href: `/orgs/${acting.id}/move?org=${movedId}`,
        label: "返回",
      });
    }
    return redirectAfterPost(c, `/orgs/${movedId}?moved=1`);
  });
