-- Existing trees: the 团支部 per wave (lib/waves.ts, as of this migration) rolled up the tree, deepest level first.
UPDATE `orgs` SET `sub_branches_w1` = (`category` = 5 AND `industry` IN ('普通高等院校', '职业教育学校', '普通高中', '初中', '党政机关', '事业单位（不含公立学校）', '国有企业')), `sub_branches_w2` = (`category` = 5 AND `industry` IN ('农村', '城市社区', '非公企业', '集体企业', '新社会组织（不含民办学校）', '其他'));
--> statement-breakpoint
UPDATE `orgs` SET `sub_branches_w1` = `sub_branches_w1` + coalesce((SELECT sum(c.`sub_branches_w1`) FROM `orgs` c WHERE c.`parent_id` = `orgs`.`id`), 0), `sub_branches_w2` = `sub_branches_w2` + coalesce((SELECT sum(c.`sub_branches_w2`) FROM `orgs` c WHERE c.`parent_id` = `orgs`.`id`), 0) WHERE `level` = 11 AND `category` <> 5 AND `child_count` > 0;
--> statement-breakpoint
UPDATE `orgs` SET `sub_branches_w1` = `sub_branches_w1` + coalesce((SELECT sum(c.`sub_branches_w1`) FROM `orgs` c WHERE c.`parent_id` = `orgs`.`id`), 0), `sub_branches_w2` = `sub_branches_w2` + coalesce((SELECT sum(c.`sub_branches_w2`) FROM `orgs` c WHERE c.`parent_id` = `orgs`.`id`), 0) WHERE `level` = 10 AND `category` <> 5 AND `child_count` > 0;
--> statement-breakpoint
UPDATE `orgs` SET `sub_branches_w1` = `sub_branches_w1` + coalesce((SELECT sum(c.`sub_branches_w1`) FROM `orgs` c WHERE c.`parent_id` = `orgs`.`id`), 0), `sub_branches_w2` = `sub_branches_w2` + coalesce((SELECT sum(c.`sub_branches_w2`) FROM `orgs` c WHERE c.`parent_id` = `orgs`.`id`), 0) WHERE `level` = 9 AND `category` <> 5 AND `child_count` > 0;
--> statement-breakpoint
UPDATE `orgs` SET `sub_branches_w1` = `sub_branches_w1` + coalesce((SELECT sum(c.`sub_branches_w1`) FROM `orgs` c WHERE c.`parent_id` = `orgs`.`id`), 0), `sub_branches_w2` = `sub_branches_w2` + coalesce((SELECT sum(c.`sub_branches_w2`) FROM `orgs` c WHERE c.`parent_id` = `orgs`.`id`), 0) WHERE `level` = 8 AND `category` <> 5 AND `child_count` > 0;
--> statement-breakpoint
UPDATE `orgs` SET `sub_branches_w1` = `sub_branches_w1` + coalesce((SELECT sum(c.`sub_branches_w1`) FROM `orgs` c WHERE c.`parent_id` = `orgs`.`id`), 0), `sub_branches_w2` = `sub_branches_w2` + coalesce((SELECT sum(c.`sub_branches_w2`) FROM `orgs` c WHERE c.`parent_id` = `orgs`.`id`), 0) WHERE `level` = 7 AND `category` <> 5 AND `child_count` > 0;
--> statement-breakpoint
UPDATE `orgs` SET `sub_branches_w1` = `sub_branches_w1` + coalesce((SELECT sum(c.`sub_branches_w1`) FROM `orgs` c WHERE c.`parent_id` = `orgs`.`id`), 0), `sub_branches_w2` = `sub_branches_w2` + coalesce((SELECT sum(c.`sub_branches_w2`) FROM `orgs` c WHERE c.`parent_id` = `orgs`.`id`), 0) WHERE `level` = 6 AND `category` <> 5 AND `child_count` > 0;
--> statement-breakpoint
UPDATE `orgs` SET `sub_branches_w1` = `sub_branches_w1` + coalesce((SELECT sum(c.`sub_branches_w1`) FROM `orgs` c WHERE c.`parent_id` = `orgs`.`id`), 0), `sub_branches_w2` = `sub_branches_w2` + coalesce((SELECT sum(c.`sub_branches_w2`) FROM `orgs` c WHERE c.`parent_id` = `orgs`.`id`), 0) WHERE `level` = 5 AND `category` <> 5 AND `child_count` > 0;
--> statement-breakpoint
UPDATE `orgs` SET `sub_branches_w1` = `sub_branches_w1` + coalesce((SELECT sum(c.`sub_branches_w1`) FROM `orgs` c WHERE c.`parent_id` = `orgs`.`id`), 0), `sub_branches_w2` = `sub_branches_w2` + coalesce((SELECT sum(c.`sub_branches_w2`) FROM `orgs` c WHERE c.`parent_id` = `orgs`.`id`), 0) WHERE `level` = 4 AND `category` <> 5 AND `child_count` > 0;
--> statement-breakpoint
UPDATE `orgs` SET `sub_branches_w1` = `sub_branches_w1` + coalesce((SELECT sum(c.`sub_branches_w1`) FROM `orgs` c WHERE c.`parent_id` = `orgs`.`id`), 0), `sub_branches_w2` = `sub_branches_w2` + coalesce((SELECT sum(c.`sub_branches_w2`) FROM `orgs` c WHERE c.`parent_id` = `orgs`.`id`), 0) WHERE `level` = 3 AND `category` <> 5 AND `child_count` > 0;
--> statement-breakpoint
UPDATE `orgs` SET `sub_branches_w1` = `sub_branches_w1` + coalesce((SELECT sum(c.`sub_branches_w1`) FROM `orgs` c WHERE c.`parent_id` = `orgs`.`id`), 0), `sub_branches_w2` = `sub_branches_w2` + coalesce((SELECT sum(c.`sub_branches_w2`) FROM `orgs` c WHERE c.`parent_id` = `orgs`.`id`), 0) WHERE `level` = 2 AND `category` <> 5 AND `child_count` > 0;
--> statement-breakpoint
UPDATE `orgs` SET `sub_branches_w1` = `sub_branches_w1` + coalesce((SELECT sum(c.`sub_branches_w1`) FROM `orgs` c WHERE c.`parent_id` = `orgs`.`id`), 0), `sub_branches_w2` = `sub_branches_w2` + coalesce((SELECT sum(c.`sub_branches_w2`) FROM `orgs` c WHERE c.`parent_id` = `orgs`.`id`), 0) WHERE `level` = 1 AND `category` <> 5 AND `child_count` > 0;
