-- 0005_alerts down: drops the alert history.
DROP TABLE IF EXISTS alerts{on_cluster};
