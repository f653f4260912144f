-- 0017_hourly_by_node: the node page's workloads table is the one dashboard question only the hourly workload x
-- node table answers with a node filter, and that table is ordered by hour: a node's rows lie in every granule,
-- so the read took every granule's quantile states (~0.5 s at 10M startups a week). A projection ordered by node
-- keeps those rows together; it holds the counts, sums and the total and SLO states (what a group table reads),
-- not the phase states (about 60 % of the table's size at 10M startups). The engine reads it only where it has
-- every column a query needs, else the table itself: no answer changes.
-- Superseded rebuilds are removed with lightweight DELETE (pruneSupersededRollups), which a table with a
-- projection refuses by default; 'drop' removes the projection of the parts a DELETE touches (they are read from
-- the table until a merge builds it again: materialize_projections_on_merge) rather than keep rows the DELETE
-- masked readable through the projection (what 'rebuild' did in this engine version).
-- Frozen once landed: change the schema with a new migration, never by editing this file.

ALTER TABLE startup_rollup_hourly{on_cluster}
  MODIFY SETTING lightweight_mutation_projection_mode = 'drop', materialize_projections_on_merge = 1;

ALTER TABLE startup_rollup_hourly{on_cluster}
  ADD PROJECTION IF NOT EXISTS by_node (SELECT bucket, rebuild, cluster, namespace, workload_kind, workload_name, node, outcome, start_kind, startups, total_n, total_q, slo_n, slo_q, slo_over_5s, complete_n, complete_split_n, complete_total_sum, scheduling_n, complete_scheduling_sum, sandbox_n, complete_sandbox_sum, init_n, complete_init_sum, pull_wait_n, complete_pull_wait_sum, pull_n, complete_pull_sum, download_n, complete_download_sum, decompress_n, complete_decompress_sum, start_n, complete_start_sum, ready_n, complete_ready_sum, retain_from ORDER BY node, bucket, rebuild);

ALTER TABLE startup_rollup_hourly{on_cluster} MATERIALIZE PROJECTION by_node;
