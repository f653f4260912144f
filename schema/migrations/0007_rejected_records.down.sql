-- 0007_rejected_records down: drops the record of rejected writes.
DROP TABLE IF EXISTS rejected_records{on_cluster};
