/**
 * Drizzle schema. camelCase keys in TypeScript, snake_case columns in SQL.
 *
 * The org tree is stored as an adjacency list (`parent_id`) plus a
 * materialised path (`/1/17/342/`) so a whole subtree is one indexed range
 * scan (`path >= p AND path < p'`). Each org carries roll-up counters over
 * its subtree (itself included) that every write keeps exact, so progress
 * views never walk the tree.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { flagSql } from "../lib/structure.ts";
import { BRANCH } from "../lib/org_rules.ts";

const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" }).notNull().default(
    sql`(unixepoch('subsec') * 1000)`,
  );

/** Organisations: the tree itself. */
export const orgs = sqliteTable("orgs", {
  id: integer("id").primaryKey(),
  parentId: integer("parent_id"),
  level: integer("level").notNull(),
  path: text("path").notNull(),
  sortOrder: integer("sort_order").notNull().default(0),
  shortName: text("short_name").notNull(),
  fullName: text("full_name"),
  category: integer("category").notNull(),
  industry: text("industry"),
  phone: text("phone"),
  email: text("email"),
  adminQuota: integer("admin_quota"),
  adminActual: integer("admin_actual"),
  instQuota: integer("inst_quota"),
  instActual: integer("inst_actual"),
  secretaryName: text("secretary_name"),
  secretaryIdNumber: text("secretary_id_number"),
  secretaryMobile: text("secretary_mobile"),
  /** Set by the seed for the initialised levels 1–4. */
  initialised: integer("initialised", { mode: "boolean" }).notNull().default(
    false,
  ),
  /** When the org's own admin confirmed its info (locks names and category). */
  confirmedAt: integer("confirmed_at", { mode: "timestamp_ms" }),
  createdAt: createdAt(),
  /** When the org's own info last changed (a save of the values already stored leaves it). */
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }),

  // Own flags (0/1), derived from the row on every write.
  infoComplete: integer("info_complete").notNull().default(0),
  badName: integer("bad_name").notNull().default(0),
  adminCount: integer("admin_count").notNull().default(0),
  childCount: integer("child_count").notNull().default(0),

  // Subtree roll-ups, the org itself included.
  subOrgs: integer("sub_orgs").notNull().default(1),
  subWithAdmin: integer("sub_with_admin").notNull().default(0),
  subComplete: integer("sub_complete").notNull().default(0),
  subBranches: integer("sub_branches").notNull().default(0),
  /** 团委/团工委/团总支 (and leading bodies) with no 团支部 beneath. */
  subNoBranch: integer("sub_no_branch").notNull().default(0),
  /** Leaves that are not a 团支部. */
  subBadLeaf: integer("sub_bad_leaf").notNull().default(0),
  subBadName: integer("sub_bad_name").notNull().default(0),

  // Members (SPEC §9): own counts of a 团支部, and subtree roll-ups (lib/member_counters.ts).
  memberCount: integer("member_count").notNull().default(0),
  /** Members 应办理离团 as of the last daily roll (see db/members.ts rollDue). */
  dueCount: integer("due_count").notNull().default(0),
  subMembers: integer("sub_members").notNull().default(0),
  /** 团支部 with at least one member (空心团支部 = sub_branches − this). */
  subFilled: integer("sub_filled").notNull().default(0),
  /** 团支部 with 1–2 members. */
  subSmall: integer("sub_small").notNull().default(0),
  /** 团支部 with more than 50 members. */
  subLarge: integer("sub_large").notNull().default(0),
  subDue: integer("sub_due").notNull().default(0),
  subMembersW1: integer("sub_members_w1").notNull().default(0),
  subMembersW2: integer("sub_members_w2").notNull().default(0),
  subFilledW1: integer("sub_filled_w1").notNull().default(0),
  subFilledW2: integer("sub_filled_w2").notNull().default(0),
  subBranchesW1: integer("sub_branches_w1").notNull().default(0),
  subBranchesW2: integer("sub_branches_w2").notNull().default(0),
}, (t) => [
  uniqueIndex("orgs_path_uq").on(t.path),
  index("orgs_parent_sort_idx").on(t.parentId, t.sortOrder),
  uniqueIndex("orgs_parent_name_uq").on(t.parentId, t.shortName),
  index("orgs_short_name_idx").on(t.shortName),
  // Partial indexes: the problem lists of a subtree are range scans over these alone.
  index("orgs_no_admin_idx").on(t.path).where(sql`admin_count = 0`),
  index("orgs_bad_name_idx").on(t.path).where(sql`bad_name = 1`),
  index("orgs_no_branch_idx").on(t.path).where(sql.raw(flagSql("noBranch"))),
  index("orgs_bad_leaf_idx").on(t.path).where(sql.raw(flagSql("badLeaf"))),
  // Branch-size problem lists (members).
  index("orgs_empty_branch_idx").on(t.path).where(sql.raw(`category = ${BRANCH} AND member_count = 0`)),
  index("orgs_small_branch_idx").on(t.path).where(
    sql.raw(`category = ${BRANCH} AND member_count BETWEEN 1 AND 2`),
  ),
  index("orgs_large_branch_idx").on(t.path).where(sql.raw(`category = ${BRANCH} AND member_count > 50`)),
  index("orgs_due_idx").on(t.path).where(sql`due_count > 0`),
]);

/** People. One account per 身份证号码. */
export const accounts = sqliteTable("accounts", {
  id: integer("id").primaryKey(),
  name: text("name").notNull(),
  idNumber: text("id_number").notNull().unique(),
  mobile: text("mobile").notNull().unique(),
  joinedYm: text("joined_ym").notNull(),
  passwordHash: text("password_hash").notNull(),
  createdAt: createdAt(),
});

/** Which account administers which org, and in which 团内职务. */
export const orgAdmins = sqliteTable("org_admins", {
  accountId: integer("account_id").notNull().references(() => accounts.id),
  orgId: integer("org_id").notNull().references(() => orgs.id),
  position: text("position").notNull(),
  codeId: integer("code_id"),
  createdAt: createdAt(),
}, (t) => [
  primaryKey({ columns: [t.accountId, t.orgId] }),
  index("org_admins_org_idx").on(t.orgId),
]);

/** 管理员注册码: single use, 20 days. */
export const regCodes = sqliteTable("reg_codes", {
  id: integer("id").primaryKey(),
  orgId: integer("org_id").notNull().references(() => orgs.id),
  code: text("code").notNull().unique(),
  issuedBy: integer("issued_by"),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  usedAt: integer("used_at", { mode: "timestamp_ms" }),
  usedBy: integer("used_by"),
}, (t) => [index("reg_codes_org_idx").on(t.orgId, t.expiresAt)]);

/** Server-side sessions; the cookie holds only the random id. */
export const sessions = sqliteTable("sessions", {
  id: text("id").primaryKey(),
  accountId: integer("account_id").notNull().references(() => accounts.id),
  orgId: integer("org_id").notNull(),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  /** Last request seen (updated at most every few minutes); idle sessions end (db/accounts.ts). */
  lastSeenAt: integer("last_seen_at", { mode: "timestamp_ms" }),
  /** The CSRF token bound to this session (a new one at every sign-in). */
  csrf: text("csrf"),
}, (t) => [index("sessions_account_idx").on(t.accountId)]);

/**
 * Attempt budgets (password checks, code guesses), shared by every instance:
 * `hits` in the window that started at `window_start`; past the limit one
 * attempt per delay is still let through (`next_at`), `granted` says whether
 * the last reservation was.
 */
export const throttles = sqliteTable("throttles", {
  key: text("key").primaryKey(),
  hits: integer("hits").notNull(),
  windowStart: integer("window_start").notNull(),
  nextAt: integer("next_at").notNull().default(0),
  granted: integer("granted").notNull().default(1),
}, (t) => [index("throttles_window_idx").on(t.windowStart)]);

/** One-time password reset codes issued by a same-level or parent admin. */
export const resetCodes = sqliteTable("reset_codes", {
  id: integer("id").primaryKey(),
  accountId: integer("account_id").notNull().references(() => accounts.id),
  codeHash: text("code_hash").notNull().unique(),
  issuedBy: integer("issued_by").notNull(),
  /** The org the issuer acted for: the code restores access only within its subtree (README "Security"). */
  issuerOrgId: integer("issuer_org_id"),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  usedAt: integer("used_at", { mode: "timestamp_ms" }),
});

/** Who changed what, when. `path` is the org's path at the time. */
export const auditLog = sqliteTable("audit_log", {
  id: integer("id").primaryKey(),
  orgId: integer("org_id").notNull(),
  path: text("path").notNull(),
  actorId: integer("actor_id"),
  action: text("action").notNull(),
  detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>(),
  reason: text("reason"),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
}, (t) => [index("audit_org_idx").on(t.orgId, t.id)]);

/** Key/value settings (campaign deadlines per level). */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value", { mode: "json" }).$type<unknown>().notNull(),
});

/**
 * 团员 (SPEC §9): one row per person nationally (unique 身份证号码), in exactly
 * one 团支部. 性别 and 出生日期 are read from the ID number, not stored.
 */
export const members = sqliteTable("members", {
  id: integer("id").primaryKey(),
  orgId: integer("org_id").notNull(),
  name: text("name").notNull(),
  idNumber: text("id_number").notNull(),
  ethnicity: text("ethnicity").notNull(),
  political: text("political").notNull(),
  joinedYm: text("joined_ym").notNull(),
  eduFull: text("edu_full").notNull(),
  eduHighest: text("edu_highest"),
  mobile: text("mobile").notNull(),
  memberNo: text("member_no"),
  occupation: text("occupation"),
  employer: text("employer"),
  hukou: text("hukou"),
  partyYm: text("party_ym"),
  position: text("position"),
  email: text("email"),
  /** The day the member turns 28 (YYYYMMDD). */
  leaveOn: integer("leave_on").notNull(),
  /** 1 when counted as 应办理离团 (28 reached by the last roll and no 团内职务). */
  due: integer("due").notNull().default(0),
  createdAt: createdAt(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }),
}, (t) => [
  uniqueIndex("members_id_number_uq").on(t.idNumber),
  uniqueIndex("members_member_no_uq").on(t.memberNo),
  index("members_org_idx").on(t.orgId, t.id),
  // The daily roll finds who turned 28 since the last one here.
  index("members_leave_idx").on(t.leaveOn).where(sql`due = 0 AND position IS NULL`),
]);

/** Parsed Excel uploads waiting for the admin's confirmation. */
export const imports = sqliteTable("imports", {
  id: text("id").primaryKey(),
  orgId: integer("org_id").notNull(),
  accountId: integer("account_id").notNull(),
  rows: text("rows", { mode: "json" }).$type<unknown[]>().notNull(),
  /** What the batch creates: direct children ("children") or a branch's members ("members"). */
  kind: text("kind").notNull().default("children"),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  doneAt: integer("done_at", { mode: "timestamp_ms" }),
}, (t) => [
  // Dropping week-old batches reads this index, not every batch's rows (a scan walked megabytes of JSON).
  index("imports_created_idx").on(t.createdAt),
]);

/**
 * 进度快照: an org's figures on one Beijing date, for the twice-weekly 通报
 * (change since the last report, ranking with movement, rate over time).
 * Every org of levels 1–4 is taken daily (db/snapshots.ts); an admin may
 * take its org and direct children on demand. One row per org and date.
 */
export const progressSnapshots = sqliteTable("progress_snapshots", {
  /** The Beijing calendar date (YYYY-MM-DD). */
  day: text("day").notNull(),
  orgId: integer("org_id").notNull(),
  parentId: integer("parent_id"),
  level: integer("level").notNull(),
  sortOrder: integer("sort_order").notNull(),
  shortName: text("short_name").notNull(),
  adminCount: integer("admin_count").notNull(),
  infoComplete: integer("info_complete").notNull(),
  subOrgs: integer("sub_orgs").notNull(),
  subWithAdmin: integer("sub_with_admin").notNull(),
  subComplete: integer("sub_complete").notNull(),
  subNoBranch: integer("sub_no_branch").notNull(),
  subBadLeaf: integer("sub_bad_leaf").notNull(),
  takenAt: integer("taken_at", { mode: "timestamp_ms" }).notNull(),
}, (t) => [
  primaryKey({ columns: [t.orgId, t.day] }),
  index("progress_snapshots_parent_idx").on(t.parentId, t.day),
  index("progress_snapshots_day_idx").on(t.day),
]);

/** Row types. */
export type Org = typeof orgs.$inferSelect;
export type NewOrg = typeof orgs.$inferInsert;
export type Account = typeof accounts.$inferSelect;
export type Member = typeof members.$inferSelect;
export type NewMember = typeof members.$inferInsert;

/**
 * The data version (one row, id 1): every write transaction adds one. Instances sample it to drop
 * their read caches, so a write on one instance (a sign-out) is seen by the others' caches; SQLite's
 * `PRAGMA data_version` never moves over a libSQL server connection.
 */
export const dataVersion = sqliteTable("data_version", {
  id: integer("id").primaryKey(),
  version: integer("version").notNull().default(0),
});

/**
 * Id sequences for rows whose ids are needed before they are inserted (an org's path contains
 * its id): `reserveIds` takes a block with one UPDATE … RETURNING, so two writers can never both
 * take the same ids (no `max(id) + 1`).
 */
export const idSequences = sqliteTable("id_sequences", {
  name: text("name").primaryKey(),
  next: integer("next").notNull(),
});

/**
 * Rows of a long write waiting for its short final transaction (db/staging.ts): each `body` is a JSON
 * array of up to 500 rows for the table `target` (each row an array of column values), or a piece of a
 * long text. Written in short transactions before the final one, which copies them into place with
 * `INSERT … SELECT` and deletes them; a failed write deletes its stage, and stages older than a day
 * (a process that died in between) are dropped by the next long write.
 */
export const stagedRows = sqliteTable("staged_rows", {
  stage: text("stage").notNull(),
  target: text("target").notNull(),
  seq: integer("seq").notNull(),
  body: text("body").notNull(),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
}, (t) => [
  primaryKey({ columns: [t.stage, t.target, t.seq] }),
  index("staged_rows_created_idx").on(t.createdAt),
]);

/**
 * Moved subtrees whose name-index rows (org_name_grams, keyed by path) still
 * carry the paths from before the move: a move commits the tree in one short
 * transaction and queues its root here; db/search.ts `catchUpNames` then
 * rewrites the index in short transactions of its own and removes the row.
 * `generation` grows when the same subtree moves again before that finishes,
 * so a catch-up that started earlier does not remove the newer move's row.
 */
export const nameIndexDue = sqliteTable("name_index_due", {
  orgId: integer("org_id").primaryKey(),
  generation: integer("generation").notNull().default(0),
  queuedAt: integer("queued_at", { mode: "timestamp_ms" }).notNull(),
});
