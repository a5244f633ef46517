-- Bigram index of 简称 for search within a subtree: (gram, path) is both the
-- lookup key and the subtree range, so a search is one index range scan.
CREATE TABLE `org_name_grams` (
	`gram` text NOT NULL,
	`path` text NOT NULL,
	`org_id` integer NOT NULL,
	PRIMARY KEY (`gram`, `path`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `org_name_grams_org_idx` ON `org_name_grams` (`org_id`);
--> statement-breakpoint
INSERT OR IGNORE INTO `org_name_grams` (`gram`, `path`, `org_id`)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60)
SELECT lower(substr(o.short_name, n.i, 2)), o.path, o.id FROM `orgs` o JOIN n ON n.i < length(o.short_name);
