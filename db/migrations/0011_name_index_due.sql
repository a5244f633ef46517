CREATE TABLE `name_index_due` (
	`org_id` integer PRIMARY KEY NOT NULL,
	`generation` integer DEFAULT 0 NOT NULL,
	`queued_at` integer NOT NULL
);
