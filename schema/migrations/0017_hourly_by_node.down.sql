-- 0017_hourly_by_node, reversed.
ALTER TABLE startup_rollup_hourly{on_cluster} DROP PROJECTION IF EXISTS by_node;
ALTER TABLE startup_rollup_hourly{on_cluster} RESET SETTING lightweight_mutation_projection_mode, materialize_projections_on_merge;
