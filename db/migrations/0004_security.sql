CREATE TABLE `throttles` (
	`key` text PRIMARY KEY NOT NULL,
	`hits` integer NOT NULL,
	`window_start` integer NOT NULL,
	`next_at` integer DEFAULT 0 NOT NULL,
	`granted` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `throttles_window_idx` ON `throttles` (`window_start`);--> statement-breakpoint
ALTER TABLE `reset_codes` ADD `issuer_org_id` integer;--> statement-breakpoint
ALTER TABLE `sessions` ADD `last_seen_at` integer;--> statement-breakpoint
ALTER TABLE `sessions` ADD `csrf` text;