CREATE TABLE `members` (
	`id` integer PRIMARY KEY NOT NULL,
	`org_id` integer NOT NULL,
	`name` text NOT NULL,
	`id_number` text NOT NULL,
	`ethnicity` text NOT NULL,
	`political` text NOT NULL,
	`joined_ym` text NOT NULL,
	`edu_full` text NOT NULL,
	`edu_highest` text,
	`mobile` text NOT NULL,
	`member_no` text,
	`occupation` text,
	`employer` text,
	`hukou` text,
	`party_ym` text,
	`position` text,
	`email` text,
	`leave_on` integer NOT NULL,
	`due` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `members_id_number_uq` ON `members` (`id_number`);--> statement-breakpoint
CREATE UNIQUE INDEX `members_member_no_uq` ON `members` (`member_no`);--> statement-breakpoint
CREATE INDEX `members_org_idx` ON `members` (`org_id`,`id`);--> statement-breakpoint
CREATE INDEX `members_leave_idx` ON `members` (`leave_on`) WHERE due = 0 AND position IS NULL;--> statement-breakpoint
ALTER TABLE `imports` ADD `kind` text DEFAULT 'children' NOT NULL;--> statement-breakpoint
ALTER TABLE `orgs` ADD `member_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `orgs` ADD `due_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `orgs` ADD `sub_members` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `orgs` ADD `sub_filled` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `orgs` ADD `sub_small` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `orgs` ADD `sub_large` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `orgs` ADD `sub_due` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `orgs` ADD `sub_members_w1` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `orgs` ADD `sub_members_w2` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `orgs` ADD `sub_filled_w1` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `orgs` ADD `sub_filled_w2` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `orgs` ADD `sub_branches_w1` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `orgs` ADD `sub_branches_w2` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `orgs_empty_branch_idx` ON `orgs` (`path`) WHERE category = 5 AND member_count = 0;--> statement-breakpoint
CREATE INDEX `orgs_small_branch_idx` ON `orgs` (`path`) WHERE category = 5 AND member_count BETWEEN 1 AND 2;--> statement-breakpoint
CREATE INDEX `orgs_large_branch_idx` ON `orgs` (`path`) WHERE category = 5 AND member_count > 50;--> statement-breakpoint
CREATE INDEX `orgs_due_idx` ON `orgs` (`path`) WHERE due_count > 0;