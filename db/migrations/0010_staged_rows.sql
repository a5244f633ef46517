CREATE TABLE `staged_rows` (
	`stage` text NOT NULL,
	`target` text NOT NULL,
	`seq` integer NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`stage`, `target`, `seq`)
);
--> statement-breakpoint
CREATE INDEX `staged_rows_created_idx` ON `staged_rows` (`created_at`);