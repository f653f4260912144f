-- 0016_rollup_days, reversed.
DROP TABLE IF EXISTS startup_rollup_day_builds{on_cluster};
DROP TABLE IF EXISTS pull_rollup_day_grains{on_cluster};
DROP TABLE IF EXISTS startup_rollup_day_grains{on_cluster};
