-- 0011_workload_specs: what the advice's artifacts need from each container's own spec, stored next to its image
-- in workload_images: its readiness and startup probes (as in the pod spec, JSON), the ports it declares and the
-- pod's nodeSelector. Rows written before this migration read as unknown (empty), and an artifact then carries
-- a marked placeholder instead of a guess.
-- Frozen once landed: change the schema with a new migration, never by editing this file.

ALTER TABLE workload_images{on_cluster}
  ADD COLUMN IF NOT EXISTS readiness_probe String DEFAULT ''
  COMMENT 'readinessProbe of the container as in the pod spec (JSON); empty when it has none or it is not recorded.';

ALTER TABLE workload_images{on_cluster}
  ADD COLUMN IF NOT EXISTS startup_probe String DEFAULT ''
  COMMENT 'startupProbe of the container as in the pod spec (JSON); empty when it has none or it is not recorded.';

ALTER TABLE workload_images{on_cluster}
  ADD COLUMN IF NOT EXISTS container_ports Array(UInt16) DEFAULT []
  COMMENT 'containerPort of each ports[] entry of the container, in spec order.';

ALTER TABLE workload_images{on_cluster}
  ADD COLUMN IF NOT EXISTS node_selector Map(String, String) DEFAULT map()
  COMMENT 'spec.nodeSelector of the pod.';

ALTER TABLE workload_images{on_cluster}
  ADD COLUMN IF NOT EXISTS spec_recorded Bool DEFAULT false
  COMMENT 'The row was written with the columns above (false: written before 0011, the spec is unknown).';
