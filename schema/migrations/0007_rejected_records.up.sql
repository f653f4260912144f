-- 0007_rejected_records: records the store could not take, kept so nothing is dropped without a trace. A writer
-- that meets a record the store refuses for a reason a retry cannot fix (a value outside its column's range, a
-- time outside DateTime64's 1900-2299, a field the contract does not allow) isolates it from its batch and
-- writes it here instead, with the reason; the records behind it are stored as usual.
-- Frozen once landed: change the schema with a new migration, never by editing this file.

CREATE TABLE IF NOT EXISTS rejected_records{on_cluster}
(
  cluster LowCardinality(String) COMMENT 'Kubernetes cluster label given to the writer.',
  rejected_at DateTime64(3, 'UTC') COMMENT 'When the writer rejected the record (its clock).',
  source LowCardinality(String) COMMENT 'Which writer rejected it: collect, import, history.',
  target LowCardinality(String) COMMENT 'Table the record was meant for, e.g. pod_startups, pod_events.',
  record_key String COMMENT 'What names the record to a person: namespace/pod (uid) for a startup, the event name for an event.',
  reason String COMMENT 'Why it was rejected: the column and value that did not fit, or the rule it broke.',
  raw String COMMENT 'The record as JSON, cut to its first 64 KiB.',
  raw_bytes UInt64 COMMENT 'Length of the whole JSON before the cut.'
)
ENGINE = {engine:MergeTree()}
PARTITION BY toYYYYMM(rejected_at)
ORDER BY (cluster, target, rejected_at)
TTL toDateTime(rejected_at) + INTERVAL 30 DAY
COMMENT 'Records a writer could not store, with the reason; see docs/limits.md.';
