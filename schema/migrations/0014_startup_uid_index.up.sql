-- 0014_startup_uid_index: the pod page finds one startup by cluster and UID, but pod_startups is ordered by
-- (cluster, namespace, uid), so without a namespace that read scanned every granule of the cluster (hundreds of
-- ms at 1M startups, more under concurrent pages). A bloom filter on uid per granule lets the read skip every
-- granule that cannot hold it. UIDs are random, so one filter per granule at 0.1 % false positives.
-- MATERIALIZE builds it for the parts written before this migration (a background mutation; reads are correct
-- meanwhile, only slower).
-- Frozen once landed: change the schema with a new migration, never by editing this file.

ALTER TABLE pod_startups{on_cluster}
  ADD INDEX IF NOT EXISTS idx_uid uid TYPE bloom_filter(0.001) GRANULARITY 1;

ALTER TABLE pod_startups{on_cluster} MATERIALIZE INDEX idx_uid;
