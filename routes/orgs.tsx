/**
 * An org's own page: the overview with its admins, and one-time password
 * reset codes for the same org's or a direct child's admins (SPEC §4).
 */
import { Hono } from "hono";
import { and, eq } from "drizzle-orm";
import { adminsOf, orgsOutside, sha256 } from "../db/accounts.ts";
import { audit } from "../db/audit.ts";
import { writeTx } from "../db/client.ts";
import { orgAdmins, resetCodes } from "../db/schema.ts";
import { formatTime } from "../components/Codes.tsx";
import { Notice } from "../components/Form.tsx";
import { OrgNav } from "../components/OrgNav.tsx";
import { OrgOverview } from "../components/OrgOverview.tsx";
import { generateCode } from "../lib/codes.ts";
import { maskMobile } from "../lib/mobile.ts";
import type { AppEnv } from "../middleware/env.ts";
import { guard } from "../middleware/guard.ts";
import { render, renderError } from "../middleware/render.tsx";

/** Reset codes are valid for 3 days. */
const RESET_TTL_MS = 3 * 86400_000;

/** Routes under /orgs. */
export const orgsRoutes = new Hono<AppEnv>()
  .get("/:id{[0-9]+}", guard("subtree"), async (c) => {
    const org = c.get("org");
    const session = c.get("session")!;
    const admins = await adminsOf(c.get("db"), org.id);
    const self = session.org.id === org.id;
    const canReset = self || org.parentId === session.org.id;
    return render(
      c,
      org.shortName,
      <>
        <OrgNav org={org} current="overview" self={self} />
        <OrgOverview
          org={org}
          csrf={c.get("csrf")}
          admins={admins.map((a) => ({
            ...a,
            mobile: maskMobile(a.mobile),
            me: a.accountId === session.accountId,
          }))}
          canReset={canReset}
        />
        {self ? null : (
          <p>
            <a href={`/orgs/${session.org.id}/move?org=${org.id}`}>移动该组织到其他上级组织之下</a>
          </p>
        )}
      </>,
    );
  })
  .post(
    "/:id{[0-9]+}/admins/:aid{[0-9]+}/reset",
    guard("self", "child"),
    async (c) => {
      const org = c.get("org");
      const db = c.get("db");
      const session = c.get("session")!;
      const accountId = Number(c.req.param("aid"));
      const [admin] = await db.select().from(orgAdmins).where(
        and(eq(orgAdmins.orgId, org.id), eq(orgAdmins.accountId, accountId)),
      );
      if (!admin) {
        return renderError(
          c,
          404,
          "管理员不存在",
          "该组织没有这名管理员。",
        );
      }
      if (accountId === session.accountId) {
        return renderError(
          c,
          403,
          "无权操作",
          "不能为自己生成重置码，请联系本组织其他管理员或上级组织管理员。",
        );
      }
      // The reset rule (README "Security"): never a way into orgs outside the issuer's subtree.
      const outside = await orgsOutside(db, accountId, session.org.id);
      if (outside.length) {
        return renderError(
          c,
          403,
          "不能生成重置码",
          `该管理员还管理着“${
            outside.map((o) => o.shortName).join("、")
          }”，不在本组织管辖范围内。为保护这些组织，请由能管辖其所有组织的上级组织管理员生成重置码。`,
        );
      }
      const now = c.get("now")();
      const code = generateCode() + generateCode();
      const expiresAt = new Date(now.getTime() + RESET_TTL_MS);
      await writeTx(db, async (tx) => {
        await tx.insert(resetCodes).values({
          accountId,
          codeHash: sha256(code),
          issuedBy: session.accountId,
          issuerOrgId: session.org.id,
          createdAt: now,
          expiresAt,
        });
        await audit(tx, {
          org,
          actorId: session.accountId,
          action: "password.reset_issued",
          detail: { accountId },
          at: now,
        });
      });
      return render(
        c,
        "密码重置码",
        <section class="narrow">
          <Notice>
            密码重置码：<code class="code" translate="no">{code}</code>
            <br />
            有效期至 {formatTime(
              expiresAt,
            )}（北京时间），只能使用一次，本页关闭后不再显示。请将其告知该管理员，由其在
            <a href="/password/reset">重置密码</a>页面使用。
          </Notice>
          <p>
            <a href={`/orgs/${org.id}`}>返回</a>
          </p>
        </section>,
      );
    },
  );
