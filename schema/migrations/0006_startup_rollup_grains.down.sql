-- 0006_startup_rollup_grains down: drops the grain rollup and the build records made with it (the refresher
-- rebuilds every bucket into startup_rollup_hourly alone).
DROP TABLE IF EXISTS startup_rollup_grains{on_cluster};
DROP TABLE IF EXISTS pull_rollup_grains{on_cluster};
TRUNCATE TABLE IF EXISTS startup_rollup_builds{on_cluster};
