/**
 * The 待办清单 of one org: the notice's four tasks (register an admin, fill in
 * the org's info, create the direct children, hand out their registration
 * codes) with their live state, and the countdown to the org's level's
 * deadline. A pure function of figures the overview reads cheaply (the org's
 * own row, one aggregate over its children, one code count), so another task
 * (e.g. members) is one more line in {@link todoItems}.
 */
import { deadlineDate, deadlineOf, type Schedule } from "./deadlines.ts";
import { BRANCH } from "./org_rules.ts";

/** One line of the list. */
export interface TodoItem {
  /** The task ("组织信息"). */
  label: string;
  /** Its live state ("已填 9/12 项"). */
  state: string;
  done: boolean;
  /** The screen that does it. */
  href: string;
}

/** What the list is built from. */
export interface TodoInput {
  org: { id: number; level: number; category: number; confirmed: boolean; adminCount: number };
  /** Required info fields filled and valid, of how many. */
  info: { filled: number; required: number };
  /**
   * Direct children: how many, how many lack a 团支部 beneath, how many were
   * given a code (or already have an admin), how many have an admin.
   */
  children: { count: number; noBranch: number; withCode: number; withAdmin: number };
  /** Stage two (SPEC §9): members in the subtree, and its 团支部 with members / all. */
  members?: { members: number; filled: number; branches: number };
}

/**
 * The four tasks of the notice (a 团支部 does only the first two), then stage two's members when given.
 * `self` is false when an admin above looks at the org's list: its links then go only to screens they may open
 * (the child list, not the form that creates a child, which is the org's own admins' to use).
 */
export function todoItems(
  { org, info, children, members }: TodoInput,
  { self }: { self: boolean },
): TodoItem[] {
  const base = `/orgs/${org.id}`;
  const items: TodoItem[] = [
    {
      label: "管理员注册",
      state: `已有 ${org.adminCount} 名管理员`,
      done: org.adminCount > 0,
      href: base,
    },
    {
      label: "组织信息",
      state: `${info.filled}/${info.required} 项${
        info.filled < info.required ? "" : org.confirmed ? "，已确认" : "，待确认"
      }`,
      done: info.filled >= info.required && org.confirmed,
      href: `${base}/info`,
    },
  ];
  if (org.category === BRANCH) return withMembers(items, org, members);
  items.push(
    {
      label: "创建直属下级",
      state: children.count === 0
        ? "尚未创建"
        : `直属下级 ${children.count} 个${children.noBranch ? `，${children.noBranch} 个缺团支部` : ""}`,
      done: children.count > 0 && children.noBranch === 0,
      href: children.count === 0 && self ? `${base}/children/new` : `${base}/children`,
    },
    {
      label: "注册码",
      state: `已发 ${children.withCode}/${children.count}，已注册 ${children.withAdmin}`,
      done: children.count > 0 && children.withCode >= children.count,
      href: `${base}/children`,
    },
  );
  return withMembers(items, org, members);
}

/** Stage two's line: "团员 N 人已录入" (and for a 团委, its 团支部 with members / all). */
function withMembers(items: TodoItem[], org: TodoInput["org"], m: TodoInput["members"]): TodoItem[] {
  if (!m) return items;
  const branch = org.category === BRANCH;
  items.push({
    label: "团员信息录入",
    state: branch
      ? `团员 ${m.members} 人已录入`
      : `团员 ${m.members} 人已录入，团支部 ${m.filled}/${m.branches} 个已录入`,
    done: branch ? m.members > 0 : m.branches > 0 && m.filled === m.branches,
    href: `/orgs/${org.id}/${branch ? "members" : "progress"}`,
  });
  return items;
}

/** The countdown to the level's deadline, in whole Beijing days. */
export interface Countdown {
  /** YYYY-MM-DD, Beijing time. */
  date: string;
  /** "还剩 5 天", "今天截止", "已过期 3 天". */
  text: string;
  overdue: boolean;
}

const DAY = 86_400_000;

/** How long until the deadline of `level` (the deadline is the end of its Beijing day). */
export function countdown(level: number, s: Schedule, now: Date): Countdown {
  const end = deadlineOf(level, s);
  const date = deadlineDate(level, s);
  const left = end.getTime() - now.getTime();
  if (left < 0) return { date, text: `已过期 ${Math.ceil(-left / DAY)} 天`, overdue: true };
  const days = Math.floor(left / DAY);
  return { date, text: days === 0 ? "今天截止" : `还剩 ${days} 天`, overdue: false };
}
