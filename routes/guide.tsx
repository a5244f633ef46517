/** 操作指南 (the notice's 附件), readable by anyone, signed in or not; the campaign's dates from the schedule. */
import { Hono } from "hono";
import { Guide } from "../components/Guide.tsx";
import { getSchedule } from "../db/progress.ts";
import { deadlineDate } from "../lib/deadlines.ts";
import type { AppEnv } from "../middleware/env.ts";
import { render } from "../middleware/render.tsx";

/** Route /guide. */
export const guide = new Hono<AppEnv>()
  .get("/guide", async (c) => {
    const schedule = await getSchedule(c.var.db, c.var.now());
    const deadlines = ([2, 3, 4, 5, 6] as const).map((l) => ({
      level: l === 6 ? "第六级及以下" : `第${"二三四五"[l - 2]}级`,
      date: deadlineDate(l, schedule),
    }));
    return render(c, "操作指南", <Guide deadlines={deadlines} />);
  });
