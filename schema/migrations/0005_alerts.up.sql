-- 0005_alerts: the history of alerts the collector raised: one row per alert episode (fingerprint + start),
-- rewritten as it is delivered and when it resolves; the latest version of a row is its current state.
-- Frozen once landed: change the schema with a new migration, never by editing this file.

CREATE TABLE IF NOT EXISTS alerts{on_cluster}
(
  cluster LowCardinality(String) COMMENT 'Kubernetes cluster label given to the collector.',
  fingerprint String COMMENT 'Hash of the alert''s sorted labels: the identity of the alert across evaluations.',
  rule LowCardinality(String) COMMENT 'Rule that raised it: slow-pull, pull-failures, startup-p90, node-pull-throughput.',
  labels Map(String, String) COMMENT 'Labels of the alert (alertname, rule, namespace, image, size_class, node, ...).',
  annotations Map(String, String) COMMENT 'Annotations (summary, description) as last sent.',
  state LowCardinality(String) COMMENT 'firing or resolved.',
  starts_at DateTime64(3, 'UTC') COMMENT 'When the condition began (first evaluation that found it).',
  ends_at Nullable(DateTime64(3, 'UTC')) COMMENT 'When the condition cleared; NULL while firing.',
  last_sent_at Nullable(DateTime64(3, 'UTC')) COMMENT 'Last successful delivery to any transport.',
  deliveries UInt32 COMMENT 'Successful deliveries so far, all transports together.',
  last_error Nullable(String) COMMENT 'Last delivery failure (transport name and status; never a secret).',
  version UInt64 COMMENT 'Writer''s ms clock; the latest write of an episode wins.'
)
ENGINE = {engine:ReplacingMergeTree(version)}
PARTITION BY toYYYYMM(starts_at)
ORDER BY (cluster, fingerprint, starts_at)
TTL toDateTime(starts_at) + INTERVAL 90 DAY
COMMENT 'Alert episodes with their state and delivery record, shown on the dashboard''s alerts page.';
