CREATE TABLE `progress_snapshots` (
	`day` text NOT NULL,
	`org_id` integer NOT NULL,
	`parent_id` integer,
	`level` integer NOT NULL,
	`sort_order` integer NOT NULL,
	`short_name` text NOT NULL,
	`admin_count` integer NOT NULL,
	`info_complete` integer NOT NULL,
	`sub_orgs` integer NOT NULL,
	`sub_with_admin` integer NOT NULL,
	`sub_complete` integer NOT NULL,
	`sub_no_branch` integer NOT NULL,
	`sub_bad_leaf` integer NOT NULL,
	`taken_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `day`)
);
--> statement-breakpoint
CREATE INDEX `progress_snapshots_parent_idx` ON `progress_snapshots` (`parent_id`,`day`);--> statement-breakpoint
CREATE INDEX `progress_snapshots_day_idx` ON `progress_snapshots` (`day`);