CREATE TABLE `accounts` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`id_number` text NOT NULL,
	`mobile` text NOT NULL,
	`joined_ym` text NOT NULL,
	`password_hash` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_id_number_unique` ON `accounts` (`id_number`);--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_mobile_unique` ON `accounts` (`mobile`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY NOT NULL,
	`org_id` integer NOT NULL,
	`path` text NOT NULL,
	`actor_id` integer,
	`action` text NOT NULL,
	`detail` text,
	`reason` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_org_idx` ON `audit_log` (`org_id`,`id`);--> statement-breakpoint
CREATE TABLE `imports` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` integer NOT NULL,
	`account_id` integer NOT NULL,
	`rows` text NOT NULL,
	`created_at` integer NOT NULL,
	`done_at` integer
);
--> statement-breakpoint
CREATE TABLE `org_admins` (
	`account_id` integer NOT NULL,
	`org_id` integer NOT NULL,
	`position` text NOT NULL,
	`code_id` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`account_id`, `org_id`),
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `org_admins_org_idx` ON `org_admins` (`org_id`);--> statement-breakpoint
CREATE TABLE `orgs` (
	`id` integer PRIMARY KEY NOT NULL,
	`parent_id` integer,
	`level` integer NOT NULL,
	`path` text NOT NULL,
	`sort_order` integer DEFAULT 0 NOT NULL,
	`short_name` text NOT NULL,
	`full_name` text,
	`category` integer NOT NULL,
	`industry` text,
	`phone` text,
	`email` text,
	`admin_quota` integer,
	`admin_actual` integer,
	`inst_quota` integer,
	`inst_actual` integer,
	`secretary_name` text,
	`secretary_id_number` text,
	`secretary_mobile` text,
	`initialised` integer DEFAULT false NOT NULL,
	`confirmed_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer,
	`info_complete` integer DEFAULT 0 NOT NULL,
	`bad_name` integer DEFAULT 0 NOT NULL,
	`admin_count` integer DEFAULT 0 NOT NULL,
	`child_count` integer DEFAULT 0 NOT NULL,
	`sub_orgs` integer DEFAULT 1 NOT NULL,
	`sub_with_admin` integer DEFAULT 0 NOT NULL,
	`sub_complete` integer DEFAULT 0 NOT NULL,
	`sub_branches` integer DEFAULT 0 NOT NULL,
	`sub_no_branch` integer DEFAULT 0 NOT NULL,
	`sub_bad_leaf` integer DEFAULT 0 NOT NULL,
	`sub_bad_name` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `orgs_path_uq` ON `orgs` (`path`);--> statement-breakpoint
CREATE INDEX `orgs_parent_sort_idx` ON `orgs` (`parent_id`,`sort_order`);--> statement-breakpoint
CREATE UNIQUE INDEX `orgs_parent_name_uq` ON `orgs` (`parent_id`,`short_name`);--> statement-breakpoint
CREATE INDEX `orgs_short_name_idx` ON `orgs` (`short_name`);--> statement-breakpoint
CREATE TABLE `reg_codes` (
	`id` integer PRIMARY KEY NOT NULL,
	`org_id` integer NOT NULL,
	`code` text NOT NULL,
	`issued_by` integer,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`used_by` integer,
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reg_codes_code_unique` ON `reg_codes` (`code`);--> statement-breakpoint
CREATE INDEX `reg_codes_org_idx` ON `reg_codes` (`org_id`,`expires_at`);--> statement-breakpoint
CREATE TABLE `reset_codes` (
	`id` integer PRIMARY KEY NOT NULL,
	`account_id` integer NOT NULL,
	`code_hash` text NOT NULL,
	`issued_by` integer NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reset_codes_code_hash_unique` ON `reset_codes` (`code_hash`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` integer NOT NULL,
	`org_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sessions_account_idx` ON `sessions` (`account_id`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
