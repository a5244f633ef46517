/** The header and tabs of an org's pages. */
import { BRANCH, categoryOf } from "../lib/org_rules.ts";

/** What the org header shows. */
export interface OrgHead {
  id: number;
  shortName: string;
  fullName: string | null;
  category: number;
  level: number;
  childCount: number;
}

/** The tabs of an org's pages. */
export type OrgTab =
  | "overview"
  | "info"
  | "children"
  | "members"
  | "progress"
  | "tree"
  | "search"
  | "audit"
  | "export";

/** Tabs of an org; `self` names the tab 下级组织管理 for the org's own admin. */
export function OrgNav(
  { org, current, self }: { org: OrgHead; current: OrgTab; self: boolean },
) {
  const tabs: [OrgTab, string][] = [
    ["overview", `/orgs/${org.id}`],
    ["info", `/orgs/${org.id}/info`],
    ["children", `/orgs/${org.id}/children`],
    ["members", `/orgs/${org.id}/members`],
    ["progress", `/orgs/${org.id}/progress`],
    ["tree", `/tree/${org.id}`],
    ["search", `/orgs/${org.id}/search`],
    ["audit", `/orgs/${org.id}/audit`],
    ["export", `/orgs/${org.id}/export`],
  ];
  const labels: Record<OrgTab, string> = {
    overview: "概况",
    info: "组织信息",
    children: self ? "下级组织管理" : "下级组织",
    members: "团员",
    progress: "录入进度",
    tree: "组织树",
    search: "搜索",
    audit: "操作记录",
    export: "导出",
  };
  return (
    <header class="org-head">
      <h1>{org.shortName}</h1>
      <p class="muted">
        {org.fullName ?? "（未填写全称）"} · 第 {org.level} 级 · {categoryOf(org.category)?.label}
      </p>
      <nav aria-label="组织功能" class="tabs">
        {tabs.filter(([k]) =>
          k === "members"
            ? org.category === BRANCH
            : k !== "children" || categoryOf(org.category)?.mayHaveChildren
        ).map((
          [k, href],
        ) => (
          <a href={href} aria-current={k === current ? "page" : undefined}>
            {labels[k]}
          </a>
        ))}
      </nav>
    </header>
  );
}
