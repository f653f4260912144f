-- 0013_report_grains down: drops the report's grains (the weekly report then reads those groups from raw rows).
DROP TABLE IF EXISTS startup_image_grains{on_cluster};
DROP TABLE IF EXISTS pull_group_grains{on_cluster};
