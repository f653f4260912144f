-- 0018_pull_minute_grains down: drops the concurrent pulls' grains (concurrent pulls then read raw rows).
DROP TABLE IF EXISTS pull_minute_grains{on_cluster};
