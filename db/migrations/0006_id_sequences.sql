CREATE TABLE `id_sequences` (
	`name` text PRIMARY KEY NOT NULL,
	`next` integer NOT NULL
);
