-- The org id sequence starts after the ids already used (once, in the deploy step).
INSERT INTO `id_sequences` (`name`, `next`) SELECT 'orgs', coalesce(max(`id`), 0) + 1 FROM `orgs` WHERE true ON CONFLICT DO NOTHING;
