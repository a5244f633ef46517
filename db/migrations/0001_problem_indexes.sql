CREATE INDEX `orgs_no_admin_idx` ON `orgs` (`path`) WHERE admin_count = 0;--> statement-breakpoint
CREATE INDEX `orgs_bad_name_idx` ON `orgs` (`path`) WHERE bad_name = 1;--> statement-breakpoint
CREATE INDEX `orgs_no_branch_idx` ON `orgs` (`path`) WHERE category <> 5 AND sub_branches = 0;--> statement-breakpoint
CREATE INDEX `orgs_bad_leaf_idx` ON `orgs` (`path`) WHERE category <> 5 AND child_count = 0;