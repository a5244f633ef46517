-- The one data-version row that every write transaction bumps (db/client.ts).
INSERT INTO `data_version` (`id`, `version`) VALUES (1, 0) ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- The org id sequence starts after the ids already used (once, in the deploy step).
INSERT INTO `id_sequences` (`name`, `next`) SELECT 'orgs', coalesce(max(`id`), 0) + 1 FROM `orgs` WHERE true ON CONFLICT DO NOTHING;
