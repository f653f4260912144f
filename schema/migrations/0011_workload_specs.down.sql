-- 0011_workload_specs, reversed.
ALTER TABLE workload_images{on_cluster} DROP COLUMN IF EXISTS spec_recorded;
ALTER TABLE workload_images{on_cluster} DROP COLUMN IF EXISTS node_selector;
ALTER TABLE workload_images{on_cluster} DROP COLUMN IF EXISTS container_ports;
ALTER TABLE workload_images{on_cluster} DROP COLUMN IF EXISTS startup_probe;
ALTER TABLE workload_images{on_cluster} DROP COLUMN IF EXISTS readiness_probe;
