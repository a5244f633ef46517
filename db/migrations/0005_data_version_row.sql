-- The one data-version row that every write transaction bumps (db/client.ts).
INSERT INTO `data_version` (`id`, `version`) VALUES (1, 0) ON CONFLICT DO NOTHING;
